/**
 * How a call's error reaches the renderer. contextBridge copies an Error as a
 * plain `Error(message)` in the page's world — its class, `name` and custom
 * properties such as `code` are dropped (electron/electron#25596) — so the
 * code travels inside the message:
 *
 *     [<code>] <message>          e.g. "[unauthorized] Wrong username or password."
 *
 * The preload rejects with a `ParleyError` whose `code` is set and whose
 * message has that form; on the renderer's side of the bridge it arrives as
 * an `Error` with the same message, and `parleyErrorFrom(err)` turns it back
 * into a `ParleyError` with `.code` and the bare message. (The e2e harness,
 * whose `exposeBinding` also keeps only the message, uses the same form.)
 */
import { ParleyError } from '../shared/ipc'

const ENCODED = /^\[([A-Za-z0-9_.:-]+)\] ([\s\S]*)$/

/** The error a `window.parley` call rejects with. */
export function bridgeError(code: string, message: string): ParleyError {
  return new ParleyError(code, `[${code}] ${message}`)
}

/** Recovers code and message from whatever a `window.parley` call rejected with. */
export function parleyErrorFrom(err: unknown): ParleyError {
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err)
  const match = ENCODED.exec(text)
  if (match === null) return new ParleyError('internal', text)
  return new ParleyError(match[1] ?? 'internal', match[2] ?? '')
}
