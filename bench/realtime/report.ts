/**
 * The benchmark's results: one object (written to <results dir>/realtime.json
 * and printed as the last line of stdout) and a table for people.
 */
import { formatTable } from '../../test/kit/table'
import type { FanoutRound } from '../fanout/round'
import { roundRate, summarizeFanout, type FanoutResult } from '../fanout/summary'
import { machine, type Machine } from '../results'
import type { ConnectionMemoryResult } from './connection-memory'
import type { BenchOptions } from './options'
import type { Target } from './servers'

export const THROUGHPUT_RATIO_TARGET = 0.8
export const KB_PER_CONNECTION_TARGET = 20

export interface BenchReport {
  machine: Machine
  options: BenchOptions
  fanout: {
    parley: FanoutResult
    baseline: FanoutResult
    /** Parley ÷ baseline delivered messages/s of their best rounds: what the target is checked on. */
    throughputRatio: number
    throughputRatioMet: boolean
    /** The same over all rounds, and for each pair of consecutive rounds (the spread shows the noise). */
    throughputRatioAllRounds: number
    throughputRatioByRound: number[]
    /** Parley ÷ baseline server CPU time per delivered message. */
    cpuPerMessageRatio: number
  }
  connections: {
    parley: ConnectionMemoryResult
    baseline: ConnectionMemoryResult
    /** Parley KB per connection ÷ baseline KB per connection. */
    memoryRatio: number
    kbPerConnectionMet: boolean
  }
}

export function buildReport(
  options: BenchOptions,
  rounds: Record<Target, FanoutRound[]>,
  memory: Record<Target, ConnectionMemoryResult>,
): BenchReport {
  const summary = (target: Target): FanoutResult => summarizeFanout({ label: target, nodes: 1, redis: false }, 0, rounds[target])
  const parley = summary('parley')
  const baseline = summary('baseline')
  const throughputRatio = parley.bestRoundDeliveredPerSec / baseline.bestRoundDeliveredPerSec
  return {
    machine: machine(),
    options,
    fanout: {
      parley,
      baseline,
      throughputRatio,
      throughputRatioMet: throughputRatio >= THROUGHPUT_RATIO_TARGET,
      throughputRatioAllRounds: parley.deliveredPerSecAllRounds / baseline.deliveredPerSecAllRounds,
      throughputRatioByRound: rounds.parley.map((round, i) => {
        const other = rounds.baseline[i]
        return other === undefined ? Number.NaN : roundRate(round) / roundRate(other)
      }),
      cpuPerMessageRatio: parley.serverCpuUsPerMessage / baseline.serverCpuUsPerMessage,
    },
    connections: {
      parley: memory.parley,
      baseline: memory.baseline,
      memoryRatio: memory.parley.kbPerConnection / memory.baseline.kbPerConnection,
      kbPerConnectionMet: memory.parley.kbPerConnection <= KB_PER_CONNECTION_TARGET,
    },
  }
}

const integer = (n: number): string => Math.round(n).toLocaleString('en-US')
const decimal = (n: number, digits: number): string => n.toFixed(digits)
const met = (ok: boolean): string => (ok ? 'met' : 'NOT met')

const table = (rows: [string, string, string][]): string => formatTable(['', 'parley', 'baseline'], rows, { indent: 2 })

function fanoutSection({ options, fanout }: BenchReport): string[] {
  const row = (label: string, pick: (r: FanoutResult) => string): [string, string, string] => [
    label,
    pick(fanout.parley),
    pick(fanout.baseline),
  ]
  return [
    `Fan-out: ${integer(options.subscribers)} subscribers on one public channel, ${options.concurrency} publishes ` +
      `in flight, ${options.rounds} alternating rounds per server of ${options.durationMs / 1000} s measured after ` +
      `${options.warmupMs / 1000} s warm-up, ${options.payloadBytes}-byte data`,
    table([
      row('published events/s', (r) => integer(r.publishedPerSec)),
      row('delivered messages/s, best round', (r) => integer(r.bestRoundDeliveredPerSec)),
      row('delivered messages/s, all rounds', (r) => integer(r.deliveredPerSecAllRounds)),
      row('  by round', (r) => r.deliveredPerSecByRound.map((rate) => integer(rate)).join(' ')),
      row('delivered / expected', (r) => `${integer(r.delivered)} / ${integer(r.expected)}`),
      row('latency p50 (ms)', (r) => decimal(r.latency.p50Ms, 1)),
      row('latency p99 (ms)', (r) => decimal(r.latency.p99Ms, 1)),
      row('latency max (ms)', (r) => decimal(r.latency.maxMs, 1)),
      row('failed publishes', (r) => integer(r.failedPublishes)),
      row('sockets closed by the server', (r) => integer(r.closedSockets)),
      row('server CPU per message (µs)', (r) => decimal(r.serverCpuUsPerMessage, 2)),
      row('server CPU (% of a core)', (r) => integer(100 * r.cores.nodes)),
      row('subscribers CPU (%)', (r) => integer(100 * r.cores.subscribers)),
      row('publisher CPU (%)', (r) => integer(100 * r.cores.publisher)),
      row('everything else on the machine (%)', (r) => integer(100 * r.cores.other)),
    ]),
    ...(['parley', 'baseline'] as const).flatMap((target) => {
      const error = fanout[target].firstError
      return error === undefined ? [] : [`  first failed publish to ${target}: ${error}`]
    }),
    `  throughput parley/baseline: ${decimal(fanout.throughputRatio, 2)} best rounds ` +
      `(target ≥ ${THROUGHPUT_RATIO_TARGET}: ${met(fanout.throughputRatioMet)}), ` +
      `${decimal(fanout.throughputRatioAllRounds, 2)} all rounds, ` +
      `by round ${fanout.throughputRatioByRound.map((ratio) => decimal(ratio, 2)).join(' ')}`,
    `  server CPU per message parley/baseline: ${decimal(fanout.cpuPerMessageRatio, 2)}`,
    `  latency is publish→receive at saturation: with ${options.concurrency} publishes in flight it is mostly ` +
      'their wait in the server (≈ in flight ÷ published/s)',
  ]
}

function connectionsSection({ options, connections }: BenchReport): string[] {
  const row = (label: string, pick: (r: ConnectionMemoryResult) => string): [string, string, string] => [
    label,
    pick(connections.parley),
    pick(connections.baseline),
  ]
  return [
    `Idle connections: ${integer(options.connections)} (handshake + one public subscription each), ` +
      `server RSS read ${options.settleMs / 1000} s after the last one`,
    table([
      row('connections open', (r) => integer(r.connections)),
      row('RSS before (MB)', (r) => decimal(r.rssBeforeKb / 1024, 1)),
      row('RSS after (MB)', (r) => decimal(r.rssAfterKb / 1024, 1)),
      row('KB per connection', (r) => decimal(r.kbPerConnection, 2)),
    ]),
    `  memory per connection parley/baseline: ${decimal(connections.memoryRatio, 2)}; ` +
      `parley ≤ ${KB_PER_CONNECTION_TARGET} KB: ${met(connections.kbPerConnectionMet)}`,
  ]
}

export function formatReport(report: BenchReport): string {
  const { machine } = report
  return [
    `Parley realtime benchmark — ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}`,
    '',
    ...fanoutSection(report),
    '',
    ...connectionsSection(report),
  ].join('\n')
}
