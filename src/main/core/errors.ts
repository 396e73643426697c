/**
 * Every failure on its way out of the core becomes a `ParleyError` — a code
 * and a message a person can act on — or, at the IPC boundary, the error half
 * of an envelope. The one place where REST failures, sign-in refusals, calls
 * cut short by a sign-out and unexpected errors are put into words.
 */
import { ErrorCodes } from '../../shared/api'
import { ParleyError, type IpcEnvelope } from '../../shared/ipc'
import { HttpError, NetworkError } from './api-client'
import { CacheError } from './cache/database/cache-error'

/** REST failures → errors the renderer can show. */
export function translateError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err
  if (err instanceof NetworkError) return new ParleyError('unreachable', 'Cannot reach the server')
  if (err instanceof HttpError) return new ParleyError(err.code, err.message)
  return new ParleyError('internal', err instanceof Error ? err.message : String(err))
}

/** Runs a REST call; its failure comes out translated. */
export async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw translateError(err)
  }
}

/**
 * Runs a call that only the server can answer (docs/design.md §4.6: group
 * management, blocks, profile, sessions, invites — never queued). With no
 * connection it fails at once, or when the request finds none, as `offline`
 * with what needed it; the server's refusals keep their code and message.
 */
export async function online<T>(what: string, connected: () => boolean, call: () => Promise<T>): Promise<T> {
  const offline = () => new ParleyError('offline', `${what} needs a connection to the server. You are offline; try again once connected.`)
  if (!connected()) throw offline()
  try {
    return await call()
  } catch (err) {
    throw err instanceof NetworkError ? offline() : translateError(err)
  }
}

/** A failed sign-in or registration at `serverUrl`, in the words of the sign-in screen. */
export function signInError(err: unknown, serverUrl: string): ParleyError {
  if (err instanceof NetworkError) return new ParleyError('unreachable', `Cannot reach ${serverUrl}`)
  if (err instanceof HttpError && err.status === 401) return new ParleyError('unauthorized', 'Wrong username or password')
  if (err instanceof HttpError && err.status === 409) return new ParleyError('conflict', 'That username is taken')
  if (err instanceof HttpError && err.code === ErrorCodes.inviteRequired) {
    return new ParleyError(err.code, 'This server takes new accounts by invitation only. Ask its administrator for an invite link, or check the code you entered.')
  }
  if (err instanceof HttpError && err.code === ErrorCodes.registrationClosed) {
    return new ParleyError(err.code, 'This server is not taking new accounts.')
  }
  if (err instanceof HttpError && err.code === ErrorCodes.accountDisabled) {
    return new ParleyError(err.code, "An administrator disabled this account. Ask the server's administrator to enable it again.")
  }
  return translateError(err)
}

/** A cache whose SQLite module did not load, as the error the renderer explains (SessionNotice); null for any other failure. */
export function cacheUnavailableError(err: unknown): ParleyError | null {
  return err instanceof CacheError && err.code === 'native_module_unavailable' ? new ParleyError(err.code, err.message) : null
}

/**
 * A call whose account was signed out (and its cache closed) under it fails
 * as `unauthorized`, as it would have had it come a moment later — never as
 * an internal error from the closed cache. What the account could explain
 * keeps its code.
 */
export function signedOutError(err: unknown): unknown {
  // The account wraps what it cannot explain as `internal` (a closed cache among them).
  const unexplained = !(err instanceof ParleyError) || err.code === 'internal'
  return unexplained ? new ParleyError('unauthorized', 'Signed out while this was in progress') : err
}

/** The error half of an IPC envelope: a ParleyError's code, another error's string `code`, else `internal`. */
export function errorReply(err: unknown): Extract<IpcEnvelope<never>, { ok: false }> {
  if (err instanceof ParleyError) return { ok: false, error: { code: err.code, message: err.message } }
  const candidate = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  const code = typeof candidate === 'string' ? candidate : 'internal'
  return { ok: false, error: { code, message: err instanceof Error ? err.message : String(err) } }
}
