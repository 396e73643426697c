/**
 * A load-generating process (forked by load-run.ts): hosts its share of the
 * clients and walks them through the run as the orchestrator says over IPC —
 * connect (ready), send until the end of the window (sent, with the highest
 * seq each conversation reached by its sends), drain and compare with the
 * server's history (result), stop. It exits when told to, or when its parent
 * goes away.
 */
import type { ConfigResponse } from '../../src/shared/api'
import { LoadClient } from './client'
import type { ClientOptions, ClientSpec, ClientTotals, FromWorker, ToWorker } from './messages'
import { inPool } from './pool'
import { RestClient } from './rest'
import { sharedClockMs } from '../../test/kit/worker'
import { WorkerStats } from './worker-stats'

const CONNECT_CONCURRENCY = 16
const CONNECT_TIMEOUT_MS = 60_000
const VERIFY_CONCURRENCY = 8
const PROGRESS_EVERY_MS = 10_000
/** The drain ends once every client caught up, or nothing new arrived for this long… */
const QUIET_MS = 30_000
/** …and in any case after this long: what is missing by then counts as lost. */
const MAX_DRAIN_MS = 120_000

const stats = new WorkerStats()
let rest: RestClient | null = null
let clients: LoadClient[] = []

function tell(message: FromWorker): void {
  process.send?.(message)
}

async function setup(url: string, specs: ClientSpec[], options: ClientOptions): Promise<void> {
  rest = new RestClient(url)
  const config: ConfigResponse = await rest.config()
  const env = { rest, config, options, stats }
  clients = specs.map((spec) => new LoadClient(spec, env))
  await inPool(clients, CONNECT_CONCURRENCY, (client) => client.connect(CONNECT_TIMEOUT_MS))
  tell({ type: 'ready', connected: clients.length })
}

async function send(startAt: number, durationMs: number): Promise<void> {
  const endAt = startAt + durationMs
  stats.window = { startAt, endAt }
  for (const client of clients) client.startSending(startAt, endAt)
  const progress = setInterval(() => tell({ type: 'progress', sent: stats.sendsStarted, events: stats.eventsTotal }), PROGRESS_EVERY_MS)
  try {
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, endAt - sharedClockMs())))
    await Promise.all(clients.map((client) => client.sendsSettled()))
  } finally {
    clearInterval(progress)
  }
  const lastSeq: Record<string, number> = {}
  for (const client of clients) {
    for (const [id, seq] of client.lastSeqOfOwnSends()) lastSeq[id] = Math.max(lastSeq[id] ?? 0, seq)
  }
  tell({ type: 'sent', sends: stats.sends, lastSeq })
}

async function finish(expected: Record<string, number>): Promise<void> {
  const started = sharedClockMs()
  for (;;) {
    const now = sharedClockMs()
    if (clients.every((client) => client.caughtUp(expected))) break
    if (now - stats.lastFreshAt > QUIET_MS || now - started > MAX_DRAIN_MS) {
      const behind = clients.filter((client) => !client.caughtUp(expected)).map((client) => client.index)
      stats.problem(`drain ended after ${Math.round(now - started)} ms with ${behind.length} clients behind (users ${behind.slice(0, 10).join(', ')})`)
      break
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
  tell({ type: 'result', totals: await compareAll() })
}

async function compareAll(): Promise<ClientTotals> {
  const totals: ClientTotals = {
    clients: clients.length,
    conversationsChecked: 0,
    serverMessages: 0,
    heldMessages: 0,
    lost: 0,
    phantom: 0,
    seqMismatch: 0,
    duplicatesInState: 0,
    rawDuplicateDeliveries: 0,
    repeatArrivals: 0,
    onlyViaGapFill: 0,
    realtimeMisses: 0,
    mismatchedConversations: 0,
    gapFillFetches: 0,
    gapFillErrors: 0,
    reconnects: 0,
    eventsInWindow: stats.eventsInWindow,
    eventsTotal: stats.eventsTotal,
    deliveryLatencyMs: stats.deliveryLatencyMs,
    problems: stats.problems,
  }
  await inPool(clients, VERIFY_CONCURRENCY, async (client) => {
    totals.gapFillFetches += client.gapFillFetches
    totals.gapFillErrors += client.gapFillErrors
    totals.reconnects += client.reconnects
    for (const { id, comparison: c, replica } of await client.verify()) {
      totals.conversationsChecked++
      totals.serverMessages += c.serverMessages
      totals.heldMessages += c.heldMessages
      totals.lost += c.lost
      totals.phantom += c.phantom
      totals.seqMismatch += c.seqMismatch
      totals.duplicatesInState += c.duplicatesInState
      totals.rawDuplicateDeliveries += replica.rawDuplicateDeliveries
      totals.repeatArrivals += replica.repeatArrivals
      totals.onlyViaGapFill += c.onlyViaGapFill
      totals.realtimeMisses += c.realtimeMisses
      if (!c.matches || c.duplicatesInState > 0) {
        totals.mismatchedConversations++
        stats.problem(
          `user ${client.index}, conversation ${id}: server ${c.serverMessages}, held ${c.heldMessages}, ` +
            `lost ${c.lost}, phantom ${c.phantom}, duplicates ${c.duplicatesInState}`,
        )
      }
    }
  })
  return totals
}

function stop(): void {
  for (const client of clients) client.stop()
  rest?.close()
  // Let the close frames go out.
  setTimeout(() => process.exit(0), 200).unref()
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'setup':
      return setup(message.url, message.clients, message.options)
    case 'start':
      return send(message.startAt, message.durationMs)
    case 'finish':
      return finish(message.expectedLastSeq)
    case 'stop':
      return stop()
  }
}

if (process.send === undefined) {
  console.error('bench/load/worker.ts is started by the load run (npm run bench:load), not directly')
  process.exit(2)
}
process.on('disconnect', () => {
  for (const client of clients) client.stop()
  process.exit(0)
})
process.on('message', (message: ToWorker) => {
  handle(message).catch((err: unknown) => {
    tell({ type: 'failed', error: err instanceof Error ? (err.stack ?? err.message) : String(err) })
    setTimeout(() => process.exit(1), 100)
  })
})
