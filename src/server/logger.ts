/**
 * The server's structured JSON logger (pino). Secrets and message bodies never
 * go in at info level — nor, as far as this file can help it, at any level:
 * - no log call in src/server passes a token, password, secret, channel_data,
 *   webhook body or message body (REST request lines carry method, url, status
 *   and `reqId`; realtime lines carry `socketId`);
 * - errors are serialized from a short list of fields (`safeError`): the
 *   arbitrary properties libraries hang on them (the `pusher` SDK's signed
 *   request URL and response body, for one) are dropped, and URLs inside
 *   messages and stacks lose their query strings and credentials;
 * - header and field names that hold credentials are removed by `redact`,
 *   should one ever be logged whole.
 */
import { pino, type DestinationStream, type Logger } from 'pino'

/** Paths pino removes from every line (one level of nesting under any key: `*.token`). */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-pusher-signature"]',
  'headers.authorization',
  'headers.cookie',
  'headers["x-pusher-signature"]',
  'password',
  'token',
  'secret',
  'channel_data',
  'auth',
  'body',
  '*.password',
  '*.token',
  '*.secret',
  '*.channel_data',
  '*.auth',
  '*.body',
]

/** The message of the line the server logs when an error escaped every handler (index.ts); the hostile suites look for it. */
export const CRASH_LOG_MESSAGE = 'uncaught error: exiting so a supervisor can restart the server'

export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = {
    level,
    base: { service: 'parley-server' },
    redact: { paths: REDACTED_PATHS, remove: true },
    serializers: { err: safeError, error: safeError },
  }
  return destination === undefined ? pino(options) : pino(options, destination)
}

/** `scheme://user:pass@host/path?query#frag` → `scheme://host/path?…`: keeps where, drops what authenticates. */
export function scrubUrls(text: string): string {
  return text.replace(
    /\b([a-z][a-z0-9+.-]*:\/\/)(?:[^\s/?#@]*@)?([^\s?#]*)(\?[^\s#]*)?(#\S*)?/gi,
    (_match, scheme: string, rest: string, query: string | undefined) => `${scheme}${rest}${query ? '?…' : ''}`,
  )
}

interface SafeError {
  type: string
  message: string
  stack?: string
  cause?: SafeError | string
  /** code, status, statusCode, errno, syscall — when they are strings or numbers. */
  [field: string]: unknown
}

const KEPT_FIELDS = ['code', 'status', 'statusCode', 'errno', 'syscall'] as const

/** pino's err serializer, but from a whitelist of fields and with URLs scrubbed. */
export function safeError(err: unknown, depth = 0): unknown {
  if (typeof err === 'string') return scrubUrls(err)
  if (typeof err !== 'object' || err === null || !('message' in err)) return err
  const source = err as Record<string, unknown>
  const out: SafeError = {
    type: err instanceof Error ? err.constructor.name || err.name : typeof source.name === 'string' ? source.name : 'Error',
    message: scrubUrls(String(source.message)),
  }
  if (typeof source.stack === 'string') out.stack = scrubUrls(source.stack)
  for (const field of KEPT_FIELDS) {
    const value = source[field]
    if (typeof value === 'string' || typeof value === 'number') out[field] = typeof value === 'string' ? scrubUrls(value) : value
  }
  // Standard `cause`, or the `pusher` SDK's `error`.
  const cause = source.cause ?? source.error
  if (depth < 3 && cause !== undefined && cause !== null) {
    const safeCause = safeError(cause, depth + 1)
    if (typeof safeCause === 'string' || (typeof safeCause === 'object' && safeCause !== null && 'message' in safeCause)) {
      out.cause = safeCause as SafeError | string
    }
  }
  return out
}
