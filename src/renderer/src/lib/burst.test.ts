import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { Burst } from './burst'

beforeEach(() => {
  vi.useFakeTimers()
})

afterEach(() => {
  vi.useRealTimers()
})

const options = { quietMs: 1_000, maxWaitMs: 3_000 }

describe('Burst', () => {
  it('hands on a burst as one batch once it has been quiet for quietMs', () => {
    const batches: string[][] = []
    const burst = new Burst<string>((items) => batches.push(items), options)
    burst.add(['a'])
    vi.advanceTimersByTime(400)
    burst.add(['b', 'c'])
    vi.advanceTimersByTime(999)
    expect(batches).toEqual([])
    expect(burst.pending).toBe(3)
    vi.advanceTimersByTime(1)
    expect(batches).toEqual([['a', 'b', 'c']])
    expect(burst.pending).toBe(0)
  })

  it('a single item waits for the quiet period too, then comes alone', () => {
    const batches: number[][] = []
    const burst = new Burst<number>((items) => batches.push(items), options)
    burst.add([1])
    vi.advanceTimersByTime(999)
    expect(batches).toEqual([])
    vi.advanceTimersByTime(1)
    expect(batches).toEqual([[1]])
  })

  it('bursts apart by more than the quiet period are separate batches', () => {
    const batches: number[][] = []
    const burst = new Burst<number>((items) => batches.push(items), options)
    burst.add([1, 2])
    vi.advanceTimersByTime(1_500)
    burst.add([3])
    vi.advanceTimersByTime(1_500)
    expect(batches).toEqual([[1, 2], [3]])
  })

  it('a steady stream is handed on every maxWaitMs, not held back for as long as it lasts', () => {
    const batches: number[][] = []
    const burst = new Burst<number>((items) => batches.push(items), options)
    for (let n = 1; n <= 14; n++) {
      burst.add([n])
      vi.advanceTimersByTime(500)
    }
    // 0 ms: 1 … 2,500 ms: 6 (3,000 ms: the cut); 3,000 ms: 7 … 5,500 ms: 12 (6,000 ms: the cut); then 13, 14.
    expect(batches).toEqual([
      [1, 2, 3, 4, 5, 6],
      [7, 8, 9, 10, 11, 12],
    ])
    vi.advanceTimersByTime(1_000)
    expect(batches.at(-1)).toEqual([13, 14])
  })

  it('nothing is handed on for nothing added, and cancel drops what waits', () => {
    const onBatch = vi.fn()
    const burst = new Burst<number>(onBatch, options)
    burst.add([])
    vi.advanceTimersByTime(5_000)
    burst.add([1, 2])
    burst.cancel()
    vi.advanceTimersByTime(5_000)
    expect(onBatch).not.toHaveBeenCalled()
    burst.flush()
    expect(onBatch).not.toHaveBeenCalled()
  })

  it('flush hands on at once and the timers of that batch do not fire again', () => {
    const batches: number[][] = []
    const burst = new Burst<number>((items) => batches.push(items), options)
    burst.add([1])
    burst.flush()
    expect(batches).toEqual([[1]])
    vi.advanceTimersByTime(5_000)
    expect(batches).toEqual([[1]])
  })
})
