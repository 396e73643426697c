/**
 * One load run, end to end (used by `npm run bench:load` and by
 * test/load/load.test.ts): a fresh `npm run server` process with raised
 * limits, the seeded social graph registered over REST, the clients spread
 * over worker processes, a send window, a drain, and every client's state
 * compared with the server's history. Whatever happens, the workers and the
 * server are stopped and the temporary data directory removed.
 */
import { loadAverage1m } from '../../test/kit/proc-stats'
import { makeWorkDir, removeWorkDir, stopProcess } from '../../test/kit/processes'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'
import { sharedClockMs } from '../../test/kit/worker'
import type { ClientSpec, ClientTotals, SendStats } from './messages'
import type { LoadOptions } from './options'
import { buildReport, type LoadReport } from './report'
import { RestClient } from './rest'
import { Sampler } from './sampler'
import { populate } from './setup'
import { socialGraph } from './social-graph'
import { WorkerProcess } from './worker-process'

/** Head start between telling the workers to send and the first send. */
const START_DELAY_MS = 1_000

export type Log = (line: string) => void

const seconds = (fromMs: number): number => (sharedClockMs() - fromMs) / 1000
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** The server's log lines (LOG_LEVEL=warn: warnings and errors): the first 50 go to stderr, the first 10 into the report, all are counted. */
function serverLog(): { onLine: (line: string) => void; lines: () => { count: number; first: string[] } } {
  let count = 0
  const first: string[] = []
  const onLine = (line: string): void => {
    count++
    if (first.length < 10) first.push(line.slice(0, 500))
    if (count <= 50) process.stderr.write(`[server] ${line}\n`)
    else if (count === 51) process.stderr.write('[server] … (further server log lines are counted, not shown)\n')
  }
  return { onLine, lines: () => ({ count, first }) }
}

export async function runLoad(options: LoadOptions, log: Log = (line) => console.error(line)): Promise<LoadReport> {
  const loadBefore = loadAverage1m()
  const workDir = makeWorkDir('parley-load-')
  const serverLines = serverLog()
  let server: ServerProcess | undefined
  let rest: RestClient | undefined
  const workers: WorkerProcess[] = []
  try {
    server = await spawnServer(
      {
        DATA_DIR: workDir,
        SEND_RATE_LIMIT: '1000000',
        AUTH_RATE_LIMIT: '1000000',
        MAX_CONNECTIONS_PER_IP: String(Math.max(1_000, 2 * options.clients + 100)),
        HOST: '127.0.0.1',
      },
      { timeoutMs: 60_000, onLine: serverLines.onLine },
    )
    const serverGone = new Promise<never>((_resolve, reject) =>
      server?.child.once('exit', (code, signal) => {
        // Code 0 is the server's own graceful shutdown: something sent it SIGINT or SIGTERM.
        const how = signal ?? (code === 0 ? 'code 0: it was sent SIGINT or SIGTERM' : `code ${code}`)
        reject(new Error(`the server exited during the run (${how})`))
      }),
    )
    serverGone.catch(() => undefined)
    const guard = <T>(step: Promise<T>): Promise<T> => Promise.race([step, serverGone])

    log(`server pid ${server.pid} at ${server.url}; registering ${options.clients} users and their conversations…`)
    const setupStarted = sharedClockMs()
    const graph = socialGraph(options.clients, options.seed)
    rest = new RestClient(server.url, 16)
    const specs = await guard(populate(rest, graph, options.seed))
    const setupS = seconds(setupStarted)

    const connectStarted = sharedClockMs()
    const count = Math.min(options.workers, options.clients)
    const progress = { sent: new Array<number>(count).fill(0), events: new Array<number>(count).fill(0) }
    let startAt = 0
    for (let w = 0; w < count; w++) {
      workers.push(
        new WorkerProcess(`load worker ${w + 1}`, (message) => {
          progress.sent[w] = message.sent
          progress.events[w] = message.events
          if (w === count - 1) {
            const total = (values: number[]): number => values.reduce((sum, value) => sum + value, 0)
            log(`  … ${Math.round(seconds(startAt))} s: ${total(progress.sent)} sends, ${total(progress.events)} events received`)
          }
        }),
      )
    }
    const shares = workers.map((_, w) => specs.filter((spec: ClientSpec) => spec.index % count === w))
    const clientOptions = { rate: options.rate, seed: options.seed, presence: options.presence }
    workers.forEach((worker, w) => worker.send({ type: 'setup', url: server?.url ?? '', clients: shares[w] ?? [], options: clientOptions }))
    log(`setup took ${setupS.toFixed(1)} s; connecting ${options.clients} pusher-js clients in ${count} worker processes…`)
    await guard(Promise.all(workers.map((worker) => worker.next('ready', 120_000 + options.clients * 200))))
    const connectS = seconds(connectStarted)

    const durationMs = options.durationS * 1000
    startAt = sharedClockMs() + START_DELAY_MS
    workers.forEach((worker) => worker.send({ type: 'start', startAt, durationMs }))
    log(`connected in ${connectS.toFixed(1)} s; sending for ${options.durationS} s at ${options.rate} messages/s per client…`)
    await sleep(START_DELAY_MS)
    const sampler = new Sampler(server.pid, workers.map((worker) => worker.pid))
    const sent = await guard(Promise.all(workers.map((worker) => worker.next('sent', durationMs + 180_000))))
    const usage = sampler.stop()

    const expectedLastSeq: Record<string, number> = {}
    for (const { lastSeq } of sent) {
      for (const [id, seq] of Object.entries(lastSeq)) expectedLastSeq[id] = Math.max(expectedLastSeq[id] ?? 0, seq)
    }
    const finishStarted = sharedClockMs()
    log('sending done; draining and comparing every client with the server…')
    workers.forEach((worker) => worker.send({ type: 'finish', expectedLastSeq }))
    const results = await guard(Promise.all(workers.map((worker) => worker.next('result', 300_000 + options.clients * 200))))
    const finishS = seconds(finishStarted)

    return buildReport({
      options,
      graph,
      setupS,
      connectS,
      finishS,
      sends: mergeSends(sent.map((message) => message.sends)),
      totals: mergeTotals(results.map((message) => message.totals)),
      usage,
      loadAverageBeforeSetup: loadBefore,
      serverLog: serverLines.lines(),
    })
  } finally {
    for (const worker of workers) worker.send({ type: 'stop' })
    await Promise.all(workers.map((worker) => stopProcess(worker.child, 5_000)))
    rest?.close()
    await server?.stop(10_000)
    removeWorkDir(workDir)
  }
}

function mergeSends(all: SendStats[]): SendStats {
  return all.reduce((sum, s) => ({
    ok: sum.ok + s.ok,
    replayed: sum.replayed + s.replayed,
    retries: sum.retries + s.retries,
    failed: sum.failed + s.failed,
    errors: [...sum.errors, ...s.errors],
    latencyMs: sum.latencyMs.concat(s.latencyMs),
  }))
}

function mergeTotals(all: ClientTotals[]): ClientTotals {
  return all.reduce((sum, t) => {
    const merged = { ...sum }
    for (const key of Object.keys(t) as (keyof ClientTotals)[]) {
      const a = sum[key]
      const b = t[key]
      if (typeof a === 'number' && typeof b === 'number') (merged[key] as number) = a + b
    }
    merged.deliveryLatencyMs = sum.deliveryLatencyMs.concat(t.deliveryLatencyMs)
    merged.problems = [...sum.problems, ...t.problems]
    return merged
  })
}
