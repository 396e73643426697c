/**
 * The `cursor` of GET /api/conversations: where the page before ended, as
 * base64url of `<lastActivityAt>:<id>` of its last conversation. Opaque to
 * clients; decoded strictly, so anything but a cursor this server made is a
 * 400 (the route's), never a query with a NaN or a 500.
 */
import type { ConversationCursor } from '../store/store'

const DECODED = /^(0|[1-9][0-9]{0,15}):([A-Za-z0-9_-]{1,64})$/

export function encodeConversationCursor(cursor: ConversationCursor): string {
  return Buffer.from(`${cursor.lastActivityAt}:${cursor.id}`, 'utf8').toString('base64url')
}

/** The position a cursor names, or null when `text` is not one. */
export function decodeConversationCursor(text: string): ConversationCursor | null {
  const decoded = Buffer.from(text, 'base64url').toString('latin1')
  // Node's decoder skips characters outside the alphabet and ignores stray bits: only the canonical form counts.
  if (Buffer.from(decoded, 'latin1').toString('base64url') !== text) return null
  const match = DECODED.exec(decoded)
  if (match === null) return null
  const lastActivityAt = Number(match[1])
  if (!Number.isSafeInteger(lastActivityAt)) return null
  return { lastActivityAt, id: match[2] as string }
}
