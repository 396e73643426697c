/**
 * A process that allocates hard until V8 has grown its young generation,
 * then goes quiet — with or without the heap trimmer — and reports its
 * memory at the peak and after the quiet (heap-trimmer.test.ts forks it).
 */
import { getHeapSpaceStatistics } from 'node:v8'
import { startHeapTrimmer } from '../../../src/main/heap-trimmer'
import { runWorker, tellParent, workerConfig } from '../../kit/worker'

export interface BurstConfig {
  trim: boolean
  /** Allocate until the young generation holds at least this much (or `maxBurstMs` passes). */
  growToBytes: number
  maxBurstMs: number
  quietForMs: number
  /**
   * Then the RSS is read every 100 ms for this long, its lowest kept: V8 unmaps freed pages on a
   * background thread, which on a loaded machine runs some time after the collection that freed them.
   */
  settleMs: number
}

export interface BurstReport {
  type: 'report'
  peak: { young: number; rss: number }
  after: { young: number; rss: number }
  trims: number
  logged: string[]
}

const young = (): number => getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

runWorker(async () => {
  const config = workerConfig<BurstConfig>()
  const logged: string[] = []
  const log = { info: (_: object, msg: string) => logged.push(msg), warn: (_: object, msg: string) => logged.push(msg) }
  const trimmer = config.trim ? startHeapTrimmer(log, { checkEveryMs: 100, quietMs: 400 }) : null
  // Something long-lived, as a core holds its caches.
  const live = Array.from({ length: 100_000 }, (_, n) => ({ id: `m${n}`, body: `message ${n}` }))
  // Objects that survive a scavenge or two: what makes V8 enlarge the young generation.
  let recent: object[] = []
  const started = Date.now()
  while (young() < config.growToBytes && Date.now() - started < config.maxBurstMs) {
    for (let n = 0; n < 10_000; n++) recent.push({ n, text: `x${n}`, list: [n] })
    if (recent.length > 200_000) recent = []
    // Let the trimmer's timer and the GC observer run, as a working process's event loop would.
    await new Promise((resolve) => setImmediate(resolve))
  }
  recent.length = 0
  const peak = { young: young(), rss: process.memoryUsage.rss() }
  await sleep(config.quietForMs)
  let rss = process.memoryUsage.rss()
  for (let waited = 0; waited < config.settleMs; waited += 100) {
    await sleep(100)
    rss = Math.min(rss, process.memoryUsage.rss())
  }
  tellParent<BurstReport>({ type: 'report', peak, after: { young: young(), rss }, trims: trimmer?.trims ?? 0, logged: [...logged, `live ${live.length}`] })
  trimmer?.stop()
})
