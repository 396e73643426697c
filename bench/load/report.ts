/**
 * The result of a load run as one JSON-able object, its verdict (no loss, no
 * duplicate in any client's final state, no phantom, no failed send), and its
 * rendering as a terminal table.
 */
import type { ClientTotals, SendStats } from './messages'
import type { LoadOptions } from './options'
import type { UsageSummary } from './sampler'
import type { SocialGraph } from './social-graph'
import { summarize, type LatencySummary } from '../../test/kit/latency'
import { formatTable } from '../../test/kit/table'
import { machine, type Machine } from '../results'

export interface LoadReport {
  benchmark: 'load'
  finishedAt: string
  machine: Machine
  options: LoadOptions
  graph: { users: number; directConversations: number; groups: number; meanGroupSize: number }
  timings: { setupS: number; connectS: number; drainAndCompareS: number }
  sends: Omit<SendStats, 'latencyMs'> & { perSec: number; requestLatency: LatencySummary }
  delivery: { eventsInWindow: number; eventsPerSec: number; eventsTotal: number; latency: LatencySummary }
  verification: Omit<ClientTotals, 'deliveryLatencyMs' | 'problems' | 'eventsInWindow' | 'eventsTotal'>
  usage: UsageSummary
  /** 1-minute load average before this run started anything: the neighbours' share. */
  loadAverageBeforeSetup: number
  /** Busy cores of the machine minus the server's and the load generators' during the send window. */
  otherProcessesCpuCores: number
  serverLog: { count: number; first: string[] }
  problems: string[]
  /** No loss, no duplicate left in a client's state, no phantom, every history equal, no failed send. */
  ok: boolean
}

export interface ReportInput {
  options: LoadOptions
  graph: SocialGraph
  setupS: number
  connectS: number
  finishS: number
  sends: SendStats
  totals: ClientTotals
  usage: UsageSummary
  loadAverageBeforeSetup: number
  serverLog: { count: number; first: string[] }
}

export function buildReport(input: ReportInput): LoadReport {
  const { options, graph, sends, totals, usage } = input
  const { latencyMs, ...sendCounts } = sends
  const { deliveryLatencyMs, problems, eventsInWindow, eventsTotal, ...verification } = totals
  const groups = graph.conversations.filter((plan) => plan.kind === 'group')
  return {
    benchmark: 'load',
    finishedAt: new Date().toISOString(),
    machine: machine(),
    options,
    graph: {
      users: graph.users,
      directConversations: graph.conversations.length - groups.length,
      groups: groups.length,
      meanGroupSize: groups.reduce((sum, plan) => sum + plan.members.length, 0) / Math.max(1, groups.length),
    },
    timings: { setupS: input.setupS, connectS: input.connectS, drainAndCompareS: input.finishS },
    sends: { ...sendCounts, perSec: (sends.ok + sends.replayed) / options.durationS, requestLatency: summarize(latencyMs) },
    delivery: {
      eventsInWindow,
      eventsPerSec: eventsInWindow / options.durationS,
      eventsTotal,
      latency: summarize(deliveryLatencyMs),
    },
    verification,
    usage,
    loadAverageBeforeSetup: input.loadAverageBeforeSetup,
    otherProcessesCpuCores: Math.max(0, usage.machineBusyCores - usage.server.cpuCores - usage.loadGeneratorCpuCores),
    serverLog: input.serverLog,
    problems,
    ok:
      verification.lost === 0 &&
      verification.duplicatesInState === 0 &&
      verification.phantom === 0 &&
      verification.seqMismatch === 0 &&
      verification.mismatchedConversations === 0 &&
      sends.failed === 0,
  }
}

const int = (value: number): string => Math.round(value).toLocaleString('en-US')
const ms = (value: number): string => (value < 10 ? value.toFixed(1) : int(value))
const latency = (s: LatencySummary): string => `${ms(s.p50Ms)} / ${ms(s.p99Ms)} / ${ms(s.maxMs)} ms`

