/**
 * Benchmark sizes. Each comes from a CLI flag (`--subscribers=100`), else the
 * environment (`SUBSCRIBERS=100`), else the default below, so a quick smoke
 * run is `SUBSCRIBERS=100 CONNECTIONS=500 npm run bench:realtime`.
 */

export interface BenchOptions {
  /** Fan-out: WebSocket subscribers on the one public channel. */
  subscribers: number
  /**
   * Fan-out: rounds per server, run alternately (parley, baseline, parley, …)
   * so that load from elsewhere on the machine hits both alike.
   */
  rounds: number
  /** Fan-out: publishes kept in flight at once. */
  concurrency: number
  /** Fan-out: unmeasured publishing at the start of each round (JIT, sockets). */
  warmupMs: number
  /** Fan-out: length of the measured publishing window of each round. */
  durationMs: number
  /** Length of each event's `data` string (the JSON with the send timestamp, padded). */
  payloadBytes: number
  /** Memory: idle connections opened against a fresh server. */
  connections: number
  /** Memory: wait after the last connection before reading RSS again. */
  settleMs: number
  /** Sockets being opened at the same time (avoids SYN backlog drops). */
  connectBatch: number
}

/** Options that may be 0 (no warm-up, no settling); every other one must be ≥ 1. */
const mayBeZero = new Set<keyof BenchOptions>(['warmupMs', 'settleMs'])

const defaults: BenchOptions = {
  subscribers: 1_000,
  rounds: 3,
  concurrency: 16,
  warmupMs: 2_000,
  durationMs: 5_000,
  payloadBytes: 100,
  connections: 5_000,
  settleMs: 5_000,
  connectBatch: 200,
}

/** `durationMs` → `duration-ms` (flag) and `DURATION_MS` (environment). */
function names(option: string): { flag: string; env: string } {
  const words = option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return { flag: `--${words}`, env: words.replace(/-/g, '_').toUpperCase() }
}

export function readOptions(argv: readonly string[] = process.argv.slice(2), env = process.env): BenchOptions {
  const known = new Set(Object.keys(defaults).map((option) => names(option).flag))
  for (const arg of argv) {
    const flag = arg.split('=')[0] ?? ''
    if (!known.has(flag)) throw new Error(`Unknown argument ${arg}; known: ${[...known].join(', ')} (as --name=value)`)
  }
  const options = { ...defaults }
  for (const option of Object.keys(defaults) as (keyof BenchOptions)[]) {
    const { flag, env: variable } = names(option)
    const fromFlag = argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1)
    const text = fromFlag ?? env[variable]
    if (text === undefined || text === '') continue
    const value = Number(text)
    const min = mayBeZero.has(option) ? 0 : 1
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`${flag} / ${variable} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`)
    }
    options[option] = value
  }
  return options
}
