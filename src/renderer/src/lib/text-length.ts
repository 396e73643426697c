/**
 * The composer's limit as the server counts it (src/shared/api.ts): the body
 * after trimming, in code points (an emoji counts once), at most LIMITS.bodyMax.
 */
import { LIMITS } from '../../../shared/limits'

export const BODY_MAX: number = LIMITS.bodyMax
/** From this many characters on the composer shows a counter. */
export const COUNTER_FROM = 3_500

export function bodyLength(text: string): number {
  let n = 0
  for (const _ of text.trim()) n++
  return n
}

export type DraftCheck = { ok: true; body: string } | { ok: false; reason: 'empty' | 'too_long' }

export function checkDraft(text: string): DraftCheck {
  const body = text.trim()
  if (body.length === 0) return { ok: false, reason: 'empty' }
  if (bodyLength(body) > BODY_MAX) return { ok: false, reason: 'too_long' }
  return { ok: true, body }
}
