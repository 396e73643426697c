/**
 * Seeded randomness for tests and benchmarks: every random decision a fault
 * plan, a load run or a generated dataset makes comes from here (never
 * Math.random), so the same seed gives the same plan, social graph or
 * messages on every machine. mulberry32 for the stream, FNV-1a to turn a
 * seed text into 32 bits.
 */

/** Uniform in [0, 1). */
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

/** 32-bit FNV-1a of a string: any seed text (`FAULT_SEED=nightly/3`) as a seed. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

/** A stream of its own for `index` (a client, a worker), derived from the run's seed. */
export function streamFor(seed: number, index: number): Random {
  return seededRandom(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b) + Math.imul(index + 1, 0xc2b2ae35))
}

/** An integer in [min, max], both included. */
export const intBetween = (random: Random, min: number, max: number): number => min + Math.floor(random() * (max - min + 1))

export const chance = (random: Random, p: number): boolean => random() < p

export function pick<T>(random: Random, items: readonly T[]): T {
  if (items.length === 0) throw new Error('pick from nothing')
  return items[Math.floor(random() * items.length)] as T
}

/** One of `options`, with probability proportional to its weight (weights ≤ 0 never win). */
export function weighted<T>(random: Random, options: readonly (readonly [number, T])[]): T {
  const total = options.reduce((sum, [weight]) => sum + Math.max(0, weight), 0)
  if (total <= 0) throw new Error('weighted pick from nothing')
  let roll = random() * total
  for (const [weight, value] of options) {
    if (weight <= 0) continue
    roll -= weight
    if (roll < 0) return value
  }
  return options.filter(([weight]) => weight > 0).at(-1)?.[1] as T
}

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
export const exponentialDelayMs = (random: Random, ratePerSec: number): number => (-Math.log(1 - random()) / ratePerSec) * 1000
