/** Timing helpers: repeated runs and their percentiles, in milliseconds. */

export interface Percentiles {
  runs: number
  p50Ms: number
  p99Ms: number
  maxMs: number
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN
  const sorted = [...samples].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))] as number
}

export function summarize(samples: readonly number[]): Percentiles {
  return { runs: samples.length, p50Ms: percentile(samples, 50), p99Ms: percentile(samples, 99), maxMs: Math.max(...samples) }
}

export const median = (samples: readonly number[]): number => percentile(samples, 50)

/** Run `fn` a few times untimed (JIT, page cache), then `runs` times timed. */
export function timeRuns(runs: number, fn: () => unknown, warmup = 5): Percentiles {
  for (let i = 0; i < warmup; i++) fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    fn()
    samples.push(performance.now() - start)
  }
  return summarize(samples)
}

/** timeRuns for work that yields to the event loop between its steps. */
export async function timeRunsAsync(runs: number, fn: () => Promise<unknown>, warmup = 5): Promise<Percentiles> {
  for (let i = 0; i < warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return summarize(samples)
}
