/**
 * `npm run bench:load`: N pusher-js + REST clients against one server process
 * (load-run.ts), then a table and one JSON line on stdout, also written to
 * bench/results/load.json. Progress goes to stderr. Options (flags or
 * environment): --clients/CLIENTS (500), --duration/DURATION_S (300),
 * --rate/RATE (0.2 msg/s per client), --seed/SEED, --workers/WORKERS (2),
 * --presence/PRESENCE (true). `--capacity 100,200,300,500,750,1000` (or
 * CAPACITY=…) runs the capacity search instead, 60 s per step unless
 * --duration is given, into bench/results/load-capacity.json.
 *
 * Exits 1 when a run lost or duplicated a message. Ctrl-C stops everything:
 * the children are killed on SIGINT/SIGTERM and on exit.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { constants } from 'node:os'
import { join } from 'node:path'
import { formatCapacity, searchCapacity } from './capacity'
import { runLoad } from './load-run'
import { readCapacitySteps, readOptions, setting } from './options'
import { cleanUpNow, repoRoot } from './processes'
import { formatReport } from './report'

const CAPACITY_STEP_S = 60

function save(name: string, result: unknown): void {
  const dir = join(repoRoot, 'bench', 'results')
  mkdirSync(dir, { recursive: true })
  writeFileSync(join(dir, name), `${JSON.stringify(result, null, 2)}\n`)
}

async function main(): Promise<void> {
  const options = readOptions()
  const steps = readCapacitySteps()
  if (steps !== null) {
    const durationS = setting('duration') === undefined ? CAPACITY_STEP_S : options.durationS
    const capacity = await searchCapacity(steps, { ...options, durationS }, (line) => console.error(line))
    console.log(formatCapacity(capacity))
    console.log(JSON.stringify(capacity))
    save('load-capacity.json', capacity)
    return
  }
  const report = await runLoad(options)
  console.log(formatReport(report))
  console.log(JSON.stringify(report))
  save('load.json', report)
  if (!report.ok) process.exitCode = 1
}

process.once('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.error(`${signal}: stopping the server and the load generators`)
    cleanUpNow()
    process.exit(128 + constants.signals[signal])
  })
}
main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
