import { describe, expect, test } from 'vitest'
import { fold } from './fold'
import { caseVariants, escapeLike, isShortTerm, likePatterns, quoteFts, searchTerms } from './terms'

describe('searchTerms', () => {
  test('split at any whitespace (ideographic space too), empty pieces dropped', () => {
    expect(searchTerms('  quarterly\treport\n好\u3000周末  ')).toEqual(['quarterly', 'report', '好', '周末'])
    expect(searchTerms('\u3000全角\u3000スペース')).toEqual(['全角', 'スペース'])
    expect(searchTerms('   ')).toEqual([])
    // U+FEFF is whitespace to the split; the zero-width space and joiner are not.
    expect(searchTerms('\u200b\u200d\ufeff')).toEqual(['\u200b\u200d'])
  })

  test('terms that fold alike are one, kept as first typed; NFC', () => {
    expect(searchTerms('Hello hello HELLO')).toEqual(['Hello'])
    expect(searchTerms('ok OK Ok')).toEqual(['ok'])
    expect(searchTerms('Café cafe CAFE\u0301')).toEqual(['Café'])
    expect(searchTerms('e\u0301t\u00e9')).toEqual(['\u00e9t\u00e9'])
    expect(searchTerms('naïve résumé')).toEqual(['naïve', 'résumé'])
    // ß is not folded to ss (nor is it by FTS5's tokenizer).
    expect(searchTerms('Straße STRASSE')).toEqual(['Straße', 'STRASSE'])
    expect(searchTerms('İstanbul istanbul').map(fold)).toEqual(['istanbul'])
  })

  test('nothing is syntax: operators, quotes and wildcards stay in the terms', () => {
    expect(searchTerms('"hello world" NEAR(a) x* 100% a_b')).toEqual(['"hello', 'world"', 'NEAR(a)', 'x*', '100%', 'a_b'])
    expect(searchTerms('NEAR(a b) AND c OR NOT d')).toEqual(['NEAR(a', 'b)', 'AND', 'c', 'OR', 'NOT', 'd'])
    expect(searchTerms('x* ^y z:w (p) c\\d')).toEqual(['x*', '^y', 'z:w', '(p)', 'c\\d'])
  })

  test('hostile input: terms are never empty after folding, never hold whitespace, never fold alike', () => {
    const hostile = [
      '',
      '\u0000',
      '\u0000a\u0000',
      '\ud800',
      '\udc00x',
      '\u202eevil',
      '\r\n\r\n',
      '%00%ff%',
      "'; DROP TABLE messages; --",
      'z̷̢̛̛̯̪̥͚̺̫̘̭̳̜̦̦̑̋̀̈́̑̇͒̅̀͐̀̓͘͘͝',
      '🏳️‍🌈👩‍👩‍👧‍👦',
      'a'.repeat(201),
      'x'.repeat(4_097),
    ]
    for (const query of hostile) {
      const terms = searchTerms(query)
      for (const term of terms) {
        expect(fold(term).length, JSON.stringify(term)).toBeGreaterThan(0)
        expect(term).not.toMatch(/\s/u)
      }
      expect(new Set(terms.map(fold)).size).toBe(terms.length)
    }
    expect(searchTerms('\u0000a\u0000')).toEqual(['\u0000a\u0000'])
  })
})

describe('isShortTerm', () => {
  test('fewer than three characters (code points) after folding', () => {
    for (const term of ['好', '你好', '周末', 'a', 'ok', 'OK', '🎉', '🎉🎉', 'e\u0301\u0301', 'b)', 'x*', '^y', '\ud800', 'z̷̢̛̛̯̪̥͚̺̫̘̭̳̜̦̦̑̋̀̈́̑̇͒̅̀͐̀̓͘͘͝']) {
      expect(isShortTerm(term), term).toBe(true)
    }
    for (const term of ['去爬山', 'abc', '🎉🎉🎉', '東京に', '100%', '👨‍👩‍👧', 'z:w', '(p)', 'été']) expect(isShortTerm(term), term).toBe(false)
  })
})

describe('quoteFts', () => {
  test('a quoted string: quotes doubled, NUL dropped, operators left as text', () => {
    expect(quoteFts('hello')).toBe('"hello"')
    expect(quoteFts('"quoted')).toBe('"""quoted"')
    expect(quoteFts('a\u0000b')).toBe('"ab"')
    expect(quoteFts('NEAR(a*')).toBe('"NEAR(a*"')
  })
})

describe('LIKE patterns', () => {
  test('escapeLike: %, _ and \\ are text', () => {
    expect(escapeLike('100% a_b c\\d')).toBe('100\\% a\\_b c\\\\d')
    expect(escapeLike('plain')).toBe('plain')
  })

  test('caseVariants: ASCII as typed (LIKE folds it), other cased letters every way', () => {
    expect(caseVariants('ok')).toEqual(['ok'])
    expect(caseVariants('周末')).toEqual(['周末'])
    expect(caseVariants('é')).toEqual(['é', 'É'])
    expect(caseVariants('Éa')).toEqual(['Éa', 'éa'])
    expect(caseVariants('σς')).toEqual(['σς', 'σΣ', 'Σς', 'ΣΣ'])
  })

  test('caseVariants: past 16 combinations, the term as typed, lower and upper case', () => {
    expect(caseVariants('éééé')).toHaveLength(16)
    expect(caseVariants('ééééé')).toEqual(['ééééé', 'ÉÉÉÉÉ'])
  })

  test('likePatterns: each variant escaped, between %', () => {
    expect(likePatterns('é_')).toEqual(['%é\\_%', '%É\\_%'])
    expect(likePatterns('%')).toEqual(['%\\%%'])
  })
})
