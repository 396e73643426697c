/**
 * The benchmark's results: one JSON-able object (machine, options, and per
 * scenario the REST and store measurements and their ratio) and its rendering
 * as three terminal tables — throughput, realtime delivery, where the CPU went.
 */
import type { LoadResult } from './closed-loop'
import type { LatencySummary } from '../../test/kit/latency'
import type { ProcessUsage, WindowUsage } from './meter'
import type { BenchOptions } from './options'
import type { RestResult } from './rest-bench'
import type { Scenario } from './scenarios'
import { formatTable } from '../../test/kit/table'
import { machine, type Machine } from '../results'

export interface ScenarioReport {
  key: Scenario['key']
  label: string
  callers: number
  layout: Scenario['layout']
  rest: {
    sendsPerSec: number
    requestLatency: LatencySummary
    /** Send→receive at the receiver's pusher-js client. */
    deliveryLatency: LatencySummary
    /** message.created events reaching the receiver during the window, per second. */
    eventsPerSec: number
    eventsMissing: number
    /** How long after the last send was answered its event arrived (the publish queue draining). */
    eventBacklogMs: number
    serverCpuCores: number
    serverCpuUsPerSend: number
    /** Server CPU from the window's start until its last event was delivered, per send of the window. */
    serverCpuUsPerSendUntilDelivered: number
    serverRssMb: number
    loadGeneratorCpuCores: number
    loadGeneratorCpuUsPerSend: number
    machineBusyCores: number
  }
  store: {
    insertsPerSec: number
    callLatency: LatencySummary
    cpuCores: number
    cpuUsPerInsert: number
    machineBusyCores: number
  }
  /** REST sends/s ÷ store inserts/s. */
  ratio: number
}

export interface BenchReport {
  benchmark: 'api'
  finishedAt: string
  machine: Machine
  httpClient: string
  sqliteDirectory: string
  options: BenchOptions
  scenarios: ScenarioReport[]
}

function usageOf(window: WindowUsage, name: string): ProcessUsage {
  const usage = window.processes[name]
  if (usage === undefined) throw new Error(`no CPU usage of ${name}`)
  return usage
}

/** CPU µs per operation over the window. */
const perOperation = (cpuMs: number, load: LoadResult): number => (cpuMs * 1000) / load.latency.count

export function scenarioReport(scenario: Scenario, rest: RestResult, store: LoadResult): ScenarioReport {
  const server = usageOf(rest.sends.usage, 'server')
  const generator = usageOf(rest.sends.usage, 'bench')
  const baseline = usageOf(store.usage, 'bench')
  const serverUntilDelivered = usageOf(rest.untilDelivered, 'server')
  const { missing, backlogMs, receivedPerSec, ...delivery } = rest.delivery
  return {
    key: scenario.key,
    label: scenario.label,
    callers: scenario.callers,
    layout: scenario.layout,
    rest: {
      sendsPerSec: rest.sends.perSec,
      requestLatency: rest.sends.latency,
      deliveryLatency: delivery,
      eventsPerSec: receivedPerSec,
      eventsMissing: missing,
      eventBacklogMs: backlogMs,
      serverCpuCores: server.cores,
      serverCpuUsPerSend: perOperation(server.cpuMs, rest.sends),
      serverCpuUsPerSendUntilDelivered: perOperation(serverUntilDelivered.cpuMs, rest.sends),
      serverRssMb: server.rssMb,
      loadGeneratorCpuCores: generator.cores,
      loadGeneratorCpuUsPerSend: perOperation(generator.cpuMs, rest.sends),
      machineBusyCores: rest.sends.usage.machineCores,
    },
    store: {
      insertsPerSec: store.perSec,
      callLatency: store.latency,
      cpuCores: baseline.cores,
      cpuUsPerInsert: perOperation(baseline.cpuMs, store),
      machineBusyCores: store.usage.machineCores,
    },
    ratio: rest.sends.perSec / store.perSec,
  }
}

export function benchReport(
  options: BenchOptions,
  httpClient: string,
  sqliteDirectory: string,
  scenarios: ScenarioReport[],
): BenchReport {
  return {
    benchmark: 'api',
    finishedAt: new Date().toISOString(),
    machine: machine(),
    httpClient,
    sqliteDirectory,
    options,
    scenarios,
  }
}

const n = (value: number, digits = 0): string => value.toFixed(digits)
const percentiles = (summary: LatencySummary): string => `${n(summary.p50Ms, 1)} / ${n(summary.p99Ms, 1)}`

export function formatReport(report: BenchReport): string {
  const { machine, options } = report
  const rows = report.scenarios
  const throughput = formatTable(
    ['scenario', 'REST sends/s', 'store inserts/s', 'REST ÷ store', 'REST p50 / p99 ms', 'store p50 / p99 ms'],
    rows.map((row) => [
      row.label,
      n(row.rest.sendsPerSec),
      n(row.store.insertsPerSec),
      n(row.ratio, 3),
      percentiles(row.rest.requestLatency),
      percentiles(row.store.callLatency),
    ]),
  )
  const delivery = formatTable(
    ['scenario', 'sends/s', 'events received/s', 'send→receive p50 / p99 ms', 'last event after last reply', 'missing'],
    rows.map((row) => [
      row.label,
      n(row.rest.sendsPerSec),
      n(row.rest.eventsPerSec),
      percentiles(row.rest.deliveryLatency),
      `${n(row.rest.eventBacklogMs)} ms`,
      `${row.rest.eventsMissing} of ${row.rest.requestLatency.count}`,
    ]),
  )
  const cpu = formatTable(
    [
      'scenario',
      'server cores',
      'server µs/send',
      '… until delivered',
      'server RSS MB',
      'load gen cores',
      'load gen µs/send',
      'store cores',
      'store µs/insert',
      'machine busy REST / store',
    ],
    rows.map((row) => [
      row.label,
      n(row.rest.serverCpuCores, 2),
      n(row.rest.serverCpuUsPerSend),
      n(row.rest.serverCpuUsPerSendUntilDelivered),
      n(row.rest.serverRssMb),
      n(row.rest.loadGeneratorCpuCores, 2),
      n(row.rest.loadGeneratorCpuUsPerSend),
      n(row.store.cpuCores, 2),
      n(row.store.cpuUsPerInsert),
      `${n(row.rest.machineBusyCores, 2)} / ${n(row.store.machineBusyCores, 2)} of ${machine.cores}`,
    ]),
  )
  return [
    `Parley API benchmark — ${machine.cores} cores (${machine.cpu}), Node ${machine.node}, ${machine.platform}`,
    `HTTP client: ${report.httpClient}; SQLite files under ${report.sqliteDirectory}`,
    `${options.durationMs} ms measured after ${options.warmupMs} ms warm-up per scenario and side; ` +
      'closed loop, one request in flight per sender',
    '',
    'Throughput: REST = POST /api/conversations/:id/messages (stored + published) to the server process; ' +
      'store = appendMessage in this process',
    throughput,
    '',
    "Realtime: message.created at the receiver's pusher-js client (private-user channel), from just before the POST",
    delivery,
    '',
    'CPU in each measured window (cores = CPU time ÷ wall time; µs = CPU time per operation; "until delivered" also',
    "counts publishing that outlasted the window; RSS at the window's end; load gen = this process: senders, receiver)",
    cpu,
    '',
    `Ratio REST sends/s ÷ store inserts/s: ${rows.map((row) => `${row.label} ${n(row.ratio, 3)}`).join('; ')}`,
  ].join('\n')
}
