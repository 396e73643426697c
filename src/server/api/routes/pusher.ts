/**
 * Realtime authorisation for pusher-js (channel auth and user sign-in), signed
 * with the official SDK, and the webhook receiver used with an external
 * realtime service. A user may subscribe to their own per-user channel — the
 * one name this server uses (ctx.userChannel: `private-user-*`, or
 * `private-encrypted-user-*`, whose auth then carries the channel's
 * shared_secret) — and to the presence channel of conversations they belong
 * to, unless it is a direct conversation whose other member blocked them —
 * nothing else.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import { z } from 'zod'
import { parseConversationChannel, type PresenceUserInfo } from '../../../shared/channels'
import { currentSession, currentUser } from '../authenticate'
import type { UserRecord } from '../../store/store'
import { blockedError } from '../blocking'
import type { ApiContext } from '../context'
import { ApiError, badRequest, forbidden, parseWith, unauthorized } from '../errors'

const socketId = z.string().regex(/^\d+\.\d+$/, 'socket_id must look like 123.456')
const channelAuthSchema = z.object({ socket_id: socketId, channel_name: z.string().min(1).max(200) })
const userAuthSchema = z.object({ socket_id: socketId })
/** At most 100 channels per request: a larger client sends several. */
export const MAX_AUTH_BATCH = 100
const channelAuthBatchSchema = z.object({ socket_id: socketId, channel_names: z.array(z.string().min(1).max(200)).min(1).max(MAX_AUTH_BATCH) })

const webhookSchema = z.object({
  time_ms: z.number(),
  events: z.array(z.object({ name: z.string(), channel: z.string().optional(), user_id: z.string().optional() })),
})

type Admission = 'admitted' | 'blocked'
type ChannelAuthAnswer = { auth: string; channel_data?: string; shared_secret?: string }

export function pusherRoutes(ctx: ApiContext) {
  /**
   * One channel's answer: the user's own channel, or the presence channel of a
   * conversation `admissions` (store.presenceAdmissions) admits them to.
   */
  const authorizeOne = (request: FastifyRequest, me: UserRecord, socketId: string, channelName: string, admissions: Map<string, Admission>): ChannelAuthAnswer => {
    if (channelName === ctx.userChannel(me.id)) {
      ctx.sessions.bound(socketId, currentSession(request), me.id)
      return ctx.pusher.authorizeChannel(socketId, channelName)
    }
    const conversationId = parseConversationChannel(channelName)
    const admission = conversationId === null ? undefined : admissions.get(conversationId)
    if (admission === 'blocked') throw blockedError()
    if (admission !== 'admitted') throw forbidden(`You may not subscribe to ${channelName}`)
    ctx.sessions.bound(socketId, currentSession(request), me.id)
    const userInfo: PresenceUserInfo = { displayName: me.displayName }
    return ctx.pusher.authorizeChannel(socketId, channelName, { user_id: me.id, user_info: userInfo })
  }

  return {
    authenticated: async (app: FastifyInstance) => {
      app.post('/api/pusher/auth', async (request) => {
        const me = currentUser(request)
        const { socket_id, channel_name } = parseWith(channelAuthSchema, request.body)
        const conversationId = parseConversationChannel(channel_name)
        const admissions = conversationId === null ? new Map<string, Admission>() : await ctx.store.presenceAdmissions(me.id, [conversationId])
        return authorizeOne(request, me, socket_id, channel_name, admissions)
      })

      // Many channels in one request (design §5): a client in 500 conversations
      // subscribes 500 presence channels at every connect, and one request each
      // cost the server (and the client) more than the answers themselves.
      app.post('/api/pusher/auth-batch', async (request) => {
        const me = currentUser(request)
        const { socket_id, channel_names } = parseWith(channelAuthBatchSchema, request.body)
        const conversationIds = channel_names.map(parseConversationChannel).filter((id): id is string => id !== null)
        const admissions = await ctx.store.presenceAdmissions(me.id, [...new Set(conversationIds)])
        type Answer = ChannelAuthAnswer | { error: { status: number; code: string; message: string } }
        const answers: [string, Answer][] = []
        for (const name of new Set(channel_names)) {
          try {
            answers.push([name, authorizeOne(request, me, socket_id, name, admissions)])
          } catch (err) {
            if (!(err instanceof ApiError)) throw err
            answers.push([name, { error: { status: err.status, code: err.code, message: err.message } }])
          }
        }
        // fromEntries: own keys whatever the names ("__proto__" included), never a prototype set by assignment.
        return { channels: Object.fromEntries(answers) }
      })

      app.post('/api/pusher/user-auth', async (request) => {
        const me = currentUser(request)
        const { socket_id } = parseWith(userAuthSchema, request.body)
        ctx.sessions.bound(socket_id, currentSession(request), me.id)
        return ctx.pusher.authenticateUser(socket_id, { id: me.id, user_info: { displayName: me.displayName } })
      })
    },

    /** Signed by the realtime service, not by a user: no bearer token. */
    public: async (app: FastifyInstance) => {
      // The webhook's signature is over the exact bytes: keep them as they came.
      app.removeContentTypeParser('application/json')
      app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body))
      app.post('/api/pusher/webhooks', async (request, reply) => {
        const rawBody = typeof request.body === 'string' ? request.body : ''
        const { 'x-pusher-key': key, 'x-pusher-signature': signature } = request.headers
        if (typeof key !== 'string' || typeof signature !== 'string' || signature.length === 0) {
          throw unauthorized('Webhooks need X-Pusher-Key and X-Pusher-Signature')
        }
        const webhook = ctx.pusher.webhook({
          headers: request.headers as Record<string, string>,
          rawBody,
        })
        if (!webhook.isValid()) throw unauthorized('Invalid webhook signature')
        let body: unknown
        try {
          body = JSON.parse(rawBody)
        } catch {
          throw badRequest('Webhook body must be JSON')
        }
        const { events } = parseWith(webhookSchema, body)
        for (const event of events) {
          if (event.channel === undefined || event.user_id === undefined) continue
          if (event.name === 'member_added') ctx.presence.memberAdded(event.channel, event.user_id)
          if (event.name === 'member_removed') ctx.presence.memberRemoved(event.channel, event.user_id)
        }
        return reply.code(200).send({ ok: true })
      })
    },
  }
}
