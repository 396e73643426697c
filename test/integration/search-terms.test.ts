/**
 * The server's search (src/server/search/terms.ts) and the desktop cache's
 * (src/main/core/cache/search/search-query.ts, fold.ts) read a query the same
 * way: the same terms, the same short/long split, the same folding. The app
 * merges its local hits with the server's; if the two disagreed, a search
 * would find different messages in cached and uncached history. The server
 * may not import the desktop's code (lint), so the check lives here.
 */
import { describe, expect, test } from 'vitest'
import { fold as desktopFold } from '../../src/main/core/cache/search/fold'
import { parseSearchQuery } from '../../src/main/core/cache/search/search-query'
import { fold, isShortTerm, searchTerms } from '../../src/server/search/terms'
import { nastyStrings } from '../hostile/arbitraries'

const queries = [
  'hello',
  'Hello HELLO hello',
  'quarterly report',
  '  spaced\tout\nquery  ',
  '周末',
  '我们 周末 去爬山',
  '好',
  '你好',
  'a',
  'ok OK Ok',
  '東京に行きます',
  '🎉',
  '🎉🎉🎉',
  '👨‍👩‍👧',
  'Café cafe CAFÉ',
  'e\u0301te\u0301',
  'naïve résumé',
  'İstanbul',
  'Straße STRASSE',
  '"quoted phrase"',
  'NEAR(a b) AND c OR NOT d',
  'x* ^y z:w (p)',
  '100% a_b c\\d',
  '\u3000全角\u3000スペース',
  ...nastyStrings,
]

describe('server and desktop read a query alike', () => {
  test.each(queries.map((query) => [JSON.stringify(query).slice(0, 60), query]))('%s', (_label, query) => {
    const desktop = parseSearchQuery(query)
    expect(searchTerms(query)).toEqual(desktop.terms)
    expect(searchTerms(query).filter((term) => !isShortTerm(term))).toEqual(desktop.long)
    for (const term of desktop.terms) expect(fold(term)).toBe(desktopFold(term))
  })
})
