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
 * bench/results/api.json. DURATION_MS, WARMUP_MS, SENDERS, DRAIN_MS: options.ts.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { constants, tmpdir } from 'node:os'
import { join } from 'node:path'
import { readOptions } from './options'
import { benchReport, formatReport, scenarioReport, type ScenarioReport } from './report'
import { RestBench } from './rest-bench'
import { HTTP_CLIENT } from './rest-client'
import { scenarios } from './scenarios'
import { repoRoot, startServer, type ServerProcess } from './server-process'
import { StoreBench } from './store-bench'

async function main(): Promise<void> {
  const options = readOptions()
  const workDir = mkdtempSync(join(tmpdir(), 'parley-bench-api-'))
  // Interrupted: the server child is killed by its exit hook (server-process.ts).
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      rmSync(workDir, { recursive: true, force: true })
      process.exit(128 + constants.signals[signal])
    })
  }

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
    await server?.stop()
    rmSync(workDir, { recursive: true, force: true })
  }

  const report = benchReport(options, HTTP_CLIENT, tmpdir(), results)
  console.log(formatReport(report))
  console.log(JSON.stringify(report))
  const resultsDir = join(repoRoot, 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, 'api.json'), `${JSON.stringify(report, null, 2)}\n`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
