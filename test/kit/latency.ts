/**
 * Percentiles of timings, in ms. Samples a window can keep whole (a few
 * hundred thousand at most) are summarised by nearest rank; where millions
 * arrive in other processes, a histogram with logarithmic buckets (2 % wide)
 * costs a few kilobytes, travels to the parent in one IPC message, adds up
 * across rounds and still gives p50/p99 within 2 %.
 */

export interface LatencySummary {
  count: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** Nearest-rank percentile (`p` in [0, 1]) of samples sorted ascending; NaN when there are none. */
function rank(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))] as number
}

/** Nearest-rank percentile (`p` in [0, 1]) of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  return rank(Float64Array.from(samples).sort(), p)
}

/** The middle sample, or the mean of the two middle ones. */
export function median(samples: readonly number[]): number {
  const sorted = Float64Array.from(samples).sort()
  const middle = Math.floor(sorted.length / 2)
  if (sorted.length === 0) return Number.NaN
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2
}

export function summarize(samples: readonly number[]): LatencySummary {
  const sorted = Float64Array.from(samples).sort()
  return { count: sorted.length, p50Ms: rank(sorted, 0.5), p99Ms: rank(sorted, 0.99), maxMs: sorted[sorted.length - 1] ?? Number.NaN }
}

const GROWTH = 1.02
/** Bucket 0 holds everything up to 1 µs. */
const SMALLEST_MS = 0.001
const LOG_GROWTH = Math.log(GROWTH)

export interface HistogramSnapshot {
  /** [bucket index, samples] for non-empty buckets. */
  buckets: [number, number][]
  count: number
  sumMs: number
  maxMs: number
}

export class LatencyHistogram {
  private readonly counts = new Map<number, number>()
  private count = 0
  private sumMs = 0
  private maxMs = 0

  record(ms: number): void {
    const value = Math.max(ms, 0)
    const index = value <= SMALLEST_MS ? 0 : Math.ceil(Math.log(value / SMALLEST_MS) / LOG_GROWTH)
    this.counts.set(index, (this.counts.get(index) ?? 0) + 1)
    this.count++
    this.sumMs += value
    if (value > this.maxMs) this.maxMs = value
  }

  snapshot(): HistogramSnapshot {
    return { buckets: [...this.counts], count: this.count, sumMs: this.sumMs, maxMs: this.maxMs }
  }
}

export function mergeSnapshots(snapshots: readonly HistogramSnapshot[]): HistogramSnapshot {
  const counts = new Map<number, number>()
  for (const snapshot of snapshots) {
    for (const [index, samples] of snapshot.buckets) counts.set(index, (counts.get(index) ?? 0) + samples)
  }
  return {
    buckets: [...counts],
    count: snapshots.reduce((sum, s) => sum + s.count, 0),
    sumMs: snapshots.reduce((sum, s) => sum + s.sumMs, 0),
    maxMs: Math.max(0, ...snapshots.map((s) => s.maxMs)),
  }
}

/** Percentiles of a histogram (a bucket counts as its upper bound), and the mean. */
export function summarizeHistogram(snapshot: HistogramSnapshot): LatencySummary & { meanMs: number } {
  const sorted = [...snapshot.buckets].sort(([a], [b]) => a - b)
  const at = (fraction: number): number => {
    const wanted = Math.ceil(fraction * snapshot.count)
    let seen = 0
    for (const [index, samples] of sorted) {
      seen += samples
      if (seen >= wanted) return Math.min(SMALLEST_MS * GROWTH ** index, snapshot.maxMs)
    }
    return snapshot.maxMs
  }
  return {
    count: snapshot.count,
    meanMs: snapshot.count === 0 ? 0 : snapshot.sumMs / snapshot.count,
    p50Ms: at(0.5),
    p99Ms: at(0.99),
    maxMs: snapshot.maxMs,
  }
}
