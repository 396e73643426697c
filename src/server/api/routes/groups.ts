/**
 * Groups people run (docs/design.md §4.6): rename, add and remove members,
 * leave, roles, and each member's own mute. The store makes each change in
 * one transaction with its system message (group-rows.ts) and refuses what
 * the actor's role does not allow (GroupRefusedError → 404/403/400/409).
 *
 * After a change commits: `message.created` for the system message and
 * `conversation.upsert` to every member now; to each user who is out
 * (removed, or left from one of their devices) `conversation.removed` on
 * their own channel, then their presence in the conversation's channel ends
 * at once (ctx.groups.endPresence). A mute goes to the user's own devices only.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import {
  addMembersRequestSchema,
  conversationSettingsRequestSchema,
  renameConversationRequestSchema,
  setRoleRequestSchema,
  type Conversation,
} from '../../../shared/api'
import type { ConversationRecord, GroupChange } from '../../store/store'
import { currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { notFound, parseWith } from '../errors'
import { publishConversationRemoved, publishConversationUpsert, publishMessageCreated } from '../events'
import { ID } from '../membership'
import { sharedPerUserPerMinute } from '../rate-limits'
import { conversationView } from '../views'

interface IdParams {
  id: string
}

interface MemberParams extends IdParams {
  userId: string
}

export function groupRoutes(ctx: ApiContext) {
  /** A conversation id that can exist, else 404 without a query. */
  function conversationId(request: FastifyRequest<{ Params: IdParams }>): string {
    const { id } = request.params
    if (!ID.test(id)) throw notFound(`No conversation ${id.slice(0, 64)}`)
    return id
  }

  /** A member id that can exist; anything else is no member of any group (404). */
  function memberId(request: FastifyRequest<{ Params: MemberParams }>): string {
    const { userId } = request.params
    if (!ID.test(userId)) throw notFound(`${userId.slice(0, 64)} is not a member of this group`)
    return userId
  }

  async function viewFor(record: ConversationRecord, viewerId: string): Promise<Conversation> {
    const unread = await ctx.store.unreadCounts(record.id, [viewerId])
    return conversationView(record, viewerId, unread.get(viewerId), ctx.now())
  }

  async function publishChange(change: GroupChange): Promise<void> {
    if (change.system === null) return
    const { conversation } = change
    publishMessageCreated(
      ctx,
      conversation.members.map((member) => member.userId),
      change.system,
    )
    await publishConversationUpsert(ctx, conversation)
    for (const userId of change.removedUserIds) {
      publishConversationRemoved(ctx, conversation.id, userId)
      try {
        await ctx.groups.endPresence(conversation.id, userId)
      } catch (err) {
        // The change is committed; the next channel auth refuses them anyway.
        ctx.log.warn({ err, conversationId: conversation.id }, 'could not end presence of a former member')
      }
    }
  }

  return async (app: FastifyInstance) => {
    // Changes to groups share one budget per user (adding people is like making groups); mutes share another.
    const groupLimited = sharedPerUserPerMinute(app, ctx.limits.conversationsPerMinute)
    const settingsLimited = sharedPerUserPerMinute(app, ctx.limits.changesPerMinute)

    app.patch<{ Params: IdParams }>('/api/conversations/:id', groupLimited, async (request): Promise<Conversation> => {
      const me = currentUser(request)
      const { title } = parseWith(renameConversationRequestSchema, request.body)
      const change = await ctx.store.renameConversation({ conversationId: conversationId(request), actorId: me.id, title, now: ctx.now() })
      await publishChange(change)
      return viewFor(change.conversation, me.id)
    })

    app.post<{ Params: IdParams }>('/api/conversations/:id/members', groupLimited, async (request): Promise<Conversation> => {
      const me = currentUser(request)
      const { userIds } = parseWith(addMembersRequestSchema, request.body)
      const change = await ctx.store.addMembers({ conversationId: conversationId(request), actorId: me.id, userIds, now: ctx.now() })
      await publishChange(change)
      return viewFor(change.conversation, me.id)
    })

    app.delete<{ Params: MemberParams }>('/api/conversations/:id/members/:userId', groupLimited, async (request, reply) => {
      const me = currentUser(request)
      const change = await ctx.store.removeMember({
        conversationId: conversationId(request),
        actorId: me.id,
        userId: memberId(request),
        now: ctx.now(),
      })
      await publishChange(change)
      return reply.code(204).send()
    })

    app.patch<{ Params: MemberParams }>(
      '/api/conversations/:id/members/:userId',
      groupLimited,
      async (request): Promise<Conversation> => {
        const me = currentUser(request)
        const { role } = parseWith(setRoleRequestSchema, request.body)
        const change = await ctx.store.setMemberRole({
          conversationId: conversationId(request),
          actorId: me.id,
          userId: memberId(request),
          role,
          now: ctx.now(),
        })
        await publishChange(change)
        return viewFor(change.conversation, me.id)
      },
    )

    app.put<{ Params: IdParams }>('/api/conversations/:id/settings', settingsLimited, async (request): Promise<Conversation> => {
      const me = currentUser(request)
      const { mutedUntil } = parseWith(conversationSettingsRequestSchema, request.body)
      const id = conversationId(request)
      const record = await ctx.store.setMutedUntil(id, me.id, mutedUntil)
      if (record === null) throw notFound(`No conversation ${id.slice(0, 64)}`)
      // Only the user's own devices: a mute is nobody else's business.
      await publishConversationUpsert(ctx, record, [me.id])
      return viewFor(record, me.id)
    })
  }
}
