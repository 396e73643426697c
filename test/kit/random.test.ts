/** The seeded streams fault plans, load runs and bench datasets are replayed from: they must never drift. */
import { describe, expect, test } from 'vitest'
import { hashSeed, intBetween, pick, seededRandom, shuffled, streamFor, weighted } from './random'

describe('seeded randomness', () => {
  test('mulberry32: seed 1 gives the reference stream', () => {
    const random = seededRandom(1)
    expect([random(), random(), random()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522])
  })

  test('FNV-1a seeds and per-client streams are fixed', () => {
    expect([hashSeed(''), hashSeed('1/0')]).toEqual([0x811c9dc5, 1900359035])
    expect(streamFor(1, 0)()).toBe(0.5065742724109441)
  })

  test('helpers stay in range and draw from the stream only', () => {
    const random = seededRandom(7)
    for (let i = 0; i < 1_000; i++) {
      const n = intBetween(random, 3, 5)
      expect(n >= 3 && n <= 5 && Number.isInteger(n)).toBe(true)
    }
    expect(shuffled(seededRandom(2), [1, 2, 3, 4, 5]).sort()).toEqual([1, 2, 3, 4, 5])
    expect(weighted(seededRandom(3), [[0, 'never'], [1, 'always']])).toBe('always')
    expect(() => pick(seededRandom(4), [])).toThrow('pick from nothing')
  })
})
