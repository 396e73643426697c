/**
 * `npm run bench:smoke` (part of `npm test`): every `bench:*` script of
 * package.json run once at a size that takes seconds, one after another, so
 * that no benchmark can rot unnoticed. A benchmark fails the smoke run when it
 * exits non-zero, takes too long, or hands over a malformed result: its last
 * stdout line must be the JSON it also wrote to the results directory (a
 * temporary one here, so real results in bench/results/ stay), with its key
 * figures present and finite. The figures themselves mean nothing at these
 * sizes. A new `bench:*` script without an entry below fails the run too.
 *
 * Run one: `npm run bench:smoke -- bench:api`.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'
import { repoRoot } from '../test/kit/processes'
import { runBenchmark } from './results'

const TIMEOUT_MS = 120_000

const figure = z.number().finite()
const positive = figure.positive()

interface Smoke {
  /** Tiny sizes, as `--name=value`. */
  args: string[]
  /** The key figures a result must carry. */
  result: z.ZodType
}

const fanoutFigures = z.object({ deliveredPerSec: positive, delivered: positive, latency: z.object({ p50Ms: figure, p99Ms: figure }) })

const smokes: Record<string, Smoke> = {
  'bench:realtime': {
    args: ['--subscribers=20', '--rounds=1', '--warmup-ms=0', '--duration-ms=500', '--connections=50', '--settle-ms=0', '--connect-batch=20'],
    result: z.object({
      fanout: z.object({ parley: fanoutFigures, baseline: fanoutFigures, throughputRatio: positive, cpuPerMessageRatio: figure }),
      connections: z.object({ parley: z.object({ connections: z.literal(50), kbPerConnection: figure }), memoryRatio: figure }),
    }),
  },
  'bench:scale': {
    args: [
      '--subscribers=20',
      '--rounds=1',
      '--clusters=2',
      '--warmup-ms=0',
      '--duration-ms=500',
      '--paced-per-sec=10',
      '--paced-ms=300',
      '--connect-batch=20',
      '--senders=2',
      '--send-interval-ms=100',
      '--drain-ms=2000',
      '--store-callers=2',
    ],
    result: z.object({
      skipped: z.array(z.string()),
      fanout: z.array(fanoutFigures.extend({ vsSingleNode: positive })).min(1),
      rest: z.array(z.object({ delivery: z.object({ count: positive, p50Ms: figure }), missing: figure })).min(1),
      store: z.object({ results: z.array(z.object({ oneCaller: z.object({ perSec: positive }), manyCallers: z.object({ perSec: positive }) })).min(1) }),
    }),
  },
  'bench:core': {
    args: ['--messages=2000', '--rounds=1', '--read-runs=5', '--search-runs=2', '--gap-messages=400', '--changes=400', '--toggles=5', '--weekend-messages=400', '--weekend-conversations=12', '--weekend-runs=1'],
    result: z.object({
      scenarios: z.object({
        ingest: z.object({ ratioVsRaw: positive, indexedRatioVsRaw: positive }),
        openConversation: z.object({ measured: z.array(z.object({ ratioVsSelect: positive })).min(1) }),
        gapFill: z.object({ gapFillMsPerSec: positive, ratioVsRaw: positive }),
        reconnect: z.object({ heartbeatMs: positive, wakeMs: positive, syncAfterWakeMs: figure }),
        changes: z.object({
          catchUpMs: positive,
          ratioVsBarePipeline: positive,
          stallMaxMs: figure,
          reaction: z.object({ p50Ms: positive, p99Ms: positive }),
          send: z.object({ p50Ms: positive, p99Ms: positive }),
          reactionVsSendP50: positive,
        }),
        eviction: z.object({ evicted: positive, parleyPerSec: positive, rawPerSec: positive, ratio: positive, longestChunkMs: figure }),
        weekend: z.object({
          messages: z.literal(400),
          barePipelineMs: positive,
          cachePipeline: z.object({ medianMs: positive }),
          ratioVsCachePipeline: positive,
          openCurrentMs: positive,
          badgesRightMs: positive,
          readyMs: positive,
          allCurrentMs: positive,
          ratioVsBarePipeline: positive,
          allCurrentRatioVsBarePipeline: positive,
          requests: z.object({ parley: z.record(z.string(), positive), barePipeline: z.record(z.string(), positive) }),
          openFirst: z.literal(true),
          stallMaxMs: figure,
        }),
      }),
    }),
  },
  'bench:api': {
    args: ['--duration-ms=300', '--warmup-ms=100', '--senders=2', '--drain-ms=2000'],
    result: z.object({
      scenarios: z
        .array(z.object({ rest: z.object({ sendsPerSec: positive, eventsMissing: z.literal(0) }), store: z.object({ insertsPerSec: positive }), ratio: positive }))
        .length(3),
    }),
  },
  'bench:attachments': {
    args: ['--upload-mib=8', '--rounds=1', '--megapixels=0.5', '--thumbnails=3'],
    result: z.object({
      upload: z.object({ throughputRatio: positive, peakRssGrowthMib: figure }),
      thumbnail: z.object({ server: z.object({ p50Ms: positive }), sharp: z.object({ p50Ms: positive }), p50Ratio: positive, p99Ratio: positive }),
    }),
  },
  'bench:desk': {
    args: [
      '--conversations=20',
      '--messages=2000',
      '--runs=1',
      '--sidebar-conversations=60',
      '--sidebar-baseline=10',
      '--switches=10',
      '--switch-among=3',
      '--pause-ms=20',
      '--day-messages=300',
      '--day-conversations=10',
      '--day-rate=200',
      '--day-switch-among=3',
      '--day-switch-every-ms=200',
      '--day-history=400',
      '--day-short-history=20',
      '--day-idle-ms=500',
      '--weekend-messages=400',
      '--weekend-conversations=12',
      '--weekend-runs=1',
    ],
    result: z.object({
      scenarios: z.object({
        coldStart: z.object({ largeMs: positive, emptyMs: positive, ratio: positive, listPaintedRatio: positive }),
        sidebar: z.object({ long: z.object({ p50Ms: positive, p99Ms: positive }), short: z.object({ p50Ms: positive }), p50Ratio: positive, p99Ratio: positive }),
        day: z.object({ rendererHeapRatio: positive, coreRssRatio: positive, coreRssIdleRatio: positive, endAfterLastSendMs: positive, rendererHeapEndVsMid: positive, coreHeapRatio: positive, domNodesRatio: positive, switches: figure }),
        weekend: z.object({ messages: z.literal(400), openPaintedMs: positive, firstPaintMs: positive, catchUpMs: positive, badgesRightMs: positive, ratioVsBarePipeline: positive, ratioVsCachePipeline: positive, openFirst: z.literal(true) }),
      }),
    }),
  },
  'bench:search': {
    args: ['--messages=20000', '--conversations=40', '--users=30', '--runs=10', '--baseline-runs=3'],
    result: z.object({
      messages: z.literal(20000),
      // PostgreSQL runs wherever the smoke runs (CI starts it): neither store may be skipped.
      skipped: z.array(z.string()).length(0),
      stores: z
        .array(
          z.object({
            indexSeconds: figure,
            queries: z
              .array(z.object({ agrees: z.literal(true), search: z.object({ p50Ms: positive, p99Ms: positive }), like: z.object({ p50Ms: positive }), p50Ratio: positive }))
              .length(4),
          }),
        )
        .length(2),
    }),
  },
  'bench:history': {
    // Seeded from nothing each time (no seed cache): the smoke leaves nothing behind.
    args: ['--messages=6000', '--small-messages=600', '--control-messages=3000', '--conversations=40', '--users=20', '--rounds=1', '--backfill-ms=1500', '--seed-cache='],
    result: z.object({
      workspaces: z.object({ big: z.object({ messages: z.literal(6000) }), small: z.object({ messages: z.literal(600) }) }),
      firstSignIn: z.object({
        target: positive,
        ready: z.object({ bigMs: positive, smallMs: positive, ratio: positive }),
        control: z.object({ messages: z.literal(3000), readyMs: positive, ratio: positive }),
        bare: z.object({
          bigMs: positive,
          smallMs: positive,
          controlMs: positive,
          ratio: positive,
          controlRatio: positive,
          parleyOverBare: z.object({ big: positive, small: positive, control: positive }),
          ratioOfRatios: positive,
          messages: z.object({ big: positive, small: positive, control: positive }),
          cpuMs: z.object({ big: z.object({ own: positive, server: positive }), small: z.object({ own: positive, server: positive }) }),
        }),
        list: z.object({ ratio: positive }),
        openScrollable: z.object({ ratio: positive }),
        latest: z.object({ ratio: positive }),
      }),
      server: z.object({ listingRatio: positive, latestPagesRatio: positive }),
      backfill: z.object({ messagesPerSec: positive, barePipelinePerSec: positive, ratio: positive }),
    }),
  },
  'bench:load': {
    args: ['--clients=10', '--duration=2', '--rate=1', '--workers=1'],
    result: z.object({ ok: z.literal(true), sends: z.object({ ok: positive, failed: z.literal(0) }), verification: z.object({ lost: z.literal(0) }) }),
  },
}

