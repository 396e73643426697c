/**
 * `npm run bench:api`: how many messages per second the REST api stores and
 * publishes, next to the rate of its own store called directly, and how long a
 * message takes to reach a receiver's pusher-js client.
 *
 * The server runs as its own process (fresh DATA_DIR, free loopback port);
 * this process generates the load (senders over node:http, the receiver
 * over pusher-js) and, between REST scenarios, runs the same scenario against a
 * store it opens itself in a second fresh directory. Progress goes to stderr;
 * stdout gets the tables, then the results as one JSON line, also written to
 * <results dir>/api.json. Sizes: options.ts.
 */
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { cleanUpNow, makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'
import { publishResults, runBenchmark } from '../results'
import { readOptions } from './options'
import { benchReport, formatReport, scenarioReport, type ScenarioReport } from './report'
import { RestBench } from './rest-bench'
import { HTTP_CLIENT } from './rest-client'
import { scenarios } from './scenarios'
import { StoreBench } from './store-bench'

/** The server under test: limits high enough never to answer 429; its log lines go to stderr. */
function startServer(dataDir: string): Promise<ServerProcess> {
  return spawnServer(
    { HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'warn', SEND_RATE_LIMIT: '100000000', AUTH_RATE_LIMIT: '100000' },
    { timeoutMs: 30_000, onLine: (line) => console.error(`[server] ${line}`) },
  )
}

async function main(): Promise<void> {
  const options = readOptions()
  const workDir = makeWorkDir('parley-bench-api-')
  let server: ServerProcess | undefined
  let rest: RestBench | undefined
  let store: StoreBench | undefined
  const results: ScenarioReport[] = []
  try {
    console.error('starting the server and registering users…')
    server = await startServer(join(workDir, 'server'))
    rest = await RestBench.setup(server, options.senders)
    store = await StoreBench.open(join(workDir, 'store'), options.senders)
    for (const scenario of scenarios(options.senders)) {
      console.error(`${scenario.label}: REST…`)
      const restResult = await rest.run(scenario, options)
      console.error(`${scenario.label}: store…`)
      const storeResult = await store.run(scenario, options)
      results.push(scenarioReport(scenario, restResult, storeResult))
    }
  } finally {
    rest?.close()
    await store?.close()
    await server?.stop(10_000)
    removeWorkDir(workDir)
  }

  const report = benchReport(options, HTTP_CLIENT, tmpdir(), results)
  publishResults('api', formatReport(report), report, options.resultsDir)
}

process.once('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    cleanUpNow()
    process.exit(128 + constants.signals[signal])
  })
}
runBenchmark(main)
