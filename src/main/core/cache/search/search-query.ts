/**
 * What the user typed → how the cache searches for it. The terms, the
 * short-term rule and the escaping are the ones the server's search uses too
 * (src/shared/search/terms.ts): whitespace separates terms and every term
 * must occur (AND); nothing the user types is query syntax — FTS5 operators,
 * quotes, `*`, `:`, parentheses and LIKE's `%` `_` are all plain text.
 *
 * Terms of three or more characters go to the FTS5 trigram index, each as a
 * quoted string (a substring match). The trigram index cannot find anything
 * shorter, so shorter terms (周末, 🎉, "ok") are checked with LIKE.
 */
import { isShortTerm, likePatterns, quoteFts, searchTerms } from '../../../../shared/search/terms'

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
  const terms = searchTerms(query)
  const long = terms.filter((term) => !isShortTerm(term))
  const short = terms.filter(isShortTerm)
  return {
    terms,
    match: long.length > 0 ? long.map(quoteFts).join(' AND ') : null,
    long,
    like: short.map(likePatterns),
  }
}
