/**
 * A closed-loop load: `callers` loops, each starting its next operation as soon
 * as its last one finished. The first operation started after `warmupMs` opens
 * the measured window (and starts the CPU meter); the first loop to find
 * `durationMs` more gone closes it. Operations started inside the window
 * count: throughput = their number ÷ the window's length, latency = their
 * start-to-finish times. The clock is read between operations rather than
 * kept by timers, because a synchronous store resolves everything in
 * microtasks and timers would never fire.
 */
import { summarize, type LatencySummary } from '../../test/kit/latency'
import { startMeter, type Meter, type WindowUsage } from './meter'

export interface LoadPlan {
  callers: number
  warmupMs: number
  durationMs: number
  /** Processes whose CPU time the window reports, by name. */
  pids: Record<string, number>
  /** One operation of caller `caller`; `measured` tells whether it counts. */
  operation: (caller: number, measured: boolean) => Promise<void>
}

export interface LoadResult {
  perSec: number
  latency: LatencySummary
  usage: WindowUsage
  /** The window's meter, still running: read it again to include work that outlasted the window. */
  meter: Meter
}

export async function runClosedLoop(plan: LoadPlan): Promise<LoadResult> {
  const windowStart = performance.now() + plan.warmupMs
  const windowEnd = windowStart + plan.durationMs
  let meter: Meter | undefined
  let usage: WindowUsage | undefined
  let failed = false
  const latencies: number[] = []

  const loop = async (caller: number): Promise<void> => {
    for (;;) {
      const startedAt = performance.now()
      if (failed) return
      if (startedAt >= windowEnd) {
        usage ??= meter?.read()
        return
      }
      const measured = startedAt >= windowStart
      if (measured) meter ??= startMeter(plan.pids)
      try {
        await plan.operation(caller, measured)
      } catch (err) {
        failed = true
        throw err
      }
      if (measured) latencies.push(performance.now() - startedAt)
    }
  }
  const outcomes = await Promise.allSettled(Array.from({ length: plan.callers }, (_, caller) => loop(caller)))
  const rejected = outcomes.find((outcome) => outcome.status === 'rejected')
  if (rejected !== undefined) throw rejected.reason
  if (meter === undefined || usage === undefined) throw new Error('no operation started inside the measured window')
  return { perSec: (latencies.length * 1000) / usage.elapsedMs, latency: summarize(latencies), usage, meter }
}
