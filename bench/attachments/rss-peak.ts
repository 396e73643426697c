/**
 * The peak resident memory of another process during some work, above what
 * it held just before: /proc/<pid>/status VmRSS sampled every 50 ms, and —
 * where Linux lets us reset the high-water mark (/proc/<pid>/clear_refs) —
 * VmHWM, which also catches a peak between two samples.
 */
import { writeFileSync } from 'node:fs'
import { peakResidentKb, residentKb } from '../../test/kit/proc-stats'

const SAMPLE_MS = 50

export interface RssPeak {
  beforeMib: number
  peakMib: number
  growthMib: number
}

export async function rssPeakDuring<T>(pid: number, work: () => Promise<T>): Promise<{ result: T; rss: RssPeak }> {
  let highWaterReset = true
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5')
  } catch {
    highWaterReset = false
  }
  const beforeKb = residentKb(pid)
  let peakKb = beforeKb
  const timer = setInterval(() => {
    try {
      peakKb = Math.max(peakKb, residentKb(pid))
    } catch {
      // The process ended; the work's own failure says why.
    }
  }, SAMPLE_MS)
  try {
    const result = await work()
    peakKb = Math.max(peakKb, residentKb(pid), highWaterReset ? peakResidentKb(pid) : 0)
    return { result, rss: { beforeMib: beforeKb / 1024, peakMib: peakKb / 1024, growthMib: (peakKb - beforeKb) / 1024 } }
  } finally {
    clearInterval(timer)
  }
}
