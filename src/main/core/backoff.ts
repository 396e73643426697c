/**
 * Exponential back-off with full jitter: attempt n waits a uniformly random
 * time in [0, min(cap, base·2ⁿ)). Spreads reconnecting clients out after a
 * server restart instead of having them all knock at once.
 */
export function fullJitterDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt))
  return Math.floor(random() * ceiling)
}
