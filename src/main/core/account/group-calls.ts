/**
 * Managing a conversation (docs/design.md §4.6): my mute, and for groups the
 * title, members and roles, and leaving. Online only — each is the server's
 * decision (roles, limits), so nothing is queued: offline they fail with
 * `offline` (errors.ts `online`). The server's answer is stored like a
 * listing; the system message it wrote arrives by realtime and is fetched
 * anyway when the answer says the conversation has grown.
 */
import { addMembersRequestSchema, renameConversationRequestSchema, type Conversation } from '../../../shared/api'
import { ParleyError, type ChatConversation } from '../../../shared/ipc'
import type { ApiClient } from '../api-client'
import type { Cache } from '../cache/types'
import type { Sync } from '../sync/sync'

export interface GroupCallsDeps {
  me: string
  api: ApiClient
  cache: Cache
  sync: Sync
  /** Runs a call that needs the server (errors.ts `online`). */
  online<T>(what: string, call: () => Promise<T>): Promise<T>
  /** Throws `not_found`, or `left` for a conversation I am no longer in. */
  requireMember(conversationId: string): void
  /** I am no longer a member (account.ts `markLeft`). */
  markLeft(conversationId: string): void
  /** Send the conversation's view to the window now; returns it. */
  sendView(conversationId: string): ChatConversation
}

export class GroupCalls {
  constructor(private readonly deps: GroupCallsDeps) {}

  /** Mute until a time (MUTE_FOREVER: until turned back on) or unmute (null); the server syncs it to my other devices. */
  async setMuted(conversationId: string, mutedUntil: number | null): Promise<ChatConversation> {
    this.deps.requireMember(conversationId)
    return this.stored(await this.deps.online('Muting a conversation', () => this.deps.api.conversationSettings(conversationId, { mutedUntil })))
  }

  async rename(conversationId: string, title: string): Promise<ChatConversation> {
    this.deps.requireMember(conversationId)
    const parsed = renameConversationRequestSchema.safeParse({ title })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid title')
    return this.stored(await this.deps.online('Renaming a group', () => this.deps.api.renameConversation(conversationId, parsed.data.title)))
  }

  async addMembers(conversationId: string, userIds: readonly string[]): Promise<ChatConversation> {
    this.deps.requireMember(conversationId)
    const parsed = addMembersRequestSchema.safeParse({ userIds: [...new Set(userIds)] })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid members')
    return this.stored(await this.deps.online('Adding people to a group', () => this.deps.api.addMembers(conversationId, parsed.data.userIds)))
  }

  /** Remove someone (owner/admin); removing myself is leaving. */
  async removeMember(conversationId: string, userId: string): Promise<ChatConversation> {
    if (userId === this.deps.me) {
      await this.leave(conversationId)
      return this.deps.sendView(conversationId)
    }
    this.deps.requireMember(conversationId)
    await this.deps.online('Removing someone from a group', () => this.deps.api.removeMember(conversationId, userId))
    // The answer is 204: the conversation as it is now comes by GET (its upsert event would bring it too).
    const conversation = await this.deps.api.conversation(conversationId).catch(() => null)
    if (conversation !== null) return this.stored(conversation)
    this.deps.sync.requestFill(conversationId)
    return this.deps.sendView(conversationId)
  }

  async setRole(conversationId: string, userId: string, role: 'admin' | 'member'): Promise<ChatConversation> {
    this.deps.requireMember(conversationId)
    return this.stored(await this.deps.online("Changing someone's role", () => this.deps.api.setMemberRole(conversationId, userId, role)))
  }

  /** Leave a group: its history stays, read-only. Already gone on the server (404) counts as left. */
  async leave(conversationId: string): Promise<void> {
    this.deps.requireMember(conversationId)
    try {
      await this.deps.online('Leaving a group', () => this.deps.api.removeMember(conversationId, this.deps.me))
    } catch (err) {
      if (!(err instanceof ParleyError && err.code === 'not_found')) throw err
    }
    this.deps.markLeft(conversationId)
  }

  /** The server's conversation after a change: stored, the messages it gained fetched, its view sent now. */
  private stored(conversation: Conversation): ChatConversation {
    const { sync, cache } = this.deps
    sync.applyConversations([conversation])
    if (conversation.lastSeq > cache.highestSeq(conversation.id)) sync.requestFill(conversation.id)
    return this.deps.sendView(conversation.id)
  }
}
