/**
 * One setup's fan-out rounds reduced to what the table shows. Throughput is
 * the median round (other work on the shared machine only ever slows a round
 * down, and the median ignores one disturbed round); per-core figures divide
 * it by the machine's cores, or relate deliveries to the CPU time the nodes
 * (and Redis) actually used, which hardly depends on what else ran.
 */
import { cpus } from 'node:os'
import { mergeSnapshots, summarize, type LatencySummary } from '../realtime/latency-histogram'
import type { FanoutCpuMs, FanoutRound } from './fanout'

export interface FanoutResult {
  label: string
  nodes: number
  redis: boolean
  /** Delivered events per second (summed over all subscribers), per round in run order, and their median. */
  deliveredPerSecByRound: number[]
  deliveredPerSec: number
  /** The median ÷ the machine's cores. */
  deliveredPerSecPerCore: number
  /** Deliveries per CPU-second of the server nodes, and of the nodes plus Redis. */
  deliveredPerNodeCpuSec: number
  deliveredPerClusterCpuSec: number
  publishedPerSec: number
  expected: number
  delivered: number
  /** The paced window over all rounds: its send→receive latency is the nodes' own, not queueing. */
  paced: { publishedPerSec: number; expected: number; delivered: number; latency: LatencySummary }
  failedPublishes: number
  firstError?: string
  closedSockets: number
  /** Send→receive at saturation, over every delivery of every round. */
  latency: LatencySummary
  /** Average busy cores during the measured windows; `other` is what none of these used (other programs, the kernel). */
  cores: { nodes: number; perNode: number[]; redis: number; subscribers: number; publisher: number; other: number }
  /** Filled in against the single node: median ÷ its median, and round i ÷ its round i. */
  vsSingleNode: number
  vsSingleNodeByRound: number[]
  /** Deliveries per CPU-second of nodes and Redis ÷ the single node's: what Redis costs in efficiency; and by round. */
  perCpuVsSingleNode: number
  perCpuVsSingleNodeByRound: number[]
  /** Deliveries per CPU-second of nodes and Redis, by round. */
  deliveredPerClusterCpuSecByRound: number[]
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0)

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 === 1 ? (sorted[middle] ?? Number.NaN) : ((sorted[middle - 1] ?? 0) + (sorted[middle] ?? 0)) / 2
}

export function roundRate(round: FanoutRound): number {
  return round.delivered / (Math.max(round.deliveryMs, 1) / 1000)
}

/** Deliveries at the round's steady rate during the window its CPU time was read over. */
function deliveredInCpuWindow(round: FanoutRound): number {
  return (roundRate(round) * Math.min(round.cpuWindowMs, round.deliveryMs)) / 1000
}

function clusterCpuMs(cpu: FanoutCpuMs): number {
  return sum(cpu.nodes) + cpu.redis
}

export function summarizeFanout(
  label: string,
  nodes: number,
  redis: boolean,
  pacedMs: number,
  rounds: readonly FanoutRound[],
): FanoutResult {
  const total = (pick: (round: FanoutRound) => number): number => sum(rounds.map(pick))
  const cpuWindowMs = total((r) => r.cpuWindowMs)
  const cores = (pick: (cpu: FanoutCpuMs) => number): number => total((r) => pick(r.cpuMs)) / cpuWindowMs
  const nodeCpuMs = (cpu: FanoutCpuMs): number => sum(cpu.nodes)
  const delivered = total(deliveredInCpuWindow)
  const pacedRounds = rounds.map((r) => r.paced)
  const byRound = rounds.map(roundRate)
  const deliveredPerSec = median(byRound)
  return {
    label,
    nodes,
    redis,
    deliveredPerSecByRound: byRound,
    deliveredPerSec,
    deliveredPerSecPerCore: deliveredPerSec / cpus().length,
    deliveredPerNodeCpuSec: delivered / (total((r) => nodeCpuMs(r.cpuMs)) / 1000),
    deliveredPerClusterCpuSec: delivered / (total((r) => clusterCpuMs(r.cpuMs)) / 1000),
    deliveredPerClusterCpuSecByRound: rounds.map((r) => deliveredInCpuWindow(r) / (clusterCpuMs(r.cpuMs) / 1000)),
    publishedPerSec: total((r) => r.published) / (total((r) => r.publishMs) / 1000),
    expected: total((r) => r.expected),
    delivered: total((r) => r.delivered),
    paced: {
      publishedPerSec: sum(pacedRounds.map((p) => p.published)) / ((rounds.length * pacedMs) / 1000),
      expected: sum(pacedRounds.map((p) => p.expected)),
      delivered: sum(pacedRounds.map((p) => p.delivered)),
      latency: summarize(mergeSnapshots(pacedRounds.map((p) => p.latency))),
    },
    failedPublishes: total((r) => r.failed),
    firstError: rounds.find((r) => r.firstError !== undefined)?.firstError,
    closedSockets: total((r) => r.closedSockets),
    latency: summarize(mergeSnapshots(rounds.map((r) => r.latency))),
    cores: {
      nodes: cores(nodeCpuMs),
      perNode: Array.from({ length: nodes }, (_, i) => cores((cpu) => cpu.nodes[i] ?? 0)),
      redis: cores((cpu) => cpu.redis),
      subscribers: cores((cpu) => cpu.subscribers),
      publisher: cores((cpu) => cpu.publisher),
      other: cores((cpu) => cpu.machine - nodeCpuMs(cpu) - cpu.redis - cpu.subscribers - cpu.publisher),
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
