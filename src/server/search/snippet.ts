/**
 * The snippet of a search hit: about SNIPPET_LENGTH characters of the body
 * around the first match, as segments `{text, match}` with every occurrence
 * of every term inside the window marked, and "…" where the body was cut —
 * the shape the desktop cache's snippets have (its snippet.ts), so the app
 * shows server and local hits alike. Matching ignores case and Latin accents
 * (terms.ts), so a match found by either store's index is found here too.
 * Cuts fall on grapheme boundaries (never inside a surrogate pair, an emoji
 * sequence or a letter with its accents) and, in spaced scripts, between
 * words. Runs of whitespace read as one space.
 */
import { fold, foldWithMap } from './terms'

export interface SnippetPart {
  text: string
  match: boolean
}

/** Characters (code points) of the body a snippet shows, matches included; a longer first match extends it. */
export const SNIPPET_LENGTH = 160
/** Characters kept before the first match. */
const CONTEXT_BEFORE = 40
/** How far a cut may move to fall between words. */
const WORD_SNAP = 16
const ELLIPSIS = '…'
/** Graphemes are segmented only in this neighbourhood (UTF-16 units) of a cut. */
const NEIGHBOURHOOD = 32

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

export function buildSnippet(body: string, terms: readonly string[]): SnippetPart[] {
  const matches = findMatches(body, terms)
  const first = matches[0] ?? { start: 0, end: 0 }

  let start = retreat(body, first.start, CONTEXT_BEFORE)
  let end = Math.max(first.end, advance(body, start, SNIPPET_LENGTH))
  if (end >= body.length) {
    end = body.length
    start = Math.min(start, retreat(body, end, SNIPPET_LENGTH))
  }
  if (start > 0 && !isSpace(body, start - 1)) {
    const gap = findSpace(body, start, Math.min(first.start, advance(body, start, WORD_SNAP)))
    if (gap >= 0) start = gap + 1
  }
  if (end < body.length && !isSpace(body, end)) {
    const gap = findLastSpace(body, Math.max(first.end, retreat(body, end, WORD_SNAP)), end)
    if (gap >= 0) end = gap
  }
  start = graphemeBoundaryAtOrBefore(body, start)
  end = graphemeBoundaryAtOrAfter(body, end)
  while (start < first.start && isSpace(body, start)) start++
  while (end > first.end && isSpace(body, end - 1)) end--

  const parts: SnippetPart[] = []
  const push = (text: string, match: boolean) => {
    if (text.length === 0) return
    const last = parts[parts.length - 1]
    if (last && last.match === match) last.text += text
    else parts.push({ text, match })
  }
  if (start > 0) push(ELLIPSIS, false)
  let at = start
  for (const match of matches) {
    if (match.end <= start) continue
    if (match.start >= end) break
    const from = Math.max(match.start, start)
    push(flatten(body.slice(at, from)), false)
    at = Math.min(match.end, end)
    push(flatten(body.slice(from, at)), true)
  }
  push(flatten(body.slice(at, end)), false)
  if (end < body.length) push(ELLIPSIS, false)
  return parts
}

interface Range {
  start: number
  end: number
}

/** Every occurrence of every term (folded), merged where they overlap, in order; UTF-16 indices of `body`. */
export function findMatches(body: string, terms: readonly string[]): Range[] {
  const folded = foldWithMap(body)
  const needles = [...new Set(terms.map(fold))].filter((needle) => needle.length > 0)
  const ranges: Range[] = []
  for (const needle of needles) {
    for (let at = folded.text.indexOf(needle); at >= 0; at = folded.text.indexOf(needle, at + 1)) {
      ranges.push({ start: folded.start(at), end: folded.end(at + needle.length - 1) })
    }
  }
  ranges.sort((a, b) => a.start - b.start || b.end - a.end)
  const merged: Range[] = []
  for (const range of ranges) {
    const last = merged[merged.length - 1]
    if (last && range.start <= last.end) last.end = Math.max(last.end, range.end)
    else merged.push({ ...range })
  }
  return merged
}

const flatten = (text: string): string => text.replace(/\s+/gu, ' ')

function isSpace(text: string, index: number): boolean {
  const unit = text.charCodeAt(index)
  if (unit === 0x20 || (unit >= 0x09 && unit <= 0x0d)) return true
  return unit >= 0xa0 && /\s/u.test(text[index] ?? '')
}

function findSpace(text: string, from: number, to: number): number {
  for (let i = from; i < to; i++) if (isSpace(text, i)) return i
  return -1
}

function findLastSpace(text: string, from: number, to: number): number {
  for (let i = to - 1; i >= from; i--) if (isSpace(text, i)) return i
  return -1
}

const isLowSurrogate = (text: string, index: number): boolean => {
  const unit = text.charCodeAt(index)
  return unit >= 0xdc00 && unit <= 0xdfff
}

const isHighSurrogate = (text: string, index: number): boolean => {
  const unit = text.charCodeAt(index)
  return unit >= 0xd800 && unit <= 0xdbff
}

/** `count` code points forward from `index` (a code point boundary). */
function advance(text: string, index: number, count: number): number {
  let at = index
  for (let n = 0; n < count && at < text.length; n++) at += (text.codePointAt(at) ?? 0) > 0xffff ? 2 : 1
  return at
}

/** `count` code points back from `index` (a code point boundary). */
function retreat(text: string, index: number, count: number): number {
  let at = index
  for (let n = 0; n < count && at > 0; n++) at -= at >= 2 && isLowSurrogate(text, at - 1) && isHighSurrogate(text, at - 2) ? 2 : 1
  return at
}

/**
 * Grapheme boundaries near `index`, as indices of `text`. The neighbourhood
 * starts on a code point, so no boundary falls inside a surrogate pair; its
 * end counts only when it is the end of the text.
 */
function boundariesAround(text: string, index: number): number[] {
  let from = Math.max(0, index - NEIGHBOURHOOD)
  if (from > 0 && isLowSurrogate(text, from)) from--
  const to = Math.min(text.length, index + NEIGHBOURHOOD)
  const boundaries = [...graphemes.segment(text.slice(from, to))].map((segment) => from + segment.index)
  if (to === text.length) boundaries.push(to)
  return boundaries
}

/** `index` is a code point boundary; so is the answer (a grapheme longer than the neighbourhood is cut at `index`). */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return index
  let best = index
  for (const boundary of boundariesAround(text, index)) if (boundary <= index) best = boundary
  return best
}

function graphemeBoundaryAtOrAfter(text: string, index: number): number {
  if (index <= 0 || index >= text.length) return index
  return boundariesAround(text, index).find((boundary) => boundary >= index) ?? index
}
