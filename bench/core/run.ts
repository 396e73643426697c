/**
 * `npm run bench:core`: the desktop core — its offline cache, gap-fill from a
 * real server, and reconnecting — each scenario next to a baseline measured in
 * the same run. `SCENARIOS=gapFill,reconnect` runs a subset. Prints a table
 * per scenario on stdout, then the results as one JSON line, also written to
 * bench/results/core.json. Progress goes to stderr.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { generateMessages } from './dataset'
import { gapFillScenario } from './gap-fill'
import { ingestScenario } from './ingest'
import { openConversationScenario } from './open-conversation'
import { readOptions } from './options'
import { reconnectScenario } from './reconnect'
import { formatTable, loadAverage, machine, type CoreBenchReport } from './report'
import type { Scenario, ScenarioTable } from './scenario'

const scenarios: readonly Scenario[] = [ingestScenario, openConversationScenario, gapFillScenario, reconnectScenario]
const only = process.env.SCENARIOS?.split(',')

const repoRoot = fileURLToPath(new URL('../..', import.meta.url))

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
    machine: machine(sqliteVersion()),
    loadAverage: { before: loadAverage(), after: Number.NaN },
    options,
    scenarios: {},
  }
  const tables: ScenarioTable[] = []
  for (const scenario of scenarios.filter((s) => only === undefined || only.includes(s.name))) {
    const workDir = mkdtempSync(join(tmpdir(), `parley-bench-${scenario.name}-`))
    try {
      const result = await scenario.run({ options, messages, workDir, progress })
      report.scenarios[scenario.name] = result.json
      tables.push(...result.tables)
    } finally {
      rmSync(workDir, { recursive: true, force: true })
    }
  }
  report.loadAverage.after = loadAverage()
  const resultsDir = join(repoRoot, 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, 'core.json'), `${JSON.stringify(report, null, 2)}\n`)
  const { cores, cpu, node, sqlite } = report.machine
  const { before, after } = report.loadAverage
  console.log(`Parley core benchmark — ${cores} cores (${cpu}), Node ${node}, SQLite ${sqlite}, load average ${before} → ${after}\n`)
  console.log(tables.map(formatTable).join('\n\n'))
  console.log(JSON.stringify(report))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
