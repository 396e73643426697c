/**
 * `npm run bench:realtime`: the realtime server's fan-out throughput and
 * latency, and its memory per idle connection, each next to a bare `ws`
 * baseline on the same machine. Fan-out rounds (the one fan-out runner,
 * bench/fanout, with one node) alternate between the two so that other work
 * on the machine hits both alike. Every server and load generator runs in its
 * own process; this one only orchestrates and reports (a table on stdout,
 * then the results as one JSON line, also written to
 * <results dir>/realtime.json). Sizes: options.ts.
 */
import { cleanUpNow } from '../../test/kit/processes'
import { runFanoutRound, type FanoutOptions, type FanoutRound } from '../fanout/round'
import { roundRate } from '../fanout/summary'
import { publishResults, runBenchmark } from '../results'
import { runConnectionMemory, type ConnectionMemoryResult } from './connection-memory'
import { readOptions, type BenchOptions } from './options'
import { buildReport, formatReport } from './report'
import { startServer, type RunningServer, type Target } from './servers'

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
  const fanout: FanoutOptions = { ...options, pacedPerSec: 0, pacedMs: 0 }
  const rounds: Record<Target, FanoutRound[]> = { parley: [], baseline: [] }
  for (let round = 1; round <= options.rounds; round++) {
    for (const target of targets) {
      const step = `fan-out round ${round}/${options.rounds}`
      const result = await withServer(target, step, (server) => runFanoutRound(server, fanout))
      console.error(`  ${Math.round(roundRate(result)).toLocaleString('en-US')} messages/s`)
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
  publishResults('realtime', formatReport(report), report, options.resultsDir)
}

process.on('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    console.error(`${signal}: stopping the benchmark`)
    process.exit(130)
  })
}
runBenchmark(main)
