/**
 * Invite codes (docs/design.md §4.6): 18 random bytes in base64url (24
 * characters), shown once to whoever made them; the store keeps only their
 * SHA-256, like tokens. Made by POST /api/invites and `npm run admin --
 * create-invite`; consumed by a registration (createUser).
 */
import { createHash, randomBytes } from 'node:crypto'
import { LIMITS } from '../../shared/api'
import type { Store } from '../store/store'

const HOUR_MS = 60 * 60 * 1000

export function hashInviteCode(code: string): string {
  return createHash('sha256').update(code).digest('hex')
}

/** A new code, stored hashed; valid for `hours` from `now`. */
export async function createInvite(
  store: Store,
  input: { createdBy: string | null; now: number; hours?: number },
): Promise<{ code: string; expiresAt: number }> {
  const code = randomBytes(18).toString('base64url')
  const expiresAt = input.now + (input.hours ?? LIMITS.inviteHoursDefault) * HOUR_MS
  await store.createInvite({ codeHash: hashInviteCode(code), createdBy: input.createdBy, createdAt: input.now, expiresAt })
  return { code, expiresAt }
}
