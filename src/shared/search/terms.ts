/**
 * What a search query means, one rule for the desktop cache
 * (src/main/core/cache/search/search-query.ts) and the server
 * (src/server/store/search-*.ts), so the app's local hits and the server's
 * agree (docs/design.md §4.7):
 *
 * - The query is NFC-normalised and split at whitespace; every term must
 *   occur in the body (AND), each as a substring — so words of a "phrase"
 *   match in any order, and text without spaces (Chinese, Japanese) matches
 *   anywhere inside a sentence.
 * - Nothing is syntax: quotes, `*`, `:`, parentheses, AND/OR/NOT/NEAR, `%`,
 *   `_` and `\` are text to look for (quoteFts, escapeLike).
 * - Matching ignores case; terms a trigram index serves also ignore Latin
 *   accents (fold.ts).
 * - A term that folds to fewer than three characters (`TRIGRAM`) is short:
 *   no trigram index can find it (周末, 🎉, "ok"), so it is looked for
 *   otherwise (LIKE with case variants on SQLite: likePatterns).
 * - Terms that fold alike are one term.
 */
import { fold } from './fold'

/** Below this many characters (code points, after folding) a term cannot use a trigram index. */
export const TRIGRAM = 3

/** The distinct terms of `query` in the order typed (NFC), for the query and for snippets. */
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

/**
 * An FTS5 string: inside double quotes everything is text; a quote is doubled.
 * NUL would end the string for FTS5's parser; the trigram tokenizer skips it
 * in bodies anyway, so it is dropped here too.
 */
export const quoteFts = (term: string): string => `"${term.replaceAll('\u0000', '').replaceAll('"', '""')}"`

/** For `LIKE … ESCAPE '\'`: `%`, `_` and `\` are text. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/gu, (char) => `\\${char}`)

const MAX_VARIANTS = 16

/**
 * SQLite's LIKE folds ASCII case only: other cased letters need their variants
 * spelled out, every combination of them (a short term has at most a few);
 * past MAX_VARIANTS, the term as typed, lower and upper case.
 */
export function caseVariants(term: string): string[] {
  let variants = ['']
  for (const char of term) {
    const options = /^\p{ASCII}$/u.test(char) ? [char] : [...new Set([char, char.toLowerCase(), char.toUpperCase()])]
    variants = variants.flatMap((prefix) => options.map((option) => prefix + option))
    if (variants.length > MAX_VARIANTS) return [...new Set([term, term.toLowerCase(), term.toUpperCase()])]
  }
  return variants
}

/** The `LIKE … ESCAPE '\'` patterns for a short term, one of which must match: `%variant%` per case variant. */
export const likePatterns = (term: string): string[] => caseVariants(term).map((variant) => `%${escapeLike(variant)}%`)
