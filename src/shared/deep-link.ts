/**
 * `parley://` links (docs/design.md §8.4), the only URLs the OS may hand the
 * app: an invite (sign-up filled in), a conversation, a message in one.
 *
 *   parley://invite?server=<http(s) URL>&code=<code>
 *   parley://conversation/<conversationId>
 *   parley://message/<conversationId>/<seq>
 *
 * Anything else — another scheme, another target, an id outside the id
 * alphabet, a seq that is not a positive integer, extra path segments — is
 * null, and the caller ignores it with a log line.
 */
import { parseInviteLink, type InviteLink } from './invite-link'

export type DeepLink =
  | ({ kind: 'invite' } & InviteLink)
  | { kind: 'conversation'; conversationId: string }
  | { kind: 'message'; conversationId: string; seq: number }

const ID = /^[A-Za-z0-9_-]{1,64}$/
const SEQ = /^[1-9][0-9]{0,15}$/

export const conversationLink = (conversationId: string): string => `parley://conversation/${conversationId}`
export const messageLink = (conversationId: string, seq: number): string => `parley://message/${conversationId}/${seq}`

export function parseDeepLink(text: string): DeepLink | null {
  const trimmed = text.trim()
  if (trimmed.length > 2_000 || !/^parley:/i.test(trimmed)) return null
  const invite = parseInviteLink(trimmed)
  if (invite !== null) return { kind: 'invite', ...invite }
  // Not through URL: `parley://conversation/x` would make `conversation` a host and lower-case it.
  const match = /^parley:\/\/([a-z]+)\/([^?#]*)\/?$/i.exec(trimmed)
  if (match === null) return null
  const target = (match[1] as string).toLowerCase()
  const parts = (match[2] as string).split('/').filter((part, index, all) => part !== '' || index !== all.length - 1)
  if (target === 'conversation' && parts.length === 1 && ID.test(parts[0] as string)) {
    return { kind: 'conversation', conversationId: parts[0] as string }
  }
  if (target === 'message' && parts.length === 2 && ID.test(parts[0] as string) && SEQ.test(parts[1] as string)) {
    const seq = Number(parts[1])
    if (!Number.isSafeInteger(seq)) return null
    return { kind: 'message', conversationId: parts[0] as string, seq }
  }
  return null
}
