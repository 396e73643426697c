/**
 * The `before` cursor of GET /api/search: where the page before ended, as
 * base64url of `s<key>:<id>` of its last hit (store.ts SearchPosition).
 * Opaque to clients; decoded strictly, so anything but a cursor this server
 * made is a 400, never a query with a NaN or a 500.
 */
import type { SearchPosition } from '../store/store'

const DECODED = /^s(0|[1-9][0-9]{0,15}):([A-Za-z0-9_-]{1,64})$/

export function encodeSearchCursor(position: SearchPosition): string {
  return Buffer.from(`s${position.key}:${position.id}`, 'utf8').toString('base64url')
}

/** The position a cursor names, or null when `text` is not one. */
export function decodeSearchCursor(text: string): SearchPosition | null {
  const decoded = Buffer.from(text, 'base64url').toString('latin1')
  // Node's decoder skips characters outside the alphabet and ignores stray bits: only the canonical form counts.
  if (Buffer.from(decoded, 'latin1').toString('base64url') !== text) return null
  const match = DECODED.exec(decoded)
  if (match === null) return null
  const key = Number(match[1])
  if (!Number.isSafeInteger(key)) return null
  return { key, id: match[2] as string }
}
