/**
 * `npm run bench:core`: the desktop core — its offline cache, gap-fill from a
 * real server, and reconnecting — each scenario next to a baseline measured in
 * the same run. `--scenarios=gapFill,reconnect` runs a subset. Prints a table
 * per scenario on stdout, then the results as one JSON line, also written to
 * <results dir>/core.json. Progress goes to stderr. Sizes: options.ts.
 */
import BetterSqlite3 from 'better-sqlite3'
import { cleanUpNow, makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { publishResults, runBenchmark } from '../results'
import { changesScenario } from './changes'
import { generateMessages } from './dataset'
import { evictionScenario } from './eviction'
import { gapFillScenario } from './gap-fill'
import { ingestScenario } from './ingest'
import { openConversationScenario } from './open-conversation'
import { readOptions } from './options'
import { reconnectScenario } from './reconnect'
import { weekendScenario } from './weekend'
import { formatReport, loadAverage, machineWith, type CoreBenchReport } from './report'
import type { Scenario, ScenarioTable } from './scenario'

const scenarios: readonly Scenario[] = [ingestScenario, openConversationScenario, gapFillScenario, reconnectScenario, changesScenario, weekendScenario, evictionScenario]

function sqliteVersion(): string {
  const db = new BetterSqlite3(':memory:')
  try {
    return db.prepare('SELECT sqlite_version()').pluck().get() as string
  } finally {
    db.close()
  }
}

async function main(): Promise<void> {
  const options = readOptions()
  const progress = (line: string) => console.error(line)
  progress(`generating ${options.messages.toLocaleString('en-US')} messages (seed ${options.seed})…`)
  const messages = generateMessages(options.messages, options.seed)
  const report: CoreBenchReport = {
    machine: machineWith(sqliteVersion()),
    loadAverage: { before: loadAverage(), after: Number.NaN },
    options,
    scenarios: {},
  }
  const tables: ScenarioTable[] = []
  for (const scenario of scenarios.filter((s) => options.scenarios.includes(s.name))) {
    const workDir = makeWorkDir(`parley-bench-${scenario.name}-`)
    try {
      const result = await scenario.run({ options, messages, workDir, progress })
      report.scenarios[scenario.name] = result.json
      tables.push(...result.tables)
    } finally {
      removeWorkDir(workDir)
    }
  }
  report.loadAverage.after = loadAverage()
  publishResults('core', formatReport(report, tables), report, options.resultsDir)
}

process.once('exit', cleanUpNow)
runBenchmark(main)
