/**
 * What a search query means, the same on the server as in the desktop cache
 * (src/main/core/cache/search/search-query.ts and fold.ts; the server may not
 * import them, test/integration/search-terms.test.ts checks the two agree):
 *
 * - The query is NFC-normalised and split at whitespace; every term must
 *   occur in the body (AND), each as a substring — so words of a "phrase"
 *   match in any order, and text without spaces (Chinese, Japanese) matches
 *   anywhere inside a sentence.
 * - Nothing is syntax: quotes, `*`, `:`, parentheses, AND/OR/NOT/NEAR, `%`
 *   and `_` are text to look for.
 * - Matching ignores case; terms the trigram index serves also ignore Latin
 *   accents (store/search-rows.ts says which).
 * - A term that folds to fewer than three characters (`TRIGRAM`) is short:
 *   no trigram index can find it, so it is looked for by a bounded scan.
 * - Terms that fold alike are one term.
 */

/** Below this many characters (code points, after folding) a term cannot use a trigram index. */
export const TRIGRAM = 3

/** The distinct terms of `query` in the order typed (NFC), for the store and for snippets. */
export function searchTerms(query: string): string[] {
  const terms: string[] = []
  const seen = new Set<string>()
  for (const term of query.normalize('NFC').split(/\s+/u)) {
    const key = fold(term)
    if (key.length === 0 || seen.has(key)) continue
    seen.add(key)
    terms.push(term)
  }
  return terms
}

/** Whether `term` is too short for a trigram index. */
export const isShortTerm = (term: string): boolean => [...fold(term)].length < TRIGRAM

const COMBINING_DIACRITICS = /[\u0300-\u036f]/gu
const ASCII_ONLY = /^\p{ASCII}*$/u

/** A code point folded: lower case, a Latin letter without its accent; '' for a combining mark that folds away. */
function foldCodePoint(codePoint: number): string {
  if (codePoint < 0x80) return String.fromCharCode(codePoint >= 0x41 && codePoint <= 0x5a ? codePoint + 0x20 : codePoint)
  if (codePoint >= 0x300 && codePoint <= 0x36f) return ''
  const char = String.fromCodePoint(codePoint)
  const stripped = char.normalize('NFD').replace(COMBINING_DIACRITICS, '')
  const base = stripped.length > 0 ? stripped.normalize('NFC') : char
  const folded = base.toLowerCase().replace(COMBINING_DIACRITICS, '')
  return folded.length > 0 ? folded : base.toLowerCase()
}

export interface FoldedText {
  readonly text: string
  /** Where, in the original, the code point that produced folded unit `i` starts. */
  start(i: number): number
  /** Where it ends, including combining marks that folded away after it. */
  end(i: number): number
}

export const fold = (text: string): string => foldWithMap(text).text

/** `original` folded, with a map from the folded text's UTF-16 units back to the original's. */
export function foldWithMap(original: string): FoldedText {
  if (ASCII_ONLY.test(original)) return { text: original.toLowerCase(), start: (i) => i, end: (i) => i + 1 }
  let text = ''
  const starts: number[] = []
  const ends: number[] = []
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
