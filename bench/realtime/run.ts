/**
 * `npm run bench:realtime`: the realtime server's fan-out throughput and
 * latency, and its memory per idle connection, each next to a bare `ws`
 * baseline on the same machine. Fan-out rounds alternate between the two so
 * that other work on the machine hits both alike. Every server and load
 * generator runs in its own process; this one only orchestrates and reports
 * (a table on stdout, then the results as one JSON line, also written to
 * bench/results/realtime.json).
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { runConnectionMemory, type ConnectionMemoryResult } from './connection-memory'
import { runFanoutRound, type FanoutRound } from './fanout'
import { deliveredPerSec } from './fanout-summary'
import type { Target } from './messages'
import { readOptions, type BenchOptions } from './options'
import { cleanUpNow, repoRoot } from './processes'
import { buildReport, formatReport } from './report'
import { startServer, type RunningServer } from './servers'

const targets = ['parley', 'baseline'] as const

async function withServer<T>(target: Target, step: string, run: (server: RunningServer) => Promise<T>): Promise<T> {
  console.error(`${step}: ${target}…`)
  const server = await startServer(target)
  try {
    return await run(server)
  } finally {
    await server.stop()
  }
}

async function fanoutRounds(options: BenchOptions): Promise<Record<Target, FanoutRound[]>> {
  const rounds: Record<Target, FanoutRound[]> = { parley: [], baseline: [] }
  for (let round = 1; round <= options.rounds; round++) {
    for (const target of targets) {
      const step = `fan-out round ${round}/${options.rounds}`
      const result = await withServer(target, step, (server) => runFanoutRound(server, options))
      console.error(`  ${Math.round(deliveredPerSec(result)).toLocaleString('en-US')} messages/s`)
      rounds[target].push(result)
    }
  }
  return rounds
}

async function connectionMemory(options: BenchOptions): Promise<Record<Target, ConnectionMemoryResult>> {
  const memory: Partial<Record<Target, ConnectionMemoryResult>> = {}
  for (const target of targets) {
    memory[target] = await withServer(target, 'idle connections', (server) => runConnectionMemory(server, options))
  }
  return memory as Record<Target, ConnectionMemoryResult>
}

async function main(): Promise<void> {
  const options = readOptions()
  const report = buildReport(options, await fanoutRounds(options), await connectionMemory(options))
  const resultsDir = join(repoRoot, 'bench', 'results')
  mkdirSync(resultsDir, { recursive: true })
  writeFileSync(join(resultsDir, 'realtime.json'), `${JSON.stringify(report, null, 2)}\n`)
  console.log(formatReport(report))
  console.log(JSON.stringify(report))
}

process.on('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`${signal}: stopping the benchmark`)
    process.exit(130)
  })
}
main().catch((err: unknown) => {
  console.error(err)
  process.exitCode = 1
})
