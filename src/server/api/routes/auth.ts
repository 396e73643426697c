/** Register, log in, log out. Rate limited per IP; passwords never leave this file unhashed. */
import type { FastifyInstance } from 'fastify'
import { loginRequestSchema, registerRequestSchema, type AuthResponse } from '../../../shared/api'
import { newId } from '../../store/ids'
import { UsernameTakenError } from '../../store/store'
import { currentSession } from '../authenticate'
import type { ApiContext } from '../context'
import { ApiError, conflict, parseWith } from '../errors'
import { DUMMY_HASH, hashPassword, hashToken, newToken, verifyPassword } from '../passwords'
import { userView } from '../views'

export function authRoutes(ctx: ApiContext) {

  async function startSession(userId: string): Promise<string> {
    const token = newToken()
    const now = ctx.now()
    await ctx.store.createSession(hashToken(token), userId, now, now + ctx.limits.tokenTtlMs)
    return token
  }

  return {
    public: async (app: FastifyInstance) => {
      // One limiter for both routes: together they allow AUTH_RATE_LIMIT attempts per minute per IP.
      const limit = app.rateLimit({ max: ctx.limits.authPerMinute, timeWindow: 60_000 })
      app.post('/api/auth/register', { onRequest: limit }, async (request, reply) => {
        const body = parseWith(registerRequestSchema, request.body)
        const passwordHash = await hashPassword(body.password)
        try {
          const user = await ctx.store.createUser({
            id: newId('u'),
            username: body.username,
            displayName: body.displayName ?? body.username,
            passwordHash,
            createdAt: ctx.now(),
          })
          const response: AuthResponse = { token: await startSession(user.id), user: userView(user, ctx.presence, true) }
          return reply.code(201).send(response)
        } catch (err) {
          if (err instanceof UsernameTakenError) throw conflict(`The username ${body.username} is taken`)
          throw err
        }
      })

      app.post('/api/auth/login', { onRequest: limit }, async (request) => {
        const body = parseWith(loginRequestSchema, request.body)
        const user = await ctx.store.userByUsername(body.username)
        // Verify against a dummy hash for unknown users: the timing does not tell who exists.
        const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH)
        if (user === null || !ok) throw new ApiError(401, 'unauthorized', 'Wrong username or password')
        const response: AuthResponse = { token: await startSession(user.id), user: userView(user, ctx.presence, true) }
        return response
      })
    },
    authenticated: async (app: FastifyInstance) => {
      app.post('/api/auth/logout', async (request, reply) => {
        const ended = await ctx.store.deleteSession(currentSession(request))
        if (ended !== null) await ctx.sessions.ended([ended])
        return reply.code(204).send()
      })
    },
  }
}
