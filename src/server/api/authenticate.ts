import type { FastifyReply, FastifyRequest } from 'fastify'
import type { UserRecord } from '../store/store'
import type { ApiContext } from './context'
import { unauthorized } from './errors'
import { hashToken } from './passwords'

/** The auth scheme is case-insensitive (RFC 9110); the token is base64url. */
const BEARER = /^Bearer +([A-Za-z0-9_-]{16,128})$/i

/** The bearer token of a request, or null. */
export function bearerToken(request: FastifyRequest): string | null {
  const header = request.headers.authorization
  return typeof header === 'string' ? (BEARER.exec(header)?.[1] ?? null) : null
}

/** onRequest hook: resolve the bearer token to a user or answer 401. */
export function authenticate(ctx: ApiContext) {
  return async (request: FastifyRequest, _reply: FastifyReply): Promise<void> => {
    const token = bearerToken(request)
    if (token === null) throw unauthorized()
    const tokenHash = hashToken(token)
    const user = await ctx.store.sessionUser(tokenHash, ctx.now())
    if (user === null) throw unauthorized()
    request.user = user
    request.sessionTokenHash = tokenHash
  }
}

/** The session (token hash) of a request that passed `authenticate`. */
export function currentSession(request: FastifyRequest): string {
  if (request.sessionTokenHash === null) throw unauthorized()
  return request.sessionTokenHash
}

/** The signed-in user of a request that passed `authenticate`. */
export function currentUser(request: FastifyRequest): UserRecord {
  if (request.user === null) throw unauthorized()
  return request.user
}
