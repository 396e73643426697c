/**
 * A tiny seeded PRNG for the fault suite: every decision the suite makes comes
 * from here (never Math.random), so a seed replays the same plan.
 * mulberry32 for the stream, FNV-1a to turn any seed text into 32 bits.
 */

/** 32-bit FNV-1a of a string. */
export function hashSeed(text: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  return hash >>> 0
}

export class Rng {
  private state: number

  constructor(seed: number) {
    this.state = seed >>> 0
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0
    let t = this.state
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296
  }

  /** Integer in [min, max], both included. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1))
  }

  chance(p: number): boolean {
    return this.next() < p
  }

  pick<T>(items: readonly T[]): T {
    if (items.length === 0) throw new Error('pick from nothing')
    return items[Math.floor(this.next() * items.length)] as T
  }

  /** One of `options`, with probability proportional to its weight (weights ≤ 0 never win). */
  weighted<T>(options: readonly (readonly [number, T])[]): T {
    const total = options.reduce((sum, [weight]) => sum + Math.max(0, weight), 0)
    if (total <= 0) throw new Error('weighted pick from nothing')
    let roll = this.next() * total
    for (const [weight, value] of options) {
      if (weight <= 0) continue
      roll -= weight
      if (roll < 0) return value
    }
    return options.filter(([weight]) => weight > 0).at(-1)?.[1] as T
  }
}
