/**
 * The report for people, in markdown: a line saying what was measured above
 * each table. The documents' tables are written by hand from such a run, with
 * the command beside them.
 */
import { markdownTable } from '../../test/kit/table'
import type { FanoutResult } from '../fanout/summary'
import type { RestResult, ScaleReport, StoreResult } from './report'

const integer = (n: number): string => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '–')
const decimal = (n: number, digits: number): string => (Number.isFinite(n) ? n.toFixed(digits) : '–')
const times = (n: number): string => (Number.isFinite(n) ? `${n.toFixed(2)}×` : '–')

function fanoutSection(report: ScaleReport): string[] {
  const { options, machine } = report
  if (report.fanout.length === 0) return []
  const plural = options.rounds === 1 ? '' : 's'
  const row = (r: FanoutResult): string[] => [
    r.label,
    integer(r.deliveredPerSec),
    integer(r.deliveredPerSecPerCore),
    integer(r.deliveredPerClusterCpuSec),
    `${times(r.vsSingleNode)} · ${times(r.perCpuVsSingleNode)}`,
    `${decimal(r.latency.p50Ms, 0)} / ${decimal(r.latency.p99Ms, 0)}`,
    `${decimal(r.paced?.latency.p50Ms ?? Number.NaN, 1)} / ${decimal(r.paced?.latency.p99Ms ?? Number.NaN, 1)}`,
    [
      decimal(r.cores.nodes, 2),
      r.redis ? decimal(r.cores.redis, 2) : '–',
      decimal(r.cores.subscribers + r.cores.publisher, 2),
      decimal(r.cores.other, 2),
    ].join(' · '),
  ]
  const byRound = (r: FanoutResult): string => {
    const rates = `${r.label}: ${r.deliveredPerSecByRound.map(integer).join(' / ')} deliveries/s`
    if (!r.redis) return rates
    const ratios = (values: number[]): string => values.map(times).join(' ')
    return `${rates}, vs 1 node ${ratios(r.vsSingleNodeByRound)} · per CPU-s ${ratios(r.perCpuVsSingleNodeByRound)}`
  }
  const lossy = report.fanout.filter(
    (r) =>
      r.delivered < r.expected ||
      (r.paced !== null && r.paced.delivered < r.paced.expected) ||
      r.failedPublishes > 0 ||
      r.closedSockets > 0,
  )
  return [
    `**Fan-out.** ${integer(options.subscribers)} WebSocket subscribers on one public channel, spread evenly over the ` +
      `nodes; publishes through the \`pusher\` SDK (HTTP API), spread round robin over the nodes; ` +
      `${options.payloadBytes}-byte events carrying their send time. Deliveries/s: summed over all subscribers with ` +
      `${options.concurrency} publishes in flight (saturation), median of ${options.rounds} alternating round${plural}. ` +
      'Per CPU-s: deliveries per second of CPU time the node processes and Redis used (/proc, Redis INFO). ' +
      'Of the two ratios to the single node, the first is what the setup delivers on this machine, the second the ' +
      `efficiency Redis costs. Latency is send→receive, at saturation (mostly queueing) and paced ` +
      `(${integer(options.pacedPerSec)} publishes/s = ${integer(options.pacedPerSec * options.subscribers)} deliveries/s).`,
    '',
    markdownTable(
      [
        'setup',
        'deliveries/s',
        `per core (÷ ${machine.cores})`,
        'per CPU-s',
        'vs 1 node: throughput · per CPU-s',
        'saturated p50 / p99 ms',
        'paced p50 / p99 ms',
        'busy cores: nodes · Redis · load gen. · other',
      ],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r', 'r'],
      report.fanout.map(row),
    ),
    '',
    `By round — ${report.fanout.map(byRound).join('; ')}.`,
    ...lossy.map(
      (r) =>
        `${r.label}: delivered ${integer(r.delivered)} of ${integer(r.expected)} (paced ${integer(r.paced?.delivered ?? 0)} of ` +
        `${integer(r.paced?.expected ?? 0)}), ${integer(r.failedPublishes)} failed publishes, ${integer(r.closedSockets)} ` +
        `sockets closed by a node${r.firstError ? ` (first error: ${r.firstError})` : ''}.`,
    ),
  ]
}

function restSection(report: ScaleReport): string[] {
  const { options } = report
  if (report.rest.length === 0) return []
  const row = (r: RestResult): string[] => [
    r.label,
    integer(r.delivery.count),
    decimal(r.delivery.p50Ms, 1),
    decimal(r.delivery.p99Ms, 1),
    decimal(r.post.p50Ms, 1),
    decimal(r.post.p99Ms, 1),
    integer(r.missing),
  ]
  const perSec = (options.senders * 1000) / options.sendIntervalMs
  return [
    `**A message through the REST api.** ${options.senders} sender/receiver pairs, each in its own direct conversation; ` +
      `every sender POSTs \`/api/conversations/:id/messages\` every ${options.sendIntervalMs} ms (${integer(perSec)} ` +
      'messages/s in all, a light load) to node i, its receiver (pusher-js on `private-user-{id}`) sits on node i+1 — ' +
      'the other node when there are two. Send→receive: POST sent → `message.created` arrived.',
    '',
    markdownTable(
      ['setup', 'messages', 'send→receive p50 ms', 'p99 ms', 'POST→201 p50 ms', 'p99 ms', 'lost'],
      ['l', 'r', 'r', 'r', 'r', 'r', 'r'],
      report.rest.map(row),
    ),
  ]
}

function storeSection(report: ScaleReport): string[] {
  const { options, store, postgres } = report
  if (store.results.length === 0) return []
  const row = (r: StoreResult): string[] => [
    r.label,
    integer(r.oneCaller.perSec),
    decimal(r.oneCaller.latency.p50Ms, 2),
    integer(r.manyCallers.perSec),
    decimal(r.manyCallers.latency.p50Ms, 2),
    decimal(r.manyCallers.latency.p99Ms, 2),
  ]
  const ratio = store.postgresOverSqlite
  const settings =
    postgres === null
      ? ''
      : ` PostgreSQL ${postgres.version} with fsync=${postgres.fsync}, synchronous_commit=${postgres.synchronousCommit}.`
  return [
    `**Store insert rate.** \`appendMessage\` on the server's own store class in one process, closed loop, ` +
      `each caller into its own conversation (median of ${options.rounds} alternating round${options.rounds === 1 ? '' : 's'}).` +
      settings,
    '',
    markdownTable(
      ['store', '1 caller msgs/s', 'p50 ms', `${options.storeCallers} callers msgs/s`, 'p50 ms', 'p99 ms'],
      ['l', 'r', 'r', 'r', 'r', 'r'],
      [
        ...store.results.map(row),
        ...(ratio === null ? [] : [['PostgreSQL ÷ SQLite', times(ratio.oneCaller), '', times(ratio.manyCallers), '', '']]),
      ],
    ),
  ]
}

export function formatReport(report: ScaleReport): string {
  const { machine, options } = report
  const sections = [fanoutSection(report), restSection(report), storeSection(report)].filter((lines) => lines.length > 0)
  return [
    `Measured with \`npm run bench:scale\` on ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ` +
      `${machine.platform}; Redis, PostgreSQL, the nodes and the load generators all on this one machine; ` +
      `each round ${options.durationMs / 1000} s measured after ${options.warmupMs / 1000} s of warm-up.`,
    ...report.skipped.map((reason) => `Skipped: ${reason}.`),
    ...sections.flatMap((lines) => ['', ...lines]),
  ].join('\n')
}
