/**
 * Changes to a sent message (docs/design.md §4.4): edit, delete for everyone,
 * reactions. Non-members get 404 for the conversation and everything in it;
 * an unknown message id is 404 too. Each answers 200 with the message as it is
 * now; a change that was already made answers the same and uses no rev.
 * Committed changes go out as `message.updated` to every member.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { editMessageRequestSchema, reactionEmojiSchema, type Message } from '../../../shared/api'
import type { MessageChange } from '../../store/store'
import { currentUser } from '../authenticate'
import { refuseIfBlocked } from '../blocking'
import type { ApiContext } from '../context'
import { notFound, parseWith } from '../errors'
import { publishMessagesUpdated } from '../events'
import { ID, membersFor, mentionsIn } from '../membership'
import { sharedPerUserPerMinute } from '../rate-limits'

interface MessageParams {
  id: string
  messageId: string
}

interface ReactionParams extends MessageParams {
  emoji: string
}

export function messageChangeRoutes(ctx: ApiContext) {
  /** The members (the caller among them, else 404) and a message id that can exist (else 404). */
  async function target(request: FastifyRequest<{ Params: MessageParams }>) {
    const me = currentUser(request)
    const memberIds = await membersFor(ctx, request.params.id, me.id)
    const { messageId } = request.params
    if (!ID.test(messageId)) throw notFound(`No message ${messageId.slice(0, 64)}`)
    return { me, memberIds, conversationId: request.params.id, messageId }
  }

  function published(memberIds: readonly string[], change: MessageChange): Message {
    if (change.changed) publishMessagesUpdated(ctx, memberIds, [change.message, ...change.replies])
    return change.message
  }

  return async (app: FastifyInstance) => {
    // One budget for edits, deletes and reactions together.
    const limited = sharedPerUserPerMinute(app, ctx.limits.changesPerMinute)
    app.patch<{ Params: MessageParams }>('/api/conversations/:id/messages/:messageId', limited, async (request) => {
      const { body } = parseWith(editMessageRequestSchema, request.body)
      const { me, memberIds, conversationId, messageId } = await target(request)
      const change = await ctx.store.editMessage({
        conversationId,
        messageId,
        userId: me.id,
        body,
        mentions: await mentionsIn(ctx, body, memberIds),
        now: ctx.now(),
      })
      return published(memberIds, change)
    })

    app.delete<{ Params: MessageParams }>('/api/conversations/:id/messages/:messageId', limited, async (request) => {
      const { me, memberIds, conversationId, messageId } = await target(request)
      const change = await ctx.store.deleteMessage({ conversationId, messageId, userId: me.id, now: ctx.now() })
      // The attachments' rows went with the commit; their blobs go now (a failure stays queued for the sweeper).
      await ctx.attachments.reaper.reap(change.freedBlobKeys)
      return published(memberIds, change)
    })

    const reaction = (present: boolean) => async (request: FastifyRequest<{ Params: ReactionParams }>) => {
      // The router has already percent-decoded the path segment.
      const emoji = parseWith(reactionEmojiSchema, request.params.emoji, 'emoji')
      const { me, memberIds, conversationId, messageId } = await target(request)
      // Taking a reaction back stays possible; adding one is posting into the conversation.
      if (present) await refuseIfBlocked(ctx, conversationId, memberIds, me.id)
      const change = await ctx.store.setReaction({ conversationId, messageId, userId: me.id, emoji, present })
      return published(memberIds, change)
    }
    app.put<{ Params: ReactionParams }>('/api/conversations/:id/messages/:messageId/reactions/:emoji', limited, reaction(true))
    app.delete<{ Params: ReactionParams }>(
      '/api/conversations/:id/messages/:messageId/reactions/:emoji',
      limited,
      reaction(false),
    )
  }
}
