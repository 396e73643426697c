/** A seeded PRNG (mulberry32): the same seed gives the same messages on every machine. */
export type Random = () => number

export function seededRandom(seed: number): Random {
  let state = seed >>> 0
  return () => {
    state = (state + 0x6d2b79f5) >>> 0
    let t = state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }
}

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

/** Zipf-like: early items are much more frequent than late ones, as words in chat are. */
export const pickZipf = <T>(random: Random, items: readonly T[]): T => items[Math.floor(items.length * random() ** 2.5)] as T
