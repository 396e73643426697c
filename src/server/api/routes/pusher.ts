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
import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import { parseConversationChannel, type PresenceUserInfo } from '../../../shared/channels'
import { currentSession, currentUser } from '../authenticate'
import { blockedError } from '../blocking'
import type { ApiContext } from '../context'
import { badRequest, forbidden, parseWith, unauthorized } from '../errors'

const socketId = z.string().regex(/^\d+\.\d+$/, 'socket_id must look like 123.456')
const channelAuthSchema = z.object({ socket_id: socketId, channel_name: z.string().min(1).max(200) })
const userAuthSchema = z.object({ socket_id: socketId })

const webhookSchema = z.object({
  time_ms: z.number(),
  events: z.array(z.object({ name: z.string(), channel: z.string().optional(), user_id: z.string().optional() })),
})

export function pusherRoutes(ctx: ApiContext) {
  return {
    authenticated: async (app: FastifyInstance) => {
      app.post('/api/pusher/auth', async (request) => {
        const me = currentUser(request)
        const { socket_id, channel_name } = parseWith(channelAuthSchema, request.body)
        if (channel_name === ctx.userChannel(me.id)) {
          ctx.sessions.bound(socket_id, currentSession(request), me.id)
          return ctx.pusher.authorizeChannel(socket_id, channel_name)
        }
        const conversationId = parseConversationChannel(channel_name)
        if (conversationId !== null && (await ctx.store.isMember(conversationId, me.id))) {
          if (await ctx.store.blockedInDirect(conversationId, me.id)) {
            throw blockedError()
          }
          ctx.sessions.bound(socket_id, currentSession(request), me.id)
          const userInfo: PresenceUserInfo = { displayName: me.displayName }
          return ctx.pusher.authorizeChannel(socket_id, channel_name, { user_id: me.id, user_info: userInfo })
        }
        throw forbidden(`You may not subscribe to ${channel_name}`)
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
