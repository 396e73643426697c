/**
 * JSON request bodies, parsed as fastify's default parser does (secure-json-parse:
 * `__proto__` and `constructor.prototype` keys are refused, so no handler ever
 * sees a body that could pollute a prototype) — but each refusal says what was
 * wrong: malformed JSON names the syntax error, a forbidden key names itself and
 * where it is, instead of one "not valid JSON" for both.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify'
import secureJson from 'secure-json-parse'

class BodyError extends Error {
  readonly statusCode = 400
}

/** Where a forbidden key sits in `value` (e.g. `user.__proto__`), or null. */
function forbiddenKeyPath(value: unknown, path: string[] = []): string | null {
  if (typeof value !== 'object' || value === null) return null
  for (const key of Object.keys(value)) {
    const child = (value as Record<string, unknown>)[key]
    if (key === '__proto__') return [...path, key].join('.')
    if (key === 'constructor' && typeof child === 'object' && child !== null && Object.hasOwn(child, 'prototype')) {
      return [...path, key, 'prototype'].join('.')
    }
    const found = forbiddenKeyPath(child, [...path, key])
    if (found !== null) return found
  }
  return null
}

export function parseJsonBody(body: string): unknown {
  if (body.length === 0) throw new BodyError('The body is empty but content-type is application/json: send JSON, or no content-type')
  try {
    return secureJson.parse(body, { protoAction: 'error', constructorAction: 'error' })
  } catch (err) {
    let plain: unknown
    try {
      plain = JSON.parse(body)
    } catch {
      throw new BodyError(`The body is not valid JSON (${err instanceof Error ? err.message.slice(0, 200) : 'syntax error'})`)
    }
    const path = forbiddenKeyPath(plain) ?? '__proto__'
    throw new BodyError(`The body contains the key ${path}: keys named __proto__, and constructor.prototype, are refused`)
  }
}

/** Replace fastify's JSON parser on `app` (and the scopes it registers later) with `parseJsonBody`. */
export function installJsonBodyParser(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json')
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_request: FastifyRequest, body, done) => {
    try {
      done(null, parseJsonBody(body as string))
    } catch (err) {
      done(err as Error, undefined)
    }
  })
}
