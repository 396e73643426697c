/**
 * What a failed `window.parley` call rejected with. Calls reject with an Error
 * whose message is `[<code>] <message>` — contextBridge drops custom error
 * properties — so `callError` recovers the code the UI maps to a message.
 */

export interface CallError {
  code: string
  message: string
}

const ENCODED = /^\[([A-Za-z0-9_.:-]+)\] ([\s\S]*)$/

/** Code and message of whatever a `window.parley` call rejected with. */
export function callError(err: unknown): CallError {
  const code = typeof err === 'object' && err !== null ? (err as { code?: unknown }).code : undefined
  const text = err instanceof Error ? err.message : typeof err === 'string' ? err : String(err)
  const match = ENCODED.exec(text)
  if (match !== null) return { code: match[1] ?? 'internal', message: match[2] ?? '' }
  return { code: typeof code === 'string' ? code : 'internal', message: text }
}

/** For fire-and-forget calls: failures are logged, never thrown into the void. */
export function logFailure(what: string): (err: unknown) => void {
  return (err) => console.warn(`parley: ${what} failed`, callError(err))
}
