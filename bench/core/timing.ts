/** Repeated timed runs of one operation and their percentiles, in milliseconds. */
import { summarize, type LatencySummary } from '../../test/kit/latency'

/** Run `fn` a few times untimed (JIT, page cache), then `runs` times timed. */
export function timeRuns(runs: number, fn: () => unknown, warmup = 5): LatencySummary {
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
export async function timeRunsAsync(runs: number, fn: () => Promise<unknown>, warmup = 5): Promise<LatencySummary> {
  for (let i = 0; i < warmup; i++) await fn()
  const samples: number[] = []
  for (let i = 0; i < runs; i++) {
    const start = performance.now()
    await fn()
    samples.push(performance.now() - start)
  }
  return summarize(samples)
}
