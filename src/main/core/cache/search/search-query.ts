/**
 * What the user typed → how the cache searches for it. Whitespace separates
 * terms and every term must occur (AND). Nothing the user types is query
 * syntax: FTS5 operators, quotes, `*`, `:`, parentheses and LIKE's `%` `_` are
 * all plain text.
 *
 * Terms of three or more characters go to the FTS5 trigram index, each as a
 * quoted string (a substring match). The trigram index cannot find anything
 * shorter, so shorter terms (周末, 🎉, "ok") are checked with LIKE.
 */
import { fold } from './fold'

/** Below this many characters (after folding) a term cannot use the trigram index. */
export const TRIGRAM = 3

export interface SearchQuery {
  /** Every distinct term (NFC), for highlighting. */
  terms: string[]
  /** An FTS5 MATCH expression ANDing the long terms, or null when there are none. */
  match: string | null
  /** The long terms themselves (NFC), for rows not indexed yet (search.ts). */
  long: string[]
  /** For each short term, LIKE patterns of which one must match (case variants LIKE cannot fold itself). */
  like: string[][]
}

export function parseSearchQuery(query: string): SearchQuery {
  const terms: string[] = []
  const seen = new Set<string>()
  for (const term of query.normalize('NFC').split(/\s+/u)) {
    const key = fold(term)
    if (key.length === 0 || seen.has(key)) continue
    seen.add(key)
    terms.push(term)
  }
  const long = terms.filter((term) => [...fold(term)].length >= TRIGRAM)
  const short = terms.filter((term) => [...fold(term)].length < TRIGRAM)
  return {
    terms,
    match: long.length > 0 ? long.map(quoteFts).join(' AND ') : null,
    long,
    like: short.map((term) => caseVariants(term).map((variant) => `%${escapeLike(variant)}%`)),
  }
}

/**
 * An FTS5 string: inside double quotes everything is text; a quote is doubled.
 * NUL would end the string for FTS5's parser; the trigram tokenizer skips it
 * in bodies anyway, so it is dropped here too.
 */
export const quoteFts = (term: string): string => `"${term.replaceAll('\u0000', '').replaceAll('"', '""')}"`

/** For `LIKE … ESCAPE '\'`. */
export const escapeLike = (text: string): string => text.replace(/[\\%_]/gu, (char) => `\\${char}`)

const MAX_VARIANTS = 16

/**
 * SQLite's LIKE folds ASCII case only: other cased letters need their variants
 * spelled out, every combination of them (a short term has at most a few).
 */
function caseVariants(term: string): string[] {
  let variants = ['']
  for (const char of term) {
    const options = /^\p{ASCII}$/u.test(char) ? [char] : [...new Set([char, char.toLowerCase(), char.toUpperCase()])]
    variants = variants.flatMap((prefix) => options.map((option) => prefix + option))
    if (variants.length > MAX_VARIANTS) return [...new Set([term, term.toLowerCase(), term.toUpperCase()])]
  }
  return variants
}