interface Outcome {
  script: string
  seconds: number
  problem: string | null
}

/** `npm run <script> -- <args>` in its own process group (killed whole on timeout); stdout and stderr kept. */
function run(script: string, args: string[]): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script, '--', ...args], { cwd: repoRoot, detached: true, stdio: ['ignore', 'pipe', 'pipe'] })
    let stdout = ''
    let stderr = ''
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    let timedOut = false
    const timer = setTimeout(() => {
      timedOut = true
      if (child.pid !== undefined) process.kill(-child.pid, 'SIGKILL')
    }, TIMEOUT_MS)
    child.once('close', (code) => {
      clearTimeout(timer)
      resolve({ code, stdout, stderr, timedOut })
    })
  })
}

/** What is wrong with the result the run handed over, or null. */
function checkResult(name: string, stdout: string, resultsDir: string, smoke: Smoke): string | null {
  const last = stdout.trimEnd().split('\n').at(-1) ?? ''
  let printed: unknown
  try {
    printed = JSON.parse(last)
  } catch {
    return `its last stdout line is not JSON: ${last.slice(0, 200)}`
  }
  let written: unknown
  try {
    written = JSON.parse(readFileSync(join(resultsDir, `${name}.json`), 'utf8'))
  } catch (err) {
    return `no readable ${name}.json in the results directory (${err instanceof Error ? err.message : String(err)})`
  }
  if (JSON.stringify(written) !== JSON.stringify(printed)) return `${name}.json differs from the JSON it printed`
  const checked = smoke.result.safeParse(printed)
  return checked.success ? null : `malformed result: ${z.prettifyError(checked.error)}`
}

