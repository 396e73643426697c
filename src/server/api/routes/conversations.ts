/** Conversations, their messages and their read/delivered markers. Non-members get 404: no existence leak. */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import {
  conversationPageQuerySchema,
  createConversationRequestSchema,
  deliveredBatchRequestSchema,
  LIMITS,
  markerRequestSchema,
  messagePageQuerySchema,
  sendMessageRequestSchema,
  type Conversation,
  type ConversationPage,
  type DeliveredBatchResponse,
  type MessagePage,
} from '../../../shared/api'
import type { MarkerKind } from '../../store/store'
import { currentUser } from '../authenticate'
import { refuseIfBlocked } from '../blocking'
import type { ApiContext } from '../context'
import { decodeConversationCursor, encodeConversationCursor } from '../conversation-cursor'
import { ApiError, badRequest, notFound, parseWith } from '../errors'
import { publishConversationUpsert, publishMarkerUpdated, publishMessageCreated } from '../events'
import { ID, membersFor as membersOf, mentionsIn } from '../membership'
import { perUserPerMinute } from '../rate-limits'
import { conversationView } from '../views'

interface IdParams {
  id: string
}

export function conversationRoutes(ctx: ApiContext) {
  const membersFor = (conversationId: string, userId: string) => membersOf(ctx, conversationId, userId)

  return async (app: FastifyInstance) => {
    app.get('/api/conversations', async (request): Promise<ConversationPage> => {
      const me = currentUser(request)
      const query = parseWith(conversationPageQuerySchema, request.query, 'query')
      const after = query.cursor === undefined ? undefined : decodeConversationCursor(query.cursor)
      if (after === null) throw badRequest('cursor: not a cursor from a previous page')
      const page = await ctx.store.conversationPageOf(me.id, { ...(after ? { after } : {}), limit: query.limit })
      const unread = await ctx.store.unreadCountsOf(me.id, page.conversations.map((record) => record.id))
      const last = page.conversations.at(-1)
      return {
        conversations: page.conversations.map((record) => conversationView(record, me.id, unread.get(record.id), ctx.now())),
        nextCursor: page.hasMore && last ? encodeConversationCursor(last) : null,
      }
    })

    app.post(
      '/api/conversations',
      // Anyone may put anyone into a group: without a limit, 150 of them took a second.
      perUserPerMinute(ctx.limits.conversationsPerMinute, 'create-conversation'),
      async (request, reply) => {
        const me = currentUser(request)
        const body = parseWith(createConversationRequestSchema, request.body)
        const others = [...new Set(body.memberIds)].filter((id) => id !== me.id)
        if (others.length === 0) throw badRequest('memberIds must name at least one other user')
        if (others.length + 1 > LIMITS.groupMembersMax) {
          throw badRequest(`A conversation has at most ${LIMITS.groupMembersMax} members`)
        }
        const found = new Set((await ctx.store.usersById(others)).map((user) => user.id))
        const unknown = others.filter((id) => !found.has(id))
        if (unknown.length > 0) throw badRequest(`Unknown user ${unknown[0]?.slice(0, 64)}`)

        const kind = others.length === 1 && body.title === undefined ? 'direct' : 'group'
        const { conversation, created } = await ctx.store.createConversation({
          kind,
          title: body.title ?? null,
          memberIds: [me.id, ...others],
          createdBy: me.id,
          now: ctx.now(),
        })
        if (created) await publishConversationUpsert(ctx, conversation)
        const unread = await ctx.store.unreadCounts(conversation.id, [me.id])
        return reply.code(created ? 201 : 200).send(conversationView(conversation, me.id, unread.get(me.id), ctx.now()))
      },
    )

    app.get<{ Params: IdParams }>('/api/conversations/:id', async (request): Promise<Conversation> => {
      const me = currentUser(request)
      const { id } = request.params
      const record = ID.test(id) ? await ctx.store.conversationFor(id, me.id) : null
      if (record === null) throw notFound(`No conversation ${id.slice(0, 64)}`)
      const unread = await ctx.store.unreadCounts(record.id, [me.id])
      return conversationView(record, me.id, unread.get(me.id), ctx.now())
    })

    app.get<{ Params: IdParams }>('/api/conversations/:id/messages', async (request): Promise<MessagePage> => {
      const me = currentUser(request)
      const query = parseWith(messagePageQuerySchema, request.query, 'query')
      await membersFor(request.params.id, me.id)
      return ctx.store.messages(request.params.id, query)
    })

    app.post<{ Params: IdParams }>(
      '/api/conversations/:id/messages',
      perUserPerMinute(ctx.limits.sendsPerMinute, 'send'),
      async (request, reply) => {
        const me = currentUser(request)
        const body = parseWith(sendMessageRequestSchema, request.body)
        const memberIds = await membersFor(request.params.id, me.id)
        await refuseIfBlocked(ctx, request.params.id, memberIds, me.id)
        const { message, created } = await ctx.store.appendMessage({
          conversationId: request.params.id,
          senderId: me.id,
          clientId: body.clientId,
          body: body.body,
          now: ctx.now(),
          mentions: await mentionsIn(ctx, body.body, memberIds),
          ...(body.replyToId === undefined ? {} : { replyToId: body.replyToId }),
          ...(body.attachmentIds === undefined ? {} : { attachmentIds: body.attachmentIds }),
        })
        if (created) {
          ctx.metrics?.messageStored()
          // reply.elapsedTime runs from the request's arrival: the send→publish latency starts there.
          publishMessageCreated(ctx, memberIds, message, performance.now() - reply.elapsedTime)
        }
        return reply.code(created ? 201 : 200).send(message)
      },
    )

    /** Move my marker of one conversation (404 when I am not a member); its members hear of a change. */
    const advance = async (conversationId: string, userId: string, kind: MarkerKind, seq: number) => {
      const memberIds = await membersFor(conversationId, userId)
      const result = await ctx.store.advanceMarker(conversationId, userId, kind, seq)
      if (result.changed) {
        publishMarkerUpdated(ctx, memberIds, { conversationId, userId, readSeq: result.readSeq, deliveredSeq: result.deliveredSeq })
      }
      return result
    }
    const marker = (kind: MarkerKind) => async (request: FastifyRequest<{ Params: IdParams }>) => {
      const me = currentUser(request)
      const { seq } = parseWith(markerRequestSchema, request.body)
      const result = await advance(request.params.id, me.id, kind, seq)
      return kind === 'read' ? { readSeq: result.readSeq } : { deliveredSeq: result.deliveredSeq }
    }
    app.post<{ Params: IdParams }>('/api/conversations/:id/read', marker('read'))
    app.post<{ Params: IdParams }>('/api/conversations/:id/delivered', marker('delivered'))

    // Many conversations' delivered markers in one request (docs/design.md §11): back from a weekend the app
    // has news in hundreds of conversations, and a request each was a quarter of its catch-up's work.
    app.post('/api/conversations/delivered-batch', async (request): Promise<DeliveredBatchResponse> => {
      const me = currentUser(request)
      const { markers } = parseWith(deliveredBatchRequestSchema, request.body)
      const highest = new Map<string, number>()
      for (const { conversationId, seq } of markers) highest.set(conversationId, Math.max(seq, highest.get(conversationId) ?? 0))
      const answers: [string, DeliveredBatchResponse['markers'][string]][] = []
      for (const [conversationId, seq] of highest) {
        try {
          answers.push([conversationId, { deliveredSeq: (await advance(conversationId, me.id, 'delivered', seq)).deliveredSeq }])
        } catch (err) {
          if (!(err instanceof ApiError)) throw err
          answers.push([conversationId, { error: { status: err.status, code: err.code, message: err.message } }])
        }
      }
      // fromEntries: own keys whatever the ids ("__proto__" included), never a prototype set by assignment.
      return { markers: Object.fromEntries(answers) }
    })
  }
}
