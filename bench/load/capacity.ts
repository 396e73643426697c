/**
 * The capacity search: load runs of growing client counts at a fixed
 * per-client rate (60 s each unless --duration says otherwise), stopping at
 * the first run whose send→receive p99 reaches the limit (250 ms) or that
 * loses or duplicates a message. The answer is the largest count that passed,
 * reported with the load average during each run (the machine is shared).
 */
import { runLoad, type Log } from './load-run'
import type { LoadOptions } from './options'
import type { LoadReport } from './report'
import { formatTable } from '../../test/kit/table'

export const P99_LIMIT_MS = 250

export interface CapacityStep {
  clients: number
  passed: boolean
  /** Why the search stopped here, if it did. */
  stoppedBecause: string | null
  report: LoadReport | null
}

export interface CapacityReport {
  benchmark: 'load-capacity'
  finishedAt: string
  p99LimitMs: number
  options: Omit<LoadOptions, 'clients'>
  largestPassing: number | null
  steps: CapacityStep[]
}

export async function searchCapacity(steps: number[], base: LoadOptions, log: Log): Promise<CapacityReport> {
  const done: CapacityStep[] = []
  for (const clients of steps) {
    log(`capacity: ${clients} clients…`)
    let report: LoadReport | null = null
    let stoppedBecause: string | null = null
    try {
      report = await runLoad({ ...base, clients }, log)
      const { verification: v, delivery } = report
      if (!report.ok) stoppedBecause = `lost ${v.lost}, duplicates ${v.duplicatesInState}, failed sends ${report.sends.failed}`
      else if (!(delivery.latency.p99Ms < P99_LIMIT_MS)) stoppedBecause = `p99 ${Math.round(delivery.latency.p99Ms)} ms ≥ ${P99_LIMIT_MS} ms`
    } catch (err) {
      stoppedBecause = `the run failed: ${err instanceof Error ? err.message : String(err)}`
    }
    done.push({ clients, passed: stoppedBecause === null, stoppedBecause, report })
    if (report !== null) {
      const { p50Ms, p99Ms } = report.delivery.latency
      log(
        `capacity: ${clients} clients → p50 ${p50Ms.toFixed(1)} ms, p99 ${p99Ms.toFixed(0)} ms, lost ${report.verification.lost}, ` +
          `load average ${report.usage.loadAverage1m.mean.toFixed(2)}: ${stoppedBecause ?? 'pass'}`,
      )
    }
    if (stoppedBecause !== null) break
  }
  const passing = done.filter((step) => step.passed).map((step) => step.clients)
  const { clients: _clients, ...options } = base
  return {
    benchmark: 'load-capacity',
    finishedAt: new Date().toISOString(),
    p99LimitMs: P99_LIMIT_MS,
    options,
    largestPassing: passing.length > 0 ? Math.max(...passing) : null,
    steps: done,
  }
}

export function formatCapacity(capacity: CapacityReport): string {
  const rows = capacity.steps.map((step) => {
    const r = step.report
    if (r === null) return [String(step.clients), '–', '–', '–', '–', '–', '–', '–', '–', '–', step.stoppedBecause ?? '']
    const l = r.delivery.latency
    const load = r.usage.loadAverage1m
    return [
      String(step.clients),
      r.sends.perSec.toFixed(1),
      Math.round(r.delivery.eventsPerSec).toString(),
      `${l.p50Ms.toFixed(1)} / ${Math.round(l.p99Ms)} / ${Math.round(l.maxMs)}`,
      `${r.verification.lost} / ${r.verification.duplicatesInState}`,
      `${r.verification.onlyViaGapFill} / ${r.verification.realtimeMisses}`,
      `${r.usage.server.cpuCores.toFixed(2)} / ${Math.round(r.usage.server.rssMbMax)}`,
      r.usage.loadGeneratorCpuCores.toFixed(2),
      `${r.otherProcessesCpuCores.toFixed(2)} of ${r.machine.cores}`,
      `${r.loadAverageBeforeSetup.toFixed(2)} / ${load.mean.toFixed(2)} / ${load.max.toFixed(2)}`,
      step.passed ? 'pass' : (step.stoppedBecause ?? 'fail'),
    ]
  })
  const { options } = capacity
  return [
    `Capacity search — ${options.rate} msg/s per client, ${options.durationS} s per step, p99 limit ${capacity.p99LimitMs} ms, ` +
      `seed ${options.seed}, ${options.workers} worker processes, presence ${options.presence ? 'on' : 'off'}`,
    formatTable(
      [
        'clients',
        'sends/s',
        'events/s',
        'send→receive p50 / p99 / max ms',
        'lost / dup',
        'gap-fill only / rt misses',
        'server cores / RSS MB',
        'load gen cores',
        'other processes cores',
        'load avg before / mean / max',
        'result',
      ],
      rows,
    ),
    '',
    `Largest client count with p99 < ${capacity.p99LimitMs} ms and zero loss: ${capacity.largestPassing ?? 'none'}`,
  ].join('\n')
}
