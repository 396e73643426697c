/**
 * Search snippets, for the desktop cache's hits and the server's alike (built
 * here rather than with FTS5's snippet(): FTS5 cuts by tokens, which for the
 * trigram tokenizer are overlapping three-character windows, and knows
 * nothing of the paths for short terms).
 *
 * A window of about `shape.length` characters around the first match, every
 * occurrence of any term inside it highlighted (found as fold.ts folds, so
 * case and Latin accents are ignored), "…" where the body was cut. Cuts fall
 * on grapheme boundaries (never inside a surrogate pair, an emoji sequence or
 * a letter with its accents) and, in spaced scripts, between words. Runs of
 * whitespace read as one space.
 */
import type { SnippetPart } from '../ipc'
import { fold, foldWithMap } from './fold'

export type { SnippetPart }

/** How big a snippet is and how it is cut. */
export interface SnippetShape {
  /** Characters (code points) of the body a snippet shows, matches included; a longer first match extends it. */
  readonly length: number
  /** Characters kept before the first match. */
  readonly contextBefore: number
  /** How far a cut may move to fall between words. */
  readonly wordSnap: number
  /**
   * Look for matches only as far past the first one as the window can reach
   * (a long body full of "the" is not scanned to its end). The snippet is
   * the same either way unless the first match spans hundreds of UTF-16
   * units (a letter under a pile of combining marks) and another term's
   * match overlaps its far end.
   */
  readonly boundedScan: boolean
}

/** The desktop cache's local hits (72 characters). */
export const DESKTOP_SNIPPET: SnippetShape = { length: 72, contextBefore: 20, wordSnap: 12, boundedScan: true }
/** The server's hits, GET /api/search (160 characters). */
export const SERVER_SNIPPET: SnippetShape = { length: 160, contextBefore: 40, wordSnap: 16, boundedScan: false }

const ELLIPSIS = '…'
/** Graphemes are segmented in a small neighbourhood (UTF-16 units) of a cut only: bodies can be long. */
const NEIGHBOURHOOD = 32

const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' })

export function buildSnippet(body: string, terms: readonly string[], shape: SnippetShape): SnippetPart[] {
  const { length, contextBefore, wordSnap } = shape
  // Matches far past the first one cannot be in the window.
  const matches = findMatches(body, terms, shape.boundedScan ? 4 * (length + wordSnap) + 2 * NEIGHBOURHOOD : Infinity)
  const first = matches[0] ?? { start: 0, end: 0 }

  let start = retreat(body, first.start, contextBefore)
  let end = Math.max(first.end, advance(body, start, length))
  if (end >= body.length) {
    end = body.length
    start = Math.min(start, retreat(body, end, length))
  }
  if (start > 0 && !isSpace(body, start - 1)) {
    const gap = findSpace(body, start, Math.min(first.start, advance(body, start, wordSnap)))
    if (gap >= 0) start = gap + 1
  }
  if (end < body.length && !isSpace(body, end)) {
    const gap = findLastSpace(body, Math.max(first.end, retreat(body, end, wordSnap)), end)
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

/**
 * Every occurrence of every term (folded), merged where they overlap, in
 * order — those starting within `reach` (UTF-16 units, plus 4 per needle
 * unit) of the first one.
 */
export function findMatches(body: string, terms: readonly string[], reach = Infinity): Range[] {
  const folded = foldWithMap(body)
  const needles = [...new Set(terms.map(fold))].filter((needle) => needle.length > 0)
  let first = Infinity
  for (const needle of needles) {
    const at = folded.text.indexOf(needle)
    if (at >= 0) first = Math.min(first, folded.start(at))
  }
  const until = first + reach + 4 * Math.max(0, ...needles.map((needle) => needle.length))
  const ranges: Range[] = []
  for (const needle of needles) {
    for (let at = folded.text.indexOf(needle); at >= 0 && folded.start(at) < until; at = folded.text.indexOf(needle, at + 1)) {
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

/** Line breaks and runs of spaces read as one space in a one-line snippet. */
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
function boundariesAround(text: string, index: number): { from: number; boundaries: number[] } {
  let from = Math.max(0, index - NEIGHBOURHOOD)
  if (from > 0 && isLowSurrogate(text, from)) from--
  const to = Math.min(text.length, index + NEIGHBOURHOOD)
  const boundaries = [...graphemes.segment(text.slice(from, to))].map((segment) => from + segment.index)
  if (to === text.length) boundaries.push(to)
  return { from, boundaries }
}

/**
 * Characters that never join a neighbour into one grapheme: below U+0300
 * (ASCII, Latin-1, Latin Extended; no combining marks or surrogates), CJK
 * ideographs, kana (not the combining voicing marks U+3099–309A), CJK
 * punctuation (not the tone marks U+302A–302F) and fullwidth forms. Between
 * two of them there is always a boundary (except inside CR LF), which spares
 * most cuts the segmenter.
 */
function standsAlone(unit: number): boolean {
  return (
    unit < 0x300 ||
    (unit >= 0x4e00 && unit <= 0x9fff) ||
    (unit >= 0x3040 && unit <= 0x30ff && unit !== 0x3099 && unit !== 0x309a) ||
    (unit >= 0x3000 && unit <= 0x3029) ||
    (unit >= 0xff01 && unit <= 0xff5e)
  )
}

function plainBoundary(text: string, index: number): boolean {
  const before = text.charCodeAt(index - 1)
  const after = text.charCodeAt(index)
  return standsAlone(before) && standsAlone(after) && !(before === 0x0d && after === 0x0a)
}

/** `index` is a code point boundary; so is the answer (inside a grapheme longer than the neighbourhood: where the neighbourhood starts). */
function graphemeBoundaryAtOrBefore(text: string, index: number): number {
  if (index <= 0 || index >= text.length || plainBoundary(text, index)) return index
  const { from, boundaries } = boundariesAround(text, index)
  let best = from
  for (const boundary of boundaries) if (boundary <= index) best = boundary
  return best
}

function graphemeBoundaryAtOrAfter(text: string, index: number): number {
  if (index <= 0 || index >= text.length || plainBoundary(text, index)) return index
  const { boundaries } = boundariesAround(text, index)
  return boundaries.find((boundary) => boundary >= index) ?? index
}
