/**
 * Every error leaves the api as `{error:{code,message}}` with a 4xx status a
 * client can act on. Unexpected failures are 500 with a generic message (the
 * detail goes to the log, never to the client).
 */
import type { FastifyError, FastifyInstance } from 'fastify'
import type { z } from 'zod'
import { ErrorCodes } from '../../shared/api'
import { GroupRefusedError, MessageRefusedError, type GroupRefusal, type MessageRefusal } from '../store/store'

type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes]

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

export const badRequest = (message: string) => new ApiError(400, ErrorCodes.badRequest, message)
export const unauthorized = (message = 'Sign in first: missing, invalid or expired token') =>
  new ApiError(401, ErrorCodes.unauthorized, message)
export const forbidden = (message: string) => new ApiError(403, ErrorCodes.forbidden, message)
export const notFound = (message: string) => new ApiError(404, ErrorCodes.notFound, message)
export const conflict = (message: string) => new ApiError(409, ErrorCodes.conflict, message)

/** How each refusal of the store (a change to a message) is answered. */
const refusalStatus: Record<MessageRefusal, number> = {
  not_found: 404,
  not_sender: 403,
  deleted: 409,
  too_many_reactions: 400,
  reply_not_found: 400,
  reply_deleted: 409,
  attachment_refused: 400,
  system_message: 409,
}

/** How each refusal of a group change is answered (docs/design.md §4.6). */
const groupRefusalStatus: Record<GroupRefusal, number> = {
  not_found: 404,
  not_member: 404,
  forbidden: 403,
  not_group: 400,
  unknown_users: 400,
  too_many_members: 400,
  owner_role: 409,
}

const codeForStatus = (status: number): ErrorCode => {
  switch (status) {
    case 401:
      return ErrorCodes.unauthorized
    case 403:
      return ErrorCodes.forbidden
    case 404:
      return ErrorCodes.notFound
    case 409:
      return ErrorCodes.conflict
    case 413:
      return ErrorCodes.tooLarge
    case 429:
      return ErrorCodes.rateLimited
    default:
      return status >= 500 ? ErrorCodes.internal : ErrorCodes.badRequest
  }
}

/** Validate `value` with `schema`; a mismatch is a 400 naming each bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, what = 'body'): z.output<S> {
  const parsed = schema.safeParse(value ?? {})
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.join('.') : what
    return `${path}: ${issue.message}`
  })
  throw badRequest(problems.join('; '))
}

export function installErrorHandlers(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError | ApiError, request, reply) => {
    if (error instanceof ApiError) {
      return reply.code(error.status).send({ error: { code: error.code, message: error.message } })
    }
    if (error instanceof MessageRefusedError || error instanceof GroupRefusedError) {
      const status = error instanceof MessageRefusedError ? refusalStatus[error.reason] : groupRefusalStatus[error.reason]
      return reply.code(status).send({ error: { code: codeForStatus(status), message: error.message } })
    }
    const status = typeof error.statusCode === 'number' && error.statusCode >= 400 ? error.statusCode : 500
    if (status >= 500) {
      request.log.error({ err: error }, 'request failed')
      return reply.code(500).send({ error: { code: ErrorCodes.internal, message: 'Something went wrong on the server' } })
    }
    return reply.code(status).send({ error: { code: codeForStatus(status), message: error.message } })
  })
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: ErrorCodes.notFound, message: `No route ${request.method} ${request.url.split('?')[0]}` } }),
  )
}
