/**
 * Names as the UI shows them: conversation titles, avatar initials, a
 * colour per person, `@username` beside a name that looks like another's.
 * Display names are user input: bidi overrides and zero-width characters are
 * stripped where a name is reduced to initials.
 */
import type { ChatConversation, ChatUser } from '../../../shared/ipc'
import { nameWithUsername } from '../../../shared/look-alike'

// Bidi marks, embeddings, overrides and isolates, zero-width characters, BOM — but not the
// zero-width joiner, which holds emoji sequences (👩‍💻) together.
const INVISIBLE = /[\u200B\u200C\u200E\u200F\u202A-\u202E\u2060-\u2069\uFEFF]/g

/** The ` @username` personName adds after an isolated name: not part of the name's initials. */
const USERNAME_TAG = /\u2069 \u2066@[A-Za-z0-9_.-]+\u2069/g

const segmenter = typeof Intl.Segmenter === 'function' ? new Intl.Segmenter(undefined, { granularity: 'grapheme' }) : null

function firstGrapheme(word: string): string {
  if (segmenter === null) return [...word][0] ?? ''
  for (const { segment } of segmenter.segment(word)) return segment
  return ''
}

/** Up to two initials: "Alice Smith" → "AS", "bob" → "B", "张三" → "张". */
export function initialsOf(name: string): string {
  const words = name.replace(USERNAME_TAG, '').replace(INVISIBLE, '').trim().split(/\s+/).filter(Boolean)
  const first = words[0]
  if (first === undefined) return '?'
  const last = words.length > 1 ? words[words.length - 1] : undefined
  return (firstGrapheme(first) + (last ? firstGrapheme(last) : '')).toLocaleUpperCase()
}

/**
 * A person's name among others: "Display Name @username" when `lookAlike`
 * (another user the app knows has the same name or one that looks the same,
 * UTS #39), else the display name. Issue 14: nobody passes for someone else.
 */
export function personName(user: Pick<ChatUser, 'displayName' | 'username'>, lookAlike: boolean): string {
  return lookAlike ? nameWithUsername(user) : user.displayName
}

/** A stable hue (0–359) for a user or conversation id. */
export function hueOf(id: string): number {
  let hash = 0
  for (let i = 0; i < id.length; i++) hash = (hash * 31 + id.charCodeAt(i)) | 0
  return Math.abs(hash) % 360
}

/** The member a direct conversation is with (me, for a conversation with myself). */
export function otherMemberId(conversation: Pick<ChatConversation, 'memberIds'>, me: string): string {
  return conversation.memberIds.find((id) => id !== me) ?? me
}

/**
 * The title: a group's title, or its members' names; for a direct
 * conversation, the other member's name. `unknown` stands in for a member
 * whose profile has not arrived yet; members in `lookAlikes` get their
 * `@username` (personName).
 */
export function conversationTitle(
  conversation: Pick<ChatConversation, 'kind' | 'title' | 'memberIds'>,
  users: Readonly<Record<string, Pick<ChatUser, 'displayName' | 'username'> | undefined>>,
  me: string,
  unknown: string,
  lookAlikes: ReadonlySet<string> = new Set(),
): string {
  const name = (id: string) => {
    const user = users[id]
    return user?.displayName ? personName(user, lookAlikes.has(id)) : unknown
  }
  if (conversation.kind === 'direct') return name(otherMemberId(conversation, me))
  const title = conversation.title?.trim()
  if (title) return title
  const others = conversation.memberIds.filter((id) => id !== me)
  const shown = others.slice(0, 3).map(name)
  return others.length > 3 ? `${shown.join(', ')} +${others.length - 3}` : shown.join(', ')
}