export function formatReport(report: LoadReport): string {
  const { options, machine, sends, delivery, verification: v, usage, graph } = report
  const rows: [string, string][] = [
    ['clients', `${int(options.clients)} users, ${graph.directConversations} direct + ${graph.groups} groups (mean ${graph.meanGroupSize.toFixed(1)} members)`],
    ['setup / connect / drain+compare', `${report.timings.setupS.toFixed(1)} / ${report.timings.connectS.toFixed(1)} / ${report.timings.drainAndCompareS.toFixed(1)} s`],
    ['sends', `${int(sends.ok + sends.replayed)} (${sends.perSec.toFixed(1)}/s); ${sends.replayed} replayed, ${sends.retries} retries, ${sends.failed} failed`],
    ['send request p50 / p99 / max', latency(sends.requestLatency)],
    ['message.created received', `${int(delivery.eventsInWindow)} in the window (${int(delivery.eventsPerSec)}/s), ${int(delivery.eventsTotal)} in all`],
    ['send→receive p50 / p99 / max', `${latency(delivery.latency)} (${int(delivery.latency.count)} samples)`],
    ['LOSS (never received nor fetched)', `${v.lost} of ${int(v.serverMessages)}`],
    ['  arrived only via gap-fill', `${v.onlyViaGapFill}`],
    ['  realtime misses (incl. own echoes)', `${v.realtimeMisses}`],
    ['DUPLICATES in final state', `${v.duplicatesInState}`],
    ['  raw duplicate realtime deliveries', `${v.rawDuplicateDeliveries}`],
    ['  repeats absorbed (echoes, fill overlaps)', `${int(v.repeatArrivals)}`],
    ['histories equal to the server', `${v.conversationsChecked - v.mismatchedConversations} of ${v.conversationsChecked} (phantom ${v.phantom}, seq mismatch ${v.seqMismatch})`],
    ['gap-fill fetches / errors / reconnects', `${int(v.gapFillFetches)} / ${v.gapFillErrors} / ${v.reconnects}`],
    ['server CPU mean / peak (1 s)', `${usage.server.cpuCores.toFixed(2)} / ${usage.server.cpuCoresPeak.toFixed(2)} cores`],
    ['server RSS start / max / end', `${int(usage.server.rssMbStart)} / ${int(usage.server.rssMbMax)} / ${int(usage.server.rssMbEnd)} MB`],
    ['load generators CPU', `${usage.loadGeneratorCpuCores.toFixed(2)} cores`],
    ['machine busy / other processes', `${usage.machineBusyCores.toFixed(2)} / ${report.otherProcessesCpuCores.toFixed(2)} of ${machine.cores} cores`],
    ['load average 1 min before setup', report.loadAverageBeforeSetup.toFixed(2)],
    ['load average 1 min sending start / mean / max / end', `${usage.loadAverage1m.start.toFixed(2)} / ${usage.loadAverage1m.mean.toFixed(2)} / ${usage.loadAverage1m.max.toFixed(2)} / ${usage.loadAverage1m.end.toFixed(2)}`],
    ['server log lines (warn+)', `${report.serverLog.count}`],
    ['verdict', report.ok ? 'OK: no loss, no duplicates' : 'FAILED'],
  ]
  const lines = [
    `Parley load run — ${options.clients} clients × ${options.rate} msg/s for ${options.durationS} s ` +
      `(seed ${options.seed}, ${options.workers} worker processes, presence ${options.presence ? 'on' : 'off'}); ` +
      `${machine.cores} cores (${machine.cpu}), Node ${machine.node}`,
    formatTable(['measure', 'value'], rows, { others: 'left' }),
  ]
  if (sends.errors.length > 0) lines.push('', 'send errors:', ...sends.errors.map((e) => `  ${e}`))
  if (report.problems.length > 0) lines.push('', 'problems:', ...report.problems.map((p) => `  ${p}`))
  if (report.serverLog.first.length > 0) lines.push('', 'first server log lines:', ...report.serverLog.first.map((l) => `  ${l}`))
  return lines.join('\n')
}
