/**
 * Benchmark sizes and where Redis and PostgreSQL are. Each number comes from a
 * CLI flag (`--subscribers=120`), else the environment (`SUBSCRIBERS=120`),
 * else the default below; a quick run is
 * `SUBSCRIBERS=120 DURATION_MS=3000 ROUNDS=1 npm run bench:scale`.
 * SCALE_REDIS_URL and SCALE_DATABASE_URL (an admin connection: the benchmark
 * creates its own databases there and drops them at the end) must point at
 * this machine.
 */

export interface ScaleOptions {
  /** Fan-out: WebSocket subscribers on the one public channel, spread evenly over the nodes. */
  subscribers: number
  /** Rounds per setup in every scenario, run alternately so that machine noise hits each setup alike. */
  rounds: number
  /** Fan-out: publishes kept in flight at once, spread round robin over the nodes. */
  concurrency: number
  /** Unmeasured load at the start of each round (JIT, sockets, connection pools), in every part. */
  warmupMs: number
  /** Length of each round's measured window, in every part. */
  durationMs: number
  /** Fan-out: length of each event's `data`. */
  payloadBytes: number
  /** Fan-out latency: after the saturated window, publishes per second at a steady pace well below saturation… */
  pacedPerSec: number
  /** …for this long. */
  pacedMs: number
  /** Fan-out: sockets being opened at the same time. */
  connectBatch: number
  /** REST: sender/receiver pairs, each in its own direct conversation. */
  senders: number
  /** REST: each sender POSTs a message this often (a light load: latency, not saturation). */
  sendIntervalMs: number
  /** REST: longest wait after a window for events still on their way. */
  drainMs: number
  /** Store: concurrent `appendMessage` callers of the concurrent case (the other case is 1). */
  storeCallers: number
}

export interface ScaleConfig {
  options: ScaleOptions
  redisUrl: string
  /** PostgreSQL connection with the right to create and drop databases. */
  adminDatabaseUrl: string
}

const defaults: ScaleOptions = {
  subscribers: 600,
  rounds: 3,
  concurrency: 16,
  warmupMs: 1_000,
  durationMs: 3_000,
  payloadBytes: 100,
  pacedPerSec: 20,
  pacedMs: 1_000,
  connectBatch: 100,
  senders: 4,
  sendIntervalMs: 40,
  drainMs: 10_000,
  storeCallers: 50,
}

const mayBeZero = new Set<keyof ScaleOptions>(['warmupMs'])
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

/** `durationMs` → `--duration-ms` (flag) and `DURATION_MS` (environment). */
function names(option: string): { flag: string; env: string } {
  const words = option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)
  return { flag: `--${words}`, env: words.replace(/-/g, '_').toUpperCase() }
}

function loopbackUrl(variable: string, text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`${variable} is not a URL: ${JSON.stringify(text)}`)
  }
  if (!LOOPBACK.has(url.hostname)) throw new Error(`${variable} must point at this machine (127.0.0.1), got ${url.hostname}`)
  return text
}

export function readConfig(argv: readonly string[] = process.argv.slice(2), env = process.env): ScaleConfig {
  const known = new Set(Object.keys(defaults).map((option) => names(option).flag))
  for (const arg of argv) {
    const flag = arg.split('=')[0] ?? ''
    if (!known.has(flag)) throw new Error(`Unknown argument ${arg}; known: ${[...known].join(', ')} (as --name=value)`)
  }
  const options = { ...defaults }
  for (const option of Object.keys(defaults) as (keyof ScaleOptions)[]) {
    const { flag, env: variable } = names(option)
    const text = argv.find((arg) => arg.startsWith(`${flag}=`))?.slice(flag.length + 1) ?? env[variable]
    if (text === undefined || text === '') continue
    const value = Number(text)
    const min = mayBeZero.has(option) ? 0 : 1
    if (!Number.isInteger(value) || value < min) {
      throw new Error(`${flag} / ${variable} must be an integer ≥ ${min}, got ${JSON.stringify(text)}`)
    }
    options[option] = value
  }
  // Each sender's direct conversation is with its own receiver: at most a few dozen is plenty.
  if (options.senders > 50) throw new Error(`SENDERS must be at most 50, got ${options.senders}`)
  return {
    options,
    redisUrl: loopbackUrl('SCALE_REDIS_URL', env.SCALE_REDIS_URL || 'redis://127.0.0.1:6379'),
    adminDatabaseUrl: loopbackUrl('SCALE_DATABASE_URL', env.SCALE_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'),
  }
}
