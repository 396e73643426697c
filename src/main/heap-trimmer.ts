/**
 * Gives back what V8's young generation took during a burst of work once the
 * burst is over (docs/design.md §7.10).
 *
 * While allocation runs fast — a catch-up after a weekend, a scroll back
 * through years — V8 enlarges its young generation from 1 MiB up to 128 MiB
 * and keeps it when the work stops: nothing in V8 gives it back while a
 * process is idle, so the core's process would keep ~150 MiB more resident
 * all day. V8's own cap on it (`--max-semi-space-size`) can only be set
 * before the process's V8 starts, which Electron's main process does before
 * any of Parley's code runs. So instead, whoever hosts the core runs this:
 * once the young generation has grown past `grownBytes` and no scavenge has
 * run for `quietMs` (allocation has all but stopped), one collection that
 * reduces the footprint (`gc({ flavor: 'last-resort' })`: V8 shrinks the
 * young generation and unmaps its pooled pages) returns it to the system.
 *
 * Plain Node, no Electron: the shell runs it beside the core, and so does the
 * bench's core process (bench/desk/core-process.ts), which measures it.
 */
import { constants, PerformanceObserver } from 'node:perf_hooks'
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'

export interface HeapTrimOptions {
  /** How often the young generation is looked at. */
  checkEveryMs: number
  /** No scavenge for this long: allocation has all but stopped, and the young generation is not earning its keep. */
  quietMs: number
  /** The young generation reserved at or above this (seen since the last trim) is worth giving back. */
  grownBytes: number
}

export const defaultHeapTrim: HeapTrimOptions = { checkEveryMs: 2_500, quietMs: 5_000, grownBytes: 16 * 1024 * 1024 }

/** What the trimmer needs of V8; `nodeHeap()` is the real one, tests pass their own. */
export interface HeapPort {
  /** Bytes V8 has reserved for its young generation. */
  youngGenerationBytes(): number
  /** A full collection that also returns freed memory to the system. */
  collectAndRelease(): void
  /** Calls `listener` after every scavenge (young-generation collection); returns the unsubscribe. */
  watchScavenges(listener: () => void): () => void
}

export interface TrimLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
}

export interface HeapTrimmer {
  /** Trims done so far. */
  readonly trims: number
  stop(): void
}

/**
 * Starts trimming (its timer keeps no process alive). Without a heap port —
 * this runtime gave no way to collect — it logs why and does nothing.
 */
export function startHeapTrimmer(log: TrimLog, options: Partial<HeapTrimOptions> = {}, heap: HeapPort | null = nodeHeap()): HeapTrimmer {
  if (heap === null) {
    log.warn({}, 'heap trimming is off: this runtime gives no way to ask V8 for a collection')
    return { trims: 0, stop: () => undefined }
  }
  const { checkEveryMs, quietMs, grownBytes } = { ...defaultHeapTrim, ...options }
  let lastScavengeAt = Date.now()
  let grown = false
  // One trim per quiet spell: the next waits for work (a scavenge) after it, so a collection that gave nothing back is not repeated while idle.
  let workedSinceTrim = true
  let trims = 0
  const unwatch = heap.watchScavenges(() => {
    lastScavengeAt = Date.now()
    workedSinceTrim = true
  })
  const check = (): void => {
    const before = heap.youngGenerationBytes()
    if (before >= grownBytes) grown = true
    if (!grown || !workedSinceTrim || Date.now() - lastScavengeAt < quietMs) return
    grown = false
    workedSinceTrim = false
    const rssBefore = process.memoryUsage.rss()
    const started = performance.now()
    heap.collectAndRelease()
    trims++
    const after = heap.youngGenerationBytes()
    const facts = { youngGenerationBefore: before, youngGenerationAfter: after, rssBefore, rssAfter: process.memoryUsage.rss(), ms: Math.round(performance.now() - started) }
    if (after < grownBytes) log.info(facts, 'gave back the young generation after a burst of work')
    else log.warn(facts, 'a collection after a burst of work left the young generation as large as it was')
  }
  const timer = setInterval(check, checkEveryMs)
  timer.unref()
  return {
    get trims() {
      return trims
    },
    stop() {
      clearInterval(timer)
      unwatch()
    },
  }
}

/** This process's V8, or null when it offers no way to collect on request. */
export function nodeHeap(): HeapPort | null {
  const gc = collector()
  if (gc === null) return null
  return {
    youngGenerationBytes: () =>
      getHeapSpaceStatistics()
        .filter((space) => space.space_name === 'new_space' || space.space_name === 'new_large_object_space')
        .reduce((sum, space) => sum + space.space_size, 0),
    // 'last-resort' is V8's low-memory collection: full collections that shrink the young generation and release its pooled pages.
    collectAndRelease: () => gc({ type: 'major', execution: 'sync', flavor: 'last-resort' }),
    watchScavenges(listener) {
      const observer = new PerformanceObserver((list) => {
        if (list.getEntries().some((entry) => (entry as { detail?: { kind?: number } }).detail?.kind === constants.NODE_PERFORMANCE_GC_MINOR)) listener()
      })
      observer.observe({ entryTypes: ['gc'] })
      return () => observer.disconnect()
    },
  }
}

type GcFunction = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void

/**
 * V8's `gc` without starting the process with --expose-gc: the flag, set at
 * run time, gives `gc` to contexts created after it — so one new context
 * hands it over, and the flag goes back off (no later context gets it).
 */
function collector(): GcFunction | null {
  const exposed: unknown = (globalThis as { gc?: unknown }).gc
  if (typeof exposed === 'function') return exposed as GcFunction
  try {
    setFlagsFromString('--expose-gc')
    const gc: unknown = runInNewContext('typeof gc === "function" ? gc : null')
    return typeof gc === 'function' ? (gc as GcFunction) : null
  } catch {
    return null
  } finally {
    setFlagsFromString('--no-expose-gc')
  }
}
