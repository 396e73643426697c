/**
 * Finds links in message text. Only http(s) URLs and `www.` hosts become
 * links; everything else — `javascript:`, `data:`, markup — stays plain text,
 * rendered as React text nodes. The URL a link opens is rebuilt and checked
 * with the URL parser, and opening goes through `parley.openExternal`.
 */
export type TextPart = { type: 'text'; text: string } | { type: 'link'; text: string; url: string }

/** The longest URL `parley.openExternal` accepts. */
const URL_MAX = 2_000

// URL characters only (RFC 3986), so text written right after a link —
// Chinese in particular, which uses no spaces — is not swallowed into it.
const CANDIDATE = /\b(?:https?:\/\/|www\.)[A-Za-z0-9\-._~:/?#[\]@!$&'()*+,;=%]+/gi
const TRAILING = /[.,;:!?'"*]$/

function trimTrailing(candidate: string): string {
  let text = candidate
  for (;;) {
    if (TRAILING.test(text)) {
      text = text.slice(0, -1)
      continue
    }
    const last = text.at(-1)
    const pair = last === ')' ? '(' : last === ']' ? '[' : null
    if (pair !== null && last !== undefined && count(text, last) > count(text, pair)) {
      text = text.slice(0, -1)
      continue
    }
    return text
  }
}

function count(text: string, char: string): number {
  let n = 0
  for (const c of text) if (c === char) n++
  return n
}

/** The URL to open for a link's text, or null when it is not a safe web link. */
export function safeUrl(text: string): string | null {
  const withScheme = /^www\./i.test(text) ? `https://${text}` : text
  let url: URL
  try {
    url = new URL(withScheme)
  } catch {
    return null
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return null
  if (url.hostname === '' || url.username !== '' || url.password !== '') return null
  const href = url.toString()
  return href.length > URL_MAX ? null : href
}

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = []
  let plainFrom = 0
  for (const match of text.matchAll(CANDIDATE)) {
    const start = match.index
    const candidate = trimTrailing(match[0])
    const url = safeUrl(candidate)
    if (url === null || candidate.length === 0) continue
    if (start > plainFrom) parts.push({ type: 'text', text: text.slice(plainFrom, start) })
    parts.push({ type: 'link', text: candidate, url })
    plainFrom = start + candidate.length
  }
  if (plainFrom < text.length) parts.push({ type: 'text', text: text.slice(plainFrom) })
  return parts
}
