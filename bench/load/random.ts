/**
 * Seeded randomness (mulberry32) for the load run: the same SEED gives the
 * same social graph, the same send times and the same choice of conversation
 * on every machine.
 */
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

/** A stream of its own for `index` (a client), derived from the run's seed. */
export function streamFor(seed: number, index: number): Random {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35))
}

/** An integer in [min, max]. */
export const intBetween = (random: Random, min: number, max: number): number =>
  min + Math.floor(random() * (max - min + 1))

export const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T

/** Fisher–Yates, on a copy. */
export function shuffled<T>(random: Random, items: readonly T[]): T[] {
  const copy = [...items]
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1))
    ;[copy[i], copy[j]] = [copy[j] as T, copy[i] as T]
  }
  return copy
}

/** Time to the next event of a Poisson process with `ratePerSec` events per second, in ms. */
export const exponentialDelayMs = (random: Random, ratePerSec: number): number =>
  (-Math.log(1 - random()) / ratePerSec) * 1000
