/**
 * Rates from the rounds against one server: totals over all rounds divided by
 * the total time, the best round, latency percentiles over every delivery of
 * every round, and CPU shares. Work from elsewhere on the machine only ever
 * slows a round down, so the best round is the closest to what the server can
 * do undisturbed, and server CPU time per delivered message hardly depends on
 * it at all.
 */
import type { CpuMs, FanoutRound } from './fanout'
import { mergeSnapshots, summarize, type LatencySummary } from './latency-histogram'

export interface FanoutResult {
  rounds: number
  publishedPerSec: number
  /** Over all rounds. */
  deliveredPerSec: number
  bestRoundDeliveredPerSec: number
  /** Per round, in run order. */
  deliveredPerSecByRound: number[]
  expected: number
  delivered: number
  failedPublishes: number
  firstError?: string
  closedSockets: number
  latency: LatencySummary
  /** Server CPU time per message delivered, in µs. */
  serverCpuUsPerMessage: number
  /**
   * CPU used during the measured windows, in % of one core; `other` is the
   * machine's busy time that none of the three processes used (other
   * programs, the kernel's network processing, this orchestrator).
   */
  cpuPercent: { server: number; subscribers: number; publisher: number; other: number }
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)

export function deliveredPerSec(round: FanoutRound): number {
  return round.delivered / (Math.max(round.deliveryMs, 1) / 1000)
}

export function summarizeFanout(rounds: readonly FanoutRound[]): FanoutResult {
  const total = (pick: (round: FanoutRound) => number): number => sum(rounds.map(pick))
  const cpuWindowMs = total((r) => r.cpuWindowMs)
  const cpuPercent = (pick: (cpu: CpuMs) => number): number => (100 * total((r) => pick(r.cpuMs))) / cpuWindowMs
  const byRound = rounds.map(deliveredPerSec)
  const delivered = total((r) => r.delivered)
  // Deliveries at the round's steady rate during the window the server's CPU time was read over.
  const deliveredInCpuWindow = total((r) => (deliveredPerSec(r) * Math.min(r.cpuWindowMs, r.deliveryMs)) / 1000)
  return {
    rounds: rounds.length,
    publishedPerSec: total((r) => r.published) / (total((r) => r.publishMs) / 1000),
    deliveredPerSec: delivered / (Math.max(total((r) => r.deliveryMs), 1) / 1000),
    bestRoundDeliveredPerSec: Math.max(...byRound),
    deliveredPerSecByRound: byRound,
    expected: total((r) => r.expected),
    delivered,
    failedPublishes: total((r) => r.failed),
    firstError: rounds.find((r) => r.firstError !== undefined)?.firstError,
    closedSockets: total((r) => r.closedSockets),
    latency: summarize(mergeSnapshots(rounds.map((r) => r.latency))),
    serverCpuUsPerMessage: (1000 * total((r) => r.cpuMs.server)) / Math.max(deliveredInCpuWindow, 1),
    cpuPercent: {
      server: cpuPercent((cpu) => cpu.server),
      subscribers: cpuPercent((cpu) => cpu.subscribers),
      publisher: cpuPercent((cpu) => cpu.publisher),
      other: cpuPercent((cpu) => cpu.machine - cpu.server - cpu.subscribers - cpu.publisher),
    },
  }
}
