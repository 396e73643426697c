import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { startHeapTrimmer, type HeapPort } from './heap-trimmer'

const MiB = 1024 * 1024

/** A V8 stand-in: a young generation of a set size, scavenges on request, collections counted (and shrinking it, or not). */
function fakeHeap(options: { releases: boolean } = { releases: true }) {
  let young = 1 * MiB
  let listener: (() => void) | null = null
  const heap: HeapPort & { collections: number; young: number; scavenge(): void } = {
    collections: 0,
    get young() {
      return young
    },
    set young(bytes: number) {
      young = bytes
    },
    youngGenerationBytes: () => young,
    collectAndRelease() {
      heap.collections++
      if (options.releases) young = 1 * MiB
    },
    watchScavenges(next) {
      listener = next
      return () => {
        listener = null
      }
    },
    scavenge: () => listener?.(),
  }
  return heap
}

function recordingLog() {
  const lines: { level: string; msg: string; obj: object }[] = []
  return {
    lines,
    info: (obj: object, msg: string) => lines.push({ level: 'info', msg, obj }),
    warn: (obj: object, msg: string) => lines.push({ level: 'warn', msg, obj }),
  }
}

const options = { checkEveryMs: 1_000, quietMs: 5_000, grownBytes: 16 * MiB }

/** A burst: scavenges every 200 ms for `ms`, the young generation at `young`. */
function busy(heap: ReturnType<typeof fakeHeap>, ms: number, young = 128 * MiB): void {
  heap.young = young
  for (let t = 0; t < ms; t += 200) {
    heap.scavenge()
    vi.advanceTimersByTime(200)
  }
}

describe('heap trimmer', () => {
  beforeEach(() => vi.useFakeTimers())
  afterEach(() => vi.useRealTimers())

  it('collects once the young generation has grown and no scavenge has run for quietMs', () => {
    const heap = fakeHeap()
    const log = recordingLog()
    const trimmer = startHeapTrimmer(log, options, heap)
    busy(heap, 10_000)
    expect(heap.collections, 'never during the burst').toBe(0)
    vi.advanceTimersByTime(4_000)
    expect(heap.collections, 'not before quietMs').toBe(0)
    vi.advanceTimersByTime(2_000)
    expect(heap.collections).toBe(1)
    expect(trimmer.trims).toBe(1)
    expect(log.lines).toEqual([
      { level: 'info', msg: 'gave back the young generation after a burst of work', obj: expect.objectContaining({ youngGenerationBefore: 128 * MiB, youngGenerationAfter: 1 * MiB }) },
    ])
    // Quiet on: nothing more to do.
    vi.advanceTimersByTime(60_000)
    expect(heap.collections).toBe(1)
    trimmer.stop()
  })

  it('leaves a young generation that never grew alone, however quiet', () => {
    const heap = fakeHeap()
    const trimmer = startHeapTrimmer(recordingLog(), options, heap)
    busy(heap, 10_000, 8 * MiB)
    vi.advanceTimersByTime(60_000)
    expect(heap.collections).toBe(0)
    trimmer.stop()
  })

  it('trims again after the next burst, not before', () => {
    const heap = fakeHeap()
    const trimmer = startHeapTrimmer(recordingLog(), options, heap)
    busy(heap, 5_000)
    vi.advanceTimersByTime(7_000)
    expect(heap.collections).toBe(1)
    // Light work afterwards (scavenges, the young generation small): no trim.
    busy(heap, 5_000, 2 * MiB)
    vi.advanceTimersByTime(30_000)
    expect(heap.collections).toBe(1)
    busy(heap, 5_000)
    vi.advanceTimersByTime(7_000)
    expect(heap.collections).toBe(2)
    trimmer.stop()
  })

  it('seen grown at any check counts, even if V8 shrank it on its own before the quiet', () => {
    const heap = fakeHeap()
    const trimmer = startHeapTrimmer(recordingLog(), options, heap)
    busy(heap, 5_000)
    // V8 may reduce the young generation's size on its books without unmapping its pages: still worth a trim.
    heap.young = 1 * MiB
    vi.advanceTimersByTime(7_000)
    expect(heap.collections).toBe(1)
    trimmer.stop()
  })

  it('a collection that gave nothing back is said, and not repeated while idle', () => {
    const heap = fakeHeap({ releases: false })
    const log = recordingLog()
    const trimmer = startHeapTrimmer(log, options, heap)
    busy(heap, 5_000)
    vi.advanceTimersByTime(60_000)
    expect(heap.collections).toBe(1)
    expect(log.lines.map((line) => [line.level, line.msg])).toEqual([['warn', 'a collection after a burst of work left the young generation as large as it was']])
    trimmer.stop()
  })

  it('stops: no timer, no scavenge listener', () => {
    const heap = fakeHeap()
    const trimmer = startHeapTrimmer(recordingLog(), options, heap)
    busy(heap, 5_000)
    trimmer.stop()
    vi.advanceTimersByTime(60_000)
    expect(heap.collections).toBe(0)
    expect(vi.getTimerCount()).toBe(0)
  })

  it('without a way to collect, says so and does nothing', () => {
    const log = recordingLog()
    const trimmer = startHeapTrimmer(log, options, null)
    expect(log.lines.map((line) => line.level)).toEqual(['warn'])
    expect(vi.getTimerCount()).toBe(0)
    trimmer.stop()
  })
})
