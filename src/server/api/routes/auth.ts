/**
 * Register, log in, log out; change your password; your signed-in devices.
 * Register and login are rate limited per IP; passwords never leave this file
 * unhashed.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import {
  changePasswordRequestSchema,
  ErrorCodes,
  loginRequestSchema,
  registerRequestSchema,
  type AuthResponse,
  type DeviceSession,
} from '../../../shared/api'
import { newId } from '../../store/ids'
import { RegistrationRefusedError, UsernameTakenError, type RegistrationRefusal } from '../../store/store'
import { currentSession, currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { ApiError, conflict, forbidden, notFound, parseWith } from '../errors'
import { hashInviteCode } from '../invites'
import { DUMMY_HASH, hashPassword, hashToken, newToken, verifyPassword } from '../passwords'
import { perUserPerMinute } from '../rate-limits'
import { selfView } from '../views'

/** What a refused registration is told: which rule, and what to do. */
const refusals: Record<RegistrationRefusal, ApiError> = {
  closed: new ApiError(403, ErrorCodes.registrationClosed, 'This server takes no new accounts'),
  invite_missing: new ApiError(
    403,
    ErrorCodes.inviteRequired,
    'This server registers with an invite code only: ask its administrator for one',
  ),
  invite_unknown: new ApiError(403, ErrorCodes.inviteRequired, 'That invite code is not valid on this server'),
  invite_used: new ApiError(403, ErrorCodes.inviteRequired, 'That invite code was already used: each code registers one account'),
  invite_expired: new ApiError(403, ErrorCodes.inviteRequired, 'That invite code has expired: ask for a new one'),
}

/** The User-Agent a session signed in with, for the device list: control characters dropped, at most 200 kept (the store cuts). */
function userAgentOf(request: FastifyRequest): string {
  const header = request.headers['user-agent']
  // eslint-disable-next-line no-control-regex
  return typeof header === 'string' ? header.replace(/[\u0000-\u001f\u007f-\u009f]/g, '').trim() : ''
}

interface SessionParams {
  id: string
}

export function authRoutes(ctx: ApiContext) {
  async function startSession(userId: string, request: FastifyRequest): Promise<string> {
    const token = newToken()
    const now = ctx.now()
    await ctx.store.createSession(hashToken(token), userId, now, now + ctx.limits.tokenTtlMs, userAgentOf(request))
    return token
  }

  return {
    public: async (app: FastifyInstance) => {
      // One limiter for both routes: together they allow AUTH_RATE_LIMIT attempts per minute per IP.
      const limit = app.rateLimit({ max: ctx.limits.authPerMinute, timeWindow: 60_000 })
      app.post('/api/auth/register', { onRequest: limit }, async (request, reply) => {
        const body = parseWith(registerRequestSchema, request.body)
        const passwordHash = await hashPassword(body.password)
        const now = ctx.now()
        try {
          const user = await ctx.store.createUser(
            {
              id: newId('u'),
              username: body.username,
              displayName: body.displayName ?? body.username,
              passwordHash,
              createdAt: now,
            },
            {
              registration: ctx.accounts.registration,
              ...(body.invite !== undefined ? { inviteCodeHash: hashInviteCode(body.invite) } : {}),
              now,
            },
          )
          const response: AuthResponse = { token: await startSession(user.id, request), user: selfView(user, ctx.presence) }
          return reply.code(201).send(response)
        } catch (err) {
          if (err instanceof UsernameTakenError) throw conflict(`The username ${body.username} is taken`)
          if (err instanceof RegistrationRefusedError) throw refusals[err.reason]
          throw err
        }
      })

      app.post('/api/auth/login', { onRequest: limit }, async (request) => {
        const body = parseWith(loginRequestSchema, request.body)
        const user = await ctx.store.userByUsername(body.username)
        // Verify against a dummy hash for unknown users: the timing does not tell who exists.
        const ok = await verifyPassword(body.password, user?.passwordHash ?? DUMMY_HASH)
        if (user === null || !ok) throw new ApiError(401, 'unauthorized', 'Wrong username or password')
        // Only told to whoever knows the password.
        if (user.disabledAt !== null) {
          throw new ApiError(403, ErrorCodes.accountDisabled, 'An administrator of this server disabled this account')
        }
        const response: AuthResponse = { token: await startSession(user.id, request), user: selfView(user, ctx.presence) }
        return response
      })
    },
    authenticated: async (app: FastifyInstance) => {
      app.post('/api/auth/logout', async (request, reply) => {
        const ended = await ctx.store.deleteSession(currentSession(request))
        if (ended !== null) await ctx.sessions.ended([ended])
        return reply.code(204).send()
      })

      // A stolen token must not turn into a fast password guesser: the sign-in budget, per user.
      app.post('/api/me/password', perUserPerMinute(ctx.limits.authPerMinute, 'password'), async (request, reply) => {
        const me = currentUser(request)
        const body = parseWith(changePasswordRequestSchema, request.body)
        if (!(await verifyPassword(body.current, me.passwordHash))) {
          throw forbidden('The current password is wrong: nothing was changed')
        }
        await ctx.store.setPasswordHash(me.id, await hashPassword(body.next))
        // Whoever else held a session (a lost laptop, a thief) is out, here and on the realtime layer.
        await ctx.sessions.ended(await ctx.store.deleteSessionsOf(me.id, currentSession(request)))
        return reply.code(204).send()
      })

      app.get('/api/me/sessions', async (request): Promise<DeviceSession[]> => {
        const me = currentUser(request)
        const current = currentSession(request)
        const sessions = await ctx.store.sessionsOf(me.id, ctx.now())
        return sessions.map((session) => ({
          id: session.id,
          createdAt: session.createdAt,
          lastUsedAt: session.lastUsedAt,
          userAgent: session.userAgent,
          current: session.tokenHash === current,
        }))
      })

      app.delete<{ Params: SessionParams }>('/api/me/sessions/:id', async (request, reply) => {
        const me = currentUser(request)
        const { id } = request.params
        // Someone else's session answers as one that does not exist.
        const ended = /^[A-Za-z0-9_-]{1,64}$/.test(id) ? await ctx.store.deleteSessionById(me.id, id) : null
        if (ended === null) throw notFound(`No session ${id.slice(0, 64)} of yours`)
        await ctx.sessions.ended([ended])
        return reply.code(204).send()
      })
    },
  }
}
