/**
 * One target's fan-out rounds reduced to the figures the reports show.
 * Throughput per round, and over the rounds as their median (other work on
 * the shared machine only ever slows a round down: the median ignores one
 * disturbed round), their best (the closest to what the server can do
 * undisturbed) and all rounds together; per core, and per CPU-second the
 * nodes (and Redis) actually used, which hardly depends on what else ran.
 */
import { cpus } from 'node:os'
import { median, mergeSnapshots, summarizeHistogram } from '../../test/kit/latency'
import type { FanoutCpuMs, FanoutRound } from './round'

type Latency = ReturnType<typeof summarizeHistogram>

export interface FanoutResult {
  label: string
  nodes: number
  redis: boolean
  rounds: number
  /** Delivered events per second (summed over all subscribers), per round in run order, and their median. */
  deliveredPerSecByRound: number[]
  deliveredPerSec: number
  bestRoundDeliveredPerSec: number
  /** All deliveries of all rounds ÷ all their delivery time. */
  deliveredPerSecAllRounds: number
  /** The median ÷ the machine's cores. */
  deliveredPerSecPerCore: number
  /** Deliveries per CPU-second of the server nodes, and of the nodes plus Redis (also by round). */
  deliveredPerNodeCpuSec: number
  deliveredPerClusterCpuSec: number
  deliveredPerClusterCpuSecByRound: number[]
  /** The nodes' CPU time per delivered message, in µs. */
  serverCpuUsPerMessage: number
  publishedPerSec: number
  expected: number
  delivered: number
  /** The paced window over all rounds (null without one): its send→receive latency is the nodes' own, not queueing. */
  paced: { publishedPerSec: number; expected: number; delivered: number; latency: Latency } | null
  failedPublishes: number
  firstError?: string
  closedSockets: number
  /** Send→receive at saturation, over every delivery of every round. */
  latency: Latency
  /** Average busy cores during the measured windows; `other` is what none of these used (other programs, the kernel). */
  cores: { nodes: number; perNode: number[]; redis: number; subscribers: number; publisher: number; other: number }
  /** Filled in by compareToSingleNode: median ÷ the single node's median, and round i ÷ its round i. */
  vsSingleNode: number
  vsSingleNodeByRound: number[]
  /** Deliveries per CPU-second of nodes and Redis ÷ the single node's: what Redis costs in efficiency; and by round. */
  perCpuVsSingleNode: number
  perCpuVsSingleNodeByRound: number[]
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)

/** A round's delivered events per second, from the first delivery to the last. */
export function roundRate(round: FanoutRound): number {
  return round.delivered / (Math.max(round.deliveryMs, 1) / 1000)
}

/** Deliveries at the round's steady rate during the window its CPU time was read over. */
function deliveredInCpuWindow(round: FanoutRound): number {
  return (roundRate(round) * Math.min(round.cpuWindowMs, round.deliveryMs)) / 1000
}

const nodeCpuMs = (cpu: FanoutCpuMs): number => sum(cpu.nodes)
const clusterCpuMs = (cpu: FanoutCpuMs): number => nodeCpuMs(cpu) + cpu.redis

export function summarizeFanout(target: { label: string; nodes: number; redis: boolean }, pacedMs: number, rounds: readonly FanoutRound[]): FanoutResult {
  const total = (pick: (round: FanoutRound) => number): number => sum(rounds.map(pick))
  const cpuWindowMs = total((r) => r.cpuWindowMs)
  const cores = (pick: (cpu: FanoutCpuMs) => number): number => total((r) => pick(r.cpuMs)) / cpuWindowMs
  const inCpuWindow = total(deliveredInCpuWindow)
  const byRound = rounds.map(roundRate)
  const deliveredPerSec = median(byRound)
  const delivered = total((r) => r.delivered)
  const pacedRounds = rounds.map((r) => r.paced)
  return {
    ...target,
    rounds: rounds.length,
    deliveredPerSecByRound: byRound,
    deliveredPerSec,
    bestRoundDeliveredPerSec: Math.max(...byRound),
    deliveredPerSecAllRounds: delivered / (Math.max(total((r) => r.deliveryMs), 1) / 1000),
    deliveredPerSecPerCore: deliveredPerSec / cpus().length,
    deliveredPerNodeCpuSec: inCpuWindow / (total((r) => nodeCpuMs(r.cpuMs)) / 1000),
    deliveredPerClusterCpuSec: inCpuWindow / (total((r) => clusterCpuMs(r.cpuMs)) / 1000),
    deliveredPerClusterCpuSecByRound: rounds.map((r) => deliveredInCpuWindow(r) / (clusterCpuMs(r.cpuMs) / 1000)),
    serverCpuUsPerMessage: (1000 * total((r) => nodeCpuMs(r.cpuMs))) / Math.max(inCpuWindow, 1),
    publishedPerSec: total((r) => r.published) / (total((r) => r.publishMs) / 1000),
    expected: total((r) => r.expected),
    delivered,
    paced:
      pacedMs === 0
        ? null
        : {
            publishedPerSec: sum(pacedRounds.map((p) => p.published)) / ((rounds.length * pacedMs) / 1000),
            expected: sum(pacedRounds.map((p) => p.expected)),
            delivered: sum(pacedRounds.map((p) => p.delivered)),
            latency: summarizeHistogram(mergeSnapshots(pacedRounds.map((p) => p.latency))),
          },
    failedPublishes: total((r) => r.failed),
    firstError: rounds.find((r) => r.firstError !== undefined)?.firstError,
    closedSockets: total((r) => r.closedSockets),
    latency: summarizeHistogram(mergeSnapshots(rounds.map((r) => r.latency))),
    cores: {
      nodes: cores(nodeCpuMs),
      perNode: Array.from({ length: target.nodes }, (_, i) => cores((cpu) => cpu.nodes[i] ?? 0)),
      redis: cores((cpu) => cpu.redis),
      subscribers: cores((cpu) => cpu.subscribers),
      publisher: cores((cpu) => cpu.publisher),
      other: cores((cpu) => cpu.machine - clusterCpuMs(cpu) - cpu.subscribers - cpu.publisher),
    },
    vsSingleNode: Number.NaN,
    vsSingleNodeByRound: [],
    perCpuVsSingleNode: Number.NaN,
    perCpuVsSingleNodeByRound: [],
  }
}

/** Each result's throughput and CPU efficiency relative to the single node without Redis. */
export function compareToSingleNode(results: FanoutResult[]): FanoutResult[] {
  const single = results.find((result) => result.nodes === 1 && !result.redis)
  if (single === undefined) return results
  return results.map((result) => ({
    ...result,
    vsSingleNode: result.deliveredPerSec / single.deliveredPerSec,
    vsSingleNodeByRound: result.deliveredPerSecByRound.map((rate, i) => rate / (single.deliveredPerSecByRound[i] ?? Number.NaN)),
    perCpuVsSingleNode: result.deliveredPerClusterCpuSec / single.deliveredPerClusterCpuSec,
    perCpuVsSingleNodeByRound: result.deliveredPerClusterCpuSecByRound.map(
      (rate, i) => rate / (single.deliveredPerClusterCpuSecByRound[i] ?? Number.NaN),
    ),
  }))
}
