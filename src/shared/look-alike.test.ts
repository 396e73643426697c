import { describe, expect, test } from 'vitest'
import { lookAlikeIds, lookAlikeKeys, looksAlike, nameWithUsername, skeletonOf } from './look-alike'

describe('skeletonOf: UTS #39 confusable skeleton, case-folded, without white space', () => {
  test.each([
    ['Latin', 'alice', 'alice'],
    ['Cyrillic \u0410 in a Latin name', '\u0410lice', 'alice'],
    ['all Cyrillic look-alikes', '\u0410l\u0456\u0441\u0435', 'alice'],
    ['Greek omicron', 'B\u03BFb', 'bob'],
    ['fullwidth', 'ａｌｉｃｅ', 'alice'],
    ['mathematical letters', '𝔭𝒶ỿ𝕡𝕒ℓ', 'paypal'],
    ['capital I as small l', 'Ian', 'lan'],
    ['digit one as l, zero as O', 'B0b1', 'bobl'],
    ['rn as m', 'Emma', 'ernrna'],
    ['spaces ignored', ' Al  ice ', 'alice'],
    ['zero-width characters ignored', 'Al\u200Bice\u2060', 'alice'],
    ['Chinese unchanged', '张三', '张三'],
    ['accents kept (decomposed)', 'José', 'jose\u0301'],
  ])('%s: %j → %j', (_what, name, skeleton) => {
    expect(skeletonOf(name)).toBe(skeleton)
  })
})

describe('looksAlike', () => {
  test.each([
    ['Alice', '\u0410lice'],
    ['Alice', 'ａｌｉｃｅ'],
    ['alice', 'ALICE'],
    ['Alice', 'alice'],
    ['Hans', '\u041Dans'],
    ['Bob', 'B0b'],
    ['Alice Martin', 'AliceMartin'],
    ['Ian', 'lan'],
    ['张三', '张三'],
    ['👩‍💻', '👩💻'],
  ])('%j and %j look alike', (a, b) => {
    expect(looksAlike(a, b)).toBe(true)
    expect(looksAlike(b, a)).toBe(true)
  })

  test.each([
    ['Alice', 'Alicia'],
    ['José', 'Jose'],
    ['Bob', 'Rob'],
    ['张三', '张四'],
    ['علي', 'على ا'],
    ['Ann', 'Anna'],
  ])('%j and %j do not', (a, b) => {
    expect(looksAlike(a, b)).toBe(false)
  })

  test('a name with nothing visible has no key and matches nothing', () => {
    expect(lookAlikeKeys(' \u200B ')).toEqual([])
    expect(looksAlike(' ', '\u200B')).toBe(false)
  })
})

describe('lookAlikeIds', () => {
  test('different users whose names are equal or look alike; a user alone with a name is not', () => {
    const users = [
      { id: 'a', displayName: 'Alice' },
      { id: 'm', displayName: '\u0410lice' },
      { id: 'b', displayName: 'Bob' },
      { id: 'c', displayName: 'Carol' },
      { id: 'c2', displayName: 'Carol' },
      { id: 'd', displayName: 'Dan' },
    ]
    expect([...lookAlikeIds(users)].sort()).toEqual(['a', 'c', 'c2', 'm'])
  })

  test('the same user listed twice is not a look-alike of themself', () => {
    expect(lookAlikeIds([{ id: 'a', displayName: 'Alice' }, { id: 'a', displayName: 'Alice' }]).size).toBe(0)
  })

  test('5,000 users take a few milliseconds once their keys are known', () => {
    const users = Array.from({ length: 5_000 }, (_, i) => ({ id: `u${i}`, displayName: `Person ${i}` }))
    lookAlikeIds(users)
    const started = performance.now()
    expect(lookAlikeIds(users).size).toBe(0)
    expect(performance.now() - started).toBeLessThan(100)
  })
})

test('nameWithUsername isolates the name (first-strong) and the username (left-to-right), so a right-to-left name reads first and the @ stays with the username', () => {
  expect(nameWithUsername({ displayName: 'Alice', username: 'alice' })).toBe('\u2068Alice\u2069 \u2066@alice\u2069')
  expect(nameWithUsername({ displayName: 'علي', username: 'ali' })).toBe('\u2068علي\u2069 \u2066@ali\u2069')
})

test('a long name is cut beside the username (by grapheme), so an ellipsis at a list’s edge cannot hide the username', () => {
  expect(nameWithUsername({ displayName: 'x'.repeat(24), username: 'x' })).toBe(`\u2068${'x'.repeat(24)}\u2069 \u2066@x\u2069`)
  expect(nameWithUsername({ displayName: 'Alice Martin from Accounting', username: 'mallory' })).toBe('\u2068Alice Martin from Accou…\u2069 \u2066@mallory\u2069')
  expect(nameWithUsername({ displayName: '👩\u200D💻'.repeat(30), username: 'dev' })).toBe(`\u2068${'👩\u200D💻'.repeat(23)}…\u2069 \u2066@dev\u2069`)
})
