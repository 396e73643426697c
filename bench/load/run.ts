/**
 * `npm run bench:load`: N pusher-js + REST clients against one server process
 * (load-run.ts), then a table and one JSON line on stdout, also written to
 * <results dir>/load.json. Progress goes to stderr. Options (options.ts):
 * --clients=500, --duration=300 (s), --rate=0.2 (msg/s per client), --seed,
 * --workers=2, --presence=true. `--capacity=100,200,300,500,750,1000` runs
 * the capacity search instead, 60 s per step unless --duration is given,
 * into <results dir>/load-capacity.json.
 *
 * Exits 1 when a run lost or duplicated a message. Ctrl-C stops everything:
 * the children are killed on SIGINT/SIGTERM and on exit.
 */
import { constants } from 'node:os'
import { cleanUpNow } from '../../test/kit/processes'
import { publishResults, runBenchmark } from '../results'
import { formatCapacity, searchCapacity } from './capacity'
import { runLoad } from './load-run'
import { readLoadArguments } from './options'
import { formatReport } from './report'

async function main(): Promise<void> {
  const { options, capacity: steps, resultsDir } = readLoadArguments()
  if (steps !== null) {
    const capacity = await searchCapacity(steps, options, (line) => console.error(line))
    publishResults('load-capacity', formatCapacity(capacity), capacity, resultsDir)
    return
  }
  const report = await runLoad(options)
  publishResults('load', formatReport(report), report, resultsDir)
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
runBenchmark(main)
