/**
 * Rules about what a message says that the server and the desktop app must
 * apply alike (docs/design.md §4.4): which `@username`s a body mentions, what
 * counts as one reaction emoji, and the reply preview's length.
 */

/** Characters a username is made of (usernameSchema in api.ts). */
const USERNAME_CHAR = /[A-Za-z0-9_.-]/

/** Fenced blocks (``` … ```) and inline code spans (`…`): text there is code, not a call to someone. */
const CODE = /```[\s\S]*?(?:```|$)|`[^`\n]*`/g

/**
 * The `@name` tokens of a body, lower-cased, unique, in order of first use.
 * An `@` counts only at the start or after a character that cannot be part of
 * a username (so `bob@example.com` mentions nobody), and not inside code.
 * Each token comes with its variant without trailing `.`/`-` ("@bob." at the
 * end of a sentence): resolveMentions tries the whole token first.
 */
export function mentionTokens(body: string): string[][] {
  const text = body.replace(CODE, (code) => ' '.repeat(code.length))
  const seen = new Set<string>()
  const tokens: string[][] = []
  for (let at = text.indexOf('@'); at !== -1; at = text.indexOf('@', at + 1)) {
    if (at > 0 && USERNAME_CHAR.test(text[at - 1] as string)) continue
    let end = at + 1
    while (end < text.length && end - at - 1 < 32 && USERNAME_CHAR.test(text[end] as string)) end++
    const token = text.slice(at + 1, end).toLowerCase()
    if (token.length === 0 || seen.has(token)) continue
    seen.add(token)
    const trimmed = token.replace(/[.-]+$/, '')
    tokens.push(trimmed !== token && trimmed.length > 0 ? [token, trimmed] : [token])
  }
  return tokens
}

/**
 * The ids of the members a body mentions (case-insensitive `@username`), in
 * order of first mention, each once. People outside the conversation are not
 * mentions, whoever they are.
 */
export function resolveMentions(body: string, members: readonly { id: string; username: string }[]): string[] {
  if (!body.includes('@')) return []
  const byName = new Map(members.map((member) => [member.username.toLowerCase(), member.id]))
  const ids: string[] = []
  for (const variants of mentionTokens(body)) {
    const id = variants.map((name) => byName.get(name)).find((found) => found !== undefined)
    if (id !== undefined && !ids.includes(id)) ids.push(id)
  }
  return ids
}

/** A reply carries the first 200 characters (code points) of what it answers. */
export const REPLY_PREVIEW_MAX = 200

export function replyPreview(body: string): string {
  const points = [...body]
  return points.length <= REPLY_PREVIEW_MAX ? body : points.slice(0, REPLY_PREVIEW_MAX).join('')
}

/** At most this many different emoji under one message. */
export const REACTIONS_PER_MESSAGE_MAX = 20
/** One emoji, however many code points it joins, in at most this many UTF-8 bytes. */
export const REACTION_EMOJI_MAX_BYTES = 32

const PICTOGRAPHIC = /\p{Extended_Pictographic}/u
const FLAG = /^\p{Regional_Indicator}{2}$/u
const KEYCAP = /^[#*0-9]\uFE0F?\u20E3$/u
const TAG_FLAG = /^\u{1F3F4}[\u{E0061}-\u{E007A}]+\u{E007F}$/u
const CONTROL = /[\p{Cc}\p{Zl}\p{Zp}\p{Zs}]/u
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' })

/**
 * The canonical form of a reaction emoji, or null when `text` is not exactly
 * one emoji grapheme (a letter, two emoji, a flag plus text, whitespace…).
 * Canonical: NFC, and a lone pictograph carries the emoji presentation
 * selector (U+FE0F) exactly when it is text-style by default, so "❤" and
 * "❤️" are one reaction, and so are "👍" and "👍️".
 */
export function canonicalEmoji(text: string): string | null {
  if (text.length === 0 || CONTROL.test(text)) return null
  const normal = text.normalize('NFC')
  if (utf8Length(normal) > REACTION_EMOJI_MAX_BYTES) return null
  const graphemes = [...segmenter.segment(normal)]
  if (graphemes.length !== 1) return null
  if (!(PICTOGRAPHIC.test(normal) || FLAG.test(normal) || KEYCAP.test(normal) || TAG_FLAG.test(normal))) return null
  // One pictograph, with or without U+FE0F: emoji-style by default → bare; text-style by default → with U+FE0F.
  const base = normal.endsWith('\uFE0F') ? normal.slice(0, -1) : normal
  if ([...base].length === 1) return /\p{Emoji_Presentation}/u.test(base) ? base : `${base}\uFE0F`
  return normal
}

function utf8Length(text: string): number {
  let bytes = 0
  for (const point of text) {
    const code = point.codePointAt(0) as number
    bytes += code < 0x80 ? 1 : code < 0x800 ? 2 : code < 0x10000 ? 3 : 4
  }
  return bytes
}
