/**
 * Request ids: every HTTP request gets one, fastify binds it to the request's
 * logger (`reqId` on every line about that request), and the response echoes it
 * in `X-Request-Id`. A client's (or proxy's) own `X-Request-Id` is kept when it
 * is sane — 1–128 characters of `A–Z a–z 0–9 . _ : / + = @ -` — so one id
 * follows a request from the proxy's log to ours; anything else gets a fresh
 * random id.
 */
import { randomUUID } from 'node:crypto'
import type { IncomingMessage } from 'node:http'
import type { FastifyInstance } from 'fastify'

export const REQUEST_ID_HEADER = 'x-request-id'
const SANE_REQUEST_ID = /^[A-Za-z0-9._:/+=@-]{1,128}$/

/** fastify's `genReqId` (with `requestIdHeader: false`, so this decides alone). */
export function requestId(req: IncomingMessage): string {
  const given = req.headers[REQUEST_ID_HEADER]
  return typeof given === 'string' && SANE_REQUEST_ID.test(given) ? given : randomUUID()
}

/** Echo the id on every response. Add on the root instance before any plugin is registered. */
export function echoRequestIds(app: FastifyInstance): void {
  app.addHook('onRequest', (request, reply, done) => {
    void reply.header(REQUEST_ID_HEADER, request.id)
    done()
  })
}
