import { describe, expect, test } from 'vitest'
import { fold, isShortTerm, searchTerms } from './terms'

describe('searchTerms', () => {
  test('split at any whitespace (ideographic space too), empty pieces dropped', () => {
    expect(searchTerms('  quarterly\treport\n好\u3000周末  ')).toEqual(['quarterly', 'report', '好', '周末'])
    expect(searchTerms('   ')).toEqual([])
  })

  test('terms that fold alike are one, kept as first typed; NFC', () => {
    expect(searchTerms('Hello hello HELLO')).toEqual(['Hello'])
    expect(searchTerms('Café cafe CAFE\u0301')).toEqual(['Café'])
    expect(searchTerms('e\u0301t\u00e9')).toEqual(['\u00e9t\u00e9'])
  })

  test('nothing is syntax: operators, quotes and wildcards stay in the terms', () => {
    expect(searchTerms('"hello world" NEAR(a) x* 100% a_b')).toEqual(['"hello', 'world"', 'NEAR(a)', 'x*', '100%', 'a_b'])
  })
})

describe('isShortTerm', () => {
  test('fewer than three characters after folding', () => {
    for (const term of ['好', '你好', 'a', 'ok', 'OK', '🎉', '🎉🎉', 'e\u0301\u0301']) expect(isShortTerm(term), term).toBe(true)
    for (const term of ['去爬山', 'abc', '🎉🎉🎉', '東京に', '100%']) expect(isShortTerm(term), term).toBe(false)
  })
})

describe('fold', () => {
  test('lower case, Latin accents dropped, other scripts kept', () => {
    expect(fold('ÉCOLE Straße İ')).toBe('ecole straße i')
    expect(fold('が東京')).toBe('が東京')
  })
})
