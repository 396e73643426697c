/**
 * Latency samples (ms) of one measured window and their nearest-rank
 * percentiles. A window holds at most a few hundred thousand samples, so they
 * are kept whole and sorted once.
 */

export interface LatencySummary {
  count: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort()
  const rank = (p: number): number => sorted[Math.max(0, Math.ceil(p * sorted.length) - 1)] ?? Number.NaN
  return { count: sorted.length, p50Ms: rank(0.5), p99Ms: rank(0.99), maxMs: sorted[sorted.length - 1] ?? Number.NaN }
}
