/**
 * `npm run bench:desk`: the desktop app as a person runs it — the real core
 * (in this process; for the day at the desk, in a process of its own so its
 * memory is its own: core-process.ts), the built renderer in Chromium (as the
 * e2e harness runs them), a real server process on a seeded store — each scenario next to a
 * baseline measured in the same run. `--scenarios=coldStart` runs a subset.
 * Prints a table per scenario on stdout, then the results as one JSON line,
 * also written to <results dir>/desk.json. Progress goes to stderr. Sizes:
 * options.ts. The renderer is built first when out/renderer is missing or
 * older than its sources.
 */
import { spawnSync } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { chromium } from 'playwright-core'
import { bundleHarnessBridge } from '../../e2e/fixtures/bundle'
import { CHROMIUM_ARGS, chromiumPath, RENDERER_DIR, ROOT } from '../../e2e/fixtures/paths'
import { serveDirectory } from '../../e2e/fixtures/static-server'
import { cleanUpNow, makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { formatScenarioTable, loadAverage } from '../core/report'
import type { ScenarioTable } from '../core/scenario'
import { machine, publishResults, runBenchmark } from '../results'
import { coldStartScenario } from './cold-start'
import { dayScenario } from './day-at-the-desk'
import { readOptions } from './options'
import type { DeskScenario } from './scenario'
import { sidebarScenario } from './sidebar'
import { weekendDeskScenario } from './weekend'

const scenarios: readonly DeskScenario[] = [coldStartScenario, sidebarScenario, dayScenario, weekendDeskScenario]

/** The newest modification time under `path`, ms. */
function newest(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false })
  if (stat === undefined) return 0
  if (!stat.isDirectory()) return stat.mtimeMs
  return Math.max(stat.mtimeMs, ...readdirSync(path).map((name) => newest(join(path, name))))
}

/** out/renderer as the sources are now: `electron-vite build` when it is missing or older. */
function ensureRendererBuilt(progress: (line: string) => void): void {
  const built = newest(join(RENDERER_DIR, 'index.html'))
  const sources = Math.max(...['src/renderer', 'src/shared', 'electron.vite.config.ts'].map((path) => newest(join(ROOT, path))))
  if (built >= sources) return
  progress(built === 0 ? 'building the renderer (out/renderer is missing)…' : 'building the renderer (out/renderer is older than its sources)…')
  const build = spawnSync('npx', ['electron-vite', 'build'], { cwd: ROOT, stdio: ['ignore', process.stderr, process.stderr] })
  if (build.status !== 0) throw new Error(`electron-vite build failed (${build.status ?? build.signal})`)
}

async function main(): Promise<void> {
  const options = readOptions()
  const progress = (line: string) => console.error(line)
  ensureRendererBuilt(progress)
  await bundleHarnessBridge()
  const served = await serveDirectory(RENDERER_DIR)
  const executablePath = chromiumPath()
  const browser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS })
  const report = {
    machine: { ...machine(), chromium: browser.version() },
    loadAverage: { before: loadAverage(), after: Number.NaN },
    options,
    scenarios: {} as Record<string, Record<string, unknown>>,
  }
  const tables: ScenarioTable[] = []
  try {
    for (const scenario of scenarios.filter((s) => options.scenarios.includes(s.name))) {
      const workDir = makeWorkDir(`parley-bench-desk-${scenario.name}-`)
      try {
        const result = await scenario.run({ options, browser, rendererUrl: served.url, workDir, progress })
        report.scenarios[scenario.name] = result.json
        tables.push(...result.tables)
      } finally {
        removeWorkDir(workDir)
      }
    }
  } finally {
    await browser.close()
    await served.close()
  }
  report.loadAverage.after = loadAverage()
  const { cores, cpu, node, chromium: chromiumVersion } = report.machine
  const header = `Parley desktop benchmark — ${cores} cores (${cpu}), Node ${node}, Chromium ${chromiumVersion}, load average ${report.loadAverage.before} → ${report.loadAverage.after}\n`
  publishResults('desk', [header, tables.map(formatScenarioTable).join('\n\n')].join('\n'), report, options.resultsDir)
}

process.once('exit', cleanUpNow)
runBenchmark(main)