async function smokeOne(script: string, smoke: Smoke): Promise<Outcome> {
  const resultsDir = mkdtempSync(join(tmpdir(), 'parley-bench-smoke-'))
  const started = performance.now()
  try {
    const { code, stdout, stderr, timedOut } = await run(script, [...smoke.args, `--results-dir=${resultsDir}`])
    const seconds = (performance.now() - started) / 1000
    let problem: string | null = null
    if (timedOut) problem = `no result within ${TIMEOUT_MS / 1000} s`
    else if (code !== 0) problem = `exited with ${code}`
    else problem = checkResult(script.slice('bench:'.length), stdout, resultsDir, smoke)
    if (problem !== null) {
      const tail = (text: string): string => text.trimEnd().split('\n').slice(-40).join('\n')
      console.error(`--- ${script} stderr (last lines) ---\n${tail(stderr)}\n--- ${script} stdout (last lines) ---\n${tail(stdout)}`)
    }
    return { script, seconds, problem }
  } finally {
    rmSync(resultsDir, { recursive: true, force: true })
  }
}

async function main(): Promise<void> {
  const scripts = Object.keys((JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts)
  const benches = scripts.filter((script) => script.startsWith('bench:') && script !== 'bench:smoke')
  const unlisted = benches.filter((script) => !(script in smokes))
  const only = process.argv.slice(2)
  const chosen = only.length > 0 ? only : benches.filter((script) => script in smokes)
  const outcomes: Outcome[] = []
  for (const script of chosen) {
    const smoke = smokes[script]
    if (smoke === undefined || !benches.includes(script)) {
      outcomes.push({ script, seconds: 0, problem: 'no such bench:* script with a smoke entry' })
      continue
    }
    console.error(`${script} ${smoke.args.join(' ')}…`)
    const outcome = await smokeOne(script, smoke)
    console.error(`  ${outcome.problem === null ? 'ok' : `FAILED: ${outcome.problem}`} (${outcome.seconds.toFixed(1)} s)`)
    outcomes.push(outcome)
  }
  for (const script of unlisted) outcomes.push({ script, seconds: 0, problem: 'no smoke entry in bench/smoke.ts' })
  const failed = outcomes.filter((outcome) => outcome.problem !== null)
  const total = outcomes.reduce((sum, outcome) => sum + outcome.seconds, 0)
  console.log(
    failed.length === 0
      ? `bench:smoke: ${outcomes.length} benchmarks ran at tiny sizes in ${total.toFixed(0)} s`
      : `bench:smoke: FAILED — ${failed.map((outcome) => `${outcome.script}: ${outcome.problem}`).join('; ')}`,
  )
  if (failed.length > 0) process.exitCode = 1
}

runBenchmark(main)
