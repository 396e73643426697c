import { describe, expect, test } from 'vitest'
import { LatencyHistogram, median, mergeSnapshots, percentile, summarize, summarizeHistogram } from './latency'

describe('percentiles', () => {
  test('nearest rank over unsorted samples', () => {
    const samples = [5, 1, 4, 2, 3]
    expect(summarize(samples)).toEqual({ count: 5, p50Ms: 3, p99Ms: 5, maxMs: 5 })
    expect(percentile(samples, 0.2)).toBe(1)
    expect(summarize([])).toEqual({ count: 0, p50Ms: Number.NaN, p99Ms: Number.NaN, maxMs: Number.NaN })
  })

  test('the median averages the two middle samples of an even count', () => {
    expect(median([3, 1, 2])).toBe(2)
    expect(median([4, 1, 3, 2])).toBe(2.5)
  })

  test('a histogram gives percentiles within its 2 % buckets, and adds up', () => {
    const a = new LatencyHistogram()
    const b = new LatencyHistogram()
    for (let ms = 1; ms <= 100; ms++) (ms % 2 === 0 ? a : b).record(ms)
    const summary = summarizeHistogram(mergeSnapshots([a.snapshot(), b.snapshot()]))
    expect(summary.count).toBe(100)
    expect(summary.meanMs).toBeCloseTo(50.5)
    expect(summary.maxMs).toBe(100)
    expect(summary.p50Ms / 50).toBeGreaterThanOrEqual(1)
    expect(summary.p50Ms / 50).toBeLessThan(1.02)
    expect(summary.p99Ms / 99).toBeLessThan(1.02)
  })
})
