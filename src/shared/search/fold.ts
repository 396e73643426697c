/**
 * Text folding for search, the same in the desktop cache and on the server:
 * lower case, and Latin letters without their accents (combining marks
 * U+0300–U+036F dropped, precomposed letters decomposed first), close to what
 * FTS5's trigram tokenizer does with `case_sensitive 0 remove_diacritics 1`.
 * Other scripts keep their marks — が stays が. Folding can change lengths
 * (İ, decomposed input), so the folded text keeps a map back to the
 * original's UTF-16 indices (for highlighting).
 */

const COMBINING_DIACRITICS = /[\u0300-\u036f]/gu
const ASCII_ONLY = /^\p{ASCII}*$/u

/** Folding by code point is hot (every search hit); remember the non-ASCII ones. */
const foldedCodePoints = new Map<number, string>()
const MEMO_LIMIT = 20_000

/** A code point folded: lower case, a Latin letter without its accent; '' for a combining mark that folds away. */
function foldCodePoint(codePoint: number): string {
  if (codePoint < 0x80) return String.fromCharCode(codePoint >= 0x41 && codePoint <= 0x5a ? codePoint + 0x20 : codePoint)
  if (codePoint >= 0x300 && codePoint <= 0x36f) return ''
  let folded = foldedCodePoints.get(codePoint)
  if (folded === undefined) {
    const char = String.fromCodePoint(codePoint)
    const stripped = char.normalize('NFD').replace(COMBINING_DIACRITICS, '')
    const base = stripped.length > 0 ? stripped.normalize('NFC') : char
    folded = base.toLowerCase().replace(COMBINING_DIACRITICS, '')
    if (folded.length === 0) folded = base.toLowerCase()
    if (foldedCodePoints.size >= MEMO_LIMIT) foldedCodePoints.clear()
    foldedCodePoints.set(codePoint, folded)
  }
  return folded
}

export interface FoldedText {
  /** The folded text. */
  readonly text: string
  /** Where, in the original, the code point that produced folded unit `i` starts. */
  start(i: number): number
  /** Where it ends, including combining marks that folded away after it. */
  end(i: number): number
}

export function fold(text: string): string {
  return foldWithMap(text).text
}

/** `original` folded, with a map from the folded text's UTF-16 units back to the original's. */
export function foldWithMap(original: string): FoldedText {
  if (ASCII_ONLY.test(original)) {
    return { text: original.toLowerCase(), start: (i) => i, end: (i) => i + 1 }
  }
  let text = ''
  const starts: number[] = []
  const ends: number[] = []
  /** First folded unit of the last code point that produced any. */
  let lastProduced = -1
  for (let index = 0; index < original.length; ) {
    const codePoint = original.codePointAt(index) ?? 0
    const next = index + (codePoint > 0xffff ? 2 : 1)
    const folded = foldCodePoint(codePoint)
    if (folded.length === 0) {
      // A mark that folded away belongs to the character before it.
      for (let k = Math.max(0, lastProduced); k < text.length; k++) ends[k] = next
    } else {
      lastProduced = text.length
      text += folded
      for (let k = 0; k < folded.length; k++) {
        starts.push(index)
        ends.push(next)
      }
    }
    index = next
  }
  return { text, start: (i) => starts[i] ?? original.length, end: (i) => ends[i] ?? original.length }
}
