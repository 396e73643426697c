/**
 * Conversations by id, as the core reports them (list results and
 * `conversations` events); starting one, muting one, marking one read, and
 * managing a group (rename, members, roles, leaving). The group calls reject
 * with the call's error, for the group info panel to say why.
 */
import { create } from 'zustand'
import type { ChatConversation, IpcArgs } from '../../../shared/ipc'
import { isMuted } from '../lib/mute'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'

interface ConversationsState {
  byId: Readonly<Record<string, ChatConversation>>
  /** The first list arrived. */
  loaded: boolean
  upsert(conversations: readonly ChatConversation[]): void
  setAll(conversations: readonly ChatConversation[]): void
  /**
   * A later page of the list: only conversations not here yet. One that is
   * here came from an earlier page or an event, and any change since reached
   * it by event: the page's copy is no newer.
   */
  addAbsent(conversations: readonly ChatConversation[]): void
  /** Start a conversation (`createConversation`); rejects with the call's error. */
  create(request: IpcArgs<'createConversation'>): Promise<ChatConversation>
  /** Mute until a time (MUTE_FOREVER: until turned back on) or unmute (null): shown at once, the core's answer wins; rejects (rolled back) on failure. */
  setMuted(conversationId: string, mutedUntil: number | null): Promise<void>
  rename(conversationId: string, title: string): Promise<void>
  addMembers(conversationId: string, userIds: string[]): Promise<void>
  removeMember(conversationId: string, userId: string): Promise<void>
  setMemberRole(conversationId: string, userId: string, role: 'admin' | 'member'): Promise<void>
  /** Leave a group: its history stays, read-only. */
  leave(conversationId: string): Promise<void>
  /** The highest seq seen while the read rule held (read-receipts/read-tracker.ts). */
  markRead(conversationId: string, seq: number): void
  reset(): void
}

export const useConversations = create<ConversationsState>()((set, get) => ({
  byId: {},
  loaded: false,
  upsert: (conversations) =>
    set((state) => {
      if (conversations.length === 0) return state
      const byId = { ...state.byId }
      for (const conversation of conversations) byId[conversation.id] = conversation
      return { byId }
    }),
  setAll: (conversations) => set({ byId: Object.fromEntries(conversations.map((c) => [c.id, c])), loaded: true }),
  addAbsent: (conversations) => get().upsert(conversations.filter((c) => get().byId[c.id] === undefined)),
  create: async (request) => {
    const conversation = await parley().createConversation(request)
    get().upsert([conversation])
    return conversation
  },
  setMuted: async (conversationId, mutedUntil) => {
    const before = get().byId[conversationId]
    if (before !== undefined) get().upsert([{ ...before, mutedUntil, muted: isMuted(mutedUntil, Date.now()) }])
    try {
      get().upsert([await parley().setMuted({ conversationId, mutedUntil })])
    } catch (err) {
      const now = get().byId[conversationId]
      if (before !== undefined && now !== undefined) get().upsert([{ ...now, mutedUntil: before.mutedUntil, muted: before.muted }])
      throw err
    }
  },
  rename: async (conversationId, title) => get().upsert([await parley().renameConversation({ conversationId, title })]),
  addMembers: async (conversationId, userIds) => get().upsert([await parley().addMembers({ conversationId, userIds })]),
  removeMember: async (conversationId, userId) => get().upsert([await parley().removeMember({ conversationId, userId })]),
  setMemberRole: async (conversationId, userId, role) => get().upsert([await parley().setMemberRole({ conversationId, userId, role })]),
  leave: async (conversationId) => {
    await parley().leaveConversation({ conversationId })
    // The core's `conversations` event says so too; the panel closes at once.
    const now = get().byId[conversationId]
    if (now !== undefined && !now.left) get().upsert([{ ...now, left: true }])
  },
  markRead: (conversationId, seq) => {
    parley().markRead({ conversationId, seq }).catch(logFailure('markRead'))
  },
  reset: () => set({ byId: {}, loaded: false }),
}))

/** Ids, newest activity first (ties by id, for a stable order). */
export function sortedConversationIds(byId: Readonly<Record<string, ChatConversation>>): string[] {
  return Object.values(byId)
    .sort((a, b) => b.lastActivityAt - a.lastActivityAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((conversation) => conversation.id)
}

/** Everyone a list of conversations shows: members and the senders of last messages. */
export function peopleIn(conversations: readonly ChatConversation[]): string[] {
  return conversations.flatMap((conversation) => [
    ...conversation.memberIds,
    ...(conversation.lastMessage ? [conversation.lastMessage.senderId] : []),
  ])
}
