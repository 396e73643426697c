/**
 * The REST api (docs/design.md §4) as a fastify plugin: public routes (config,
 * register, login, webhooks) and, behind the bearer-token hook, everything else.
 */
import formBody from '@fastify/formbody'
import rateLimit from '@fastify/rate-limit'
import type { FastifyInstance } from 'fastify'
import { ErrorCodes } from '../../shared/api'
import { installJsonBodyParser } from '../json-body'
import { lingerAfterEarlyRefusal } from '../realtime/lingering-close'
import { authenticate } from './authenticate'
import type { ApiContext } from './context'
import { ApiError, installErrorHandlers } from './errors'
import { attachmentRoutes } from './routes/attachments'
import { authRoutes } from './routes/auth'
import { configRoutes } from './routes/config'
import { conversationRoutes } from './routes/conversations'
import { groupRoutes } from './routes/groups'
import { messageChangeRoutes } from './routes/message-changes'
import { peopleRoutes } from './routes/people'
import { pusherRoutes } from './routes/pusher'
import { searchRoutes } from './routes/search'
import { userRoutes } from './routes/users'

/** Bodies are small JSON documents; a 4,000-character message escapes to well under this. */
export const API_BODY_LIMIT = 256 * 1024

export async function api(app: FastifyInstance, ctx: ApiContext): Promise<void> {
  installErrorHandlers(app)
  installJsonBodyParser(app)
  // A 413 must reach the client rather than be reset away with the unread body.
  lingerAfterEarlyRefusal(app)
  app.decorateRequest('user', null)
  app.decorateRequest('sessionTokenHash', null)
  // pusher-js posts channel auth form-encoded by default.
  await app.register(formBody, { bodyLimit: API_BODY_LIMIT })
  await app.register(rateLimit, {
    global: false,
    errorResponseBuilder: (_request, context) =>
      new ApiError(429, ErrorCodes.rateLimited, `Too many requests: try again in ${context.after}`),
  })

  const auth = authRoutes(ctx)
  const pusher = pusherRoutes(ctx)
  await app.register(configRoutes(ctx))
  await app.register(auth.public)
  await app.register(pusher.public)
  await app.register(async (authed) => {
    authed.addHook('onRequest', authenticate(ctx))
    await authed.register(auth.authenticated)
    await authed.register(userRoutes(ctx))
    await authed.register(peopleRoutes(ctx))
    await authed.register(conversationRoutes(ctx))
    await authed.register(groupRoutes(ctx))
    await authed.register(messageChangeRoutes(ctx))
    await authed.register(attachmentRoutes(ctx))
    await authed.register(searchRoutes(ctx))
    await authed.register(pusher.authenticated)
  })
}
