import { describe, expect, test } from 'vitest'
import { bestMatch, foldChar, fuzzyMatch, MatchTier, rankMatches } from './fuzzy-match'

const names = (query: string, candidates: { id: string; names: string[]; lastActivityAt: number }[]) =>
  rankMatches(query, candidates).map((ranked) => ranked.candidate.id)

describe('fuzzyMatch', () => {
  test('characters in order, case and accents folded, spaces in the query ignored', () => {
    expect(fuzzyMatch('alc', 'Alice')?.positions).toEqual([0, 1, 3])
    expect(fuzzyMatch('ZOE', 'Zoë')?.tier).toBe(MatchTier.Exact)
    expect(fuzzyMatch('al ch', 'Alice Chen')).not.toBeNull()
    expect(fuzzyMatch('cla', 'Alice')).toBeNull()
    expect(fuzzyMatch('', 'Alice')).toBeNull()
    expect(fuzzyMatch('alicex', 'Alice')).toBeNull()
    expect(foldChar('É')).toBe('e')
  })

  test('tiers: exact, prefix, word start, initials, inside a word, scattered', () => {
    expect(fuzzyMatch('design', 'Design')?.tier).toBe(MatchTier.Exact)
    expect(fuzzyMatch('des', 'Design team')?.tier).toBe(MatchTier.Prefix)
    expect(fuzzyMatch('tea', 'Design team')?.tier).toBe(MatchTier.WordPrefix)
    expect(fuzzyMatch('bri', 'Lisa McBride')?.tier).toBe(MatchTier.WordPrefix)
    expect(fuzzyMatch('dt', 'Design team')?.tier).toBe(MatchTier.Initials)
    expect(fuzzyMatch('sig', 'Design team')?.tier).toBe(MatchTier.Substring)
    expect(fuzzyMatch('dgt', 'Design team')?.tier).toBe(MatchTier.Subsequence)
  })

  test('the best alignment: word starts and runs over the first occurrence', () => {
    // "ct" could take the c and t of "ocelot"; the initials of "Cat Town" score higher.
    expect(fuzzyMatch('ct', 'ocelot Cat Town')?.positions).toEqual([7, 11])
    expect(fuzzyMatch('team', 'tea time team')?.positions).toEqual([9, 10, 11, 12])
  })

  test('Chinese names: substrings and subsequences over characters', () => {
    expect(fuzzyMatch('张伟', '张伟')?.tier).toBe(MatchTier.Exact)
    expect(fuzzyMatch('张', '张伟')?.tier).toBe(MatchTier.Prefix)
    expect(fuzzyMatch('伟', '张伟')?.tier).toBe(MatchTier.Substring)
    expect(fuzzyMatch('讨论', '产品讨论组')?.positions).toEqual([2, 3])
    expect(fuzzyMatch('产讨', '产品讨论组')?.tier).toBe(MatchTier.Subsequence)
    expect(fuzzyMatch('论产', '产品讨论组')).toBeNull()
    // Han after Latin starts a word: "Q3计划" is found by "计划" as a word start.
    expect(fuzzyMatch('计划', 'Q3计划')?.tier).toBe(MatchTier.WordPrefix)
    // Characters outside the BMP count as one.
    expect(fuzzyMatch('𠀋', 'a𠀋b')?.positions).toEqual([1])
  })

  test('long names are cut rather than slow', () => {
    const long = 'a'.repeat(10_000)
    const started = performance.now()
    expect(fuzzyMatch('a'.repeat(64), long)).not.toBeNull()
    expect(performance.now() - started).toBeLessThan(200)
  })
})

describe('bestMatch and rankMatches', () => {
  test('the better of several names counts (a direct conversation: the name and the username)', () => {
    const match = bestMatch('wzhang', ['张伟', 'wzhang'])
    expect(match?.name).toBe(1)
    expect(match?.tier).toBe(MatchTier.Exact)
  })

  test('prefix and word-start matches first, recent activity breaks ties', () => {
    const candidates = [
      { id: 'scattered', names: ['Ada Norris'], lastActivityAt: 9 },
      { id: 'inside', names: ['Jordan'], lastActivityAt: 8 },
      { id: 'word', names: ['Project Dan'], lastActivityAt: 7 },
      { id: 'prefix-old', names: ['Dana'], lastActivityAt: 1 },
      { id: 'prefix-new', names: ['Dana'], lastActivityAt: 2 },
    ]
    expect(names('dan', candidates)).toEqual(['prefix-new', 'prefix-old', 'word', 'inside', 'scattered'])
  })

  test('an empty query lists everything, newest first; a leading @ looks at usernames like names', () => {
    const candidates = [
      { id: 'a', names: ['Alice', 'alice'], lastActivityAt: 1 },
      { id: 'b', names: ['Bob', 'bob'], lastActivityAt: 3 },
      { id: 'c', names: ['李娜', 'lina'], lastActivityAt: 2 },
    ]
    expect(names('  ', candidates)).toEqual(['b', 'c', 'a'])
    expect(names('@lin', candidates)).toEqual(['c'])
    expect(names('李', candidates)).toEqual(['c'])
    expect(rankMatches('', candidates, 2)).toHaveLength(2)
  })
})
