/**
 * Benchmark sizes and where Redis and PostgreSQL are, as `--name=value`
 * (test/kit/options.ts); a quick run is
 * `npm run bench:scale -- --subscribers=120 --duration-ms=3000 --rounds=1`.
 * Redis and PostgreSQL default to the tests' (TEST_REDIS_URL,
 * TEST_DATABASE_URL: test/kit/services.ts) and must be on this machine; the
 * PostgreSQL connection is an admin one: the benchmark creates its own
 * databases there and drops them at the end.
 */
import { integer, integers, readOptions, text, type OptionValues } from '../../test/kit/options'
import { postgresUrl, redisUrl } from '../../test/kit/services'
import { resultsDir } from '../results'

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

function onThisMachine(url: string): boolean {
  try {
    return LOOPBACK.has(new URL(url).hostname)
  } catch {
    return false
  }
}

const spec = {
  /** Fan-out: WebSocket subscribers on the one public channel, spread evenly over the nodes. */
  subscribers: integer(600),
  /** Rounds per setup in every scenario, run alternately so that machine noise hits each setup alike. */
  rounds: integer(3),
  /** Fan-out: the node counts of the Redis setups, each measured beside the single node without Redis. */
  clusters: integers([2, 3], 2),
  /** Fan-out: publishes kept in flight at once, spread round robin over the nodes. */
  concurrency: integer(16),
  /** Unmeasured load at the start of each round (JIT, sockets, connection pools), in every part. */
  warmupMs: integer(1_000, 0),
  /** Length of each round's measured window, in every part. */
  durationMs: integer(3_000),
  /** Fan-out: length of each event's `data`. */
  payloadBytes: integer(100),
  /** Fan-out latency: after the saturated window, publishes per second at a steady pace well below saturation… */
  pacedPerSec: integer(20),
  /** …for this long. */
  pacedMs: integer(1_000),
  /** Fan-out: sockets being opened at the same time. */
  connectBatch: integer(100),
  /** REST: sender/receiver pairs, each in its own direct conversation (a few dozen is plenty). */
  senders: integer(4, 1, 50),
  /** REST: each sender POSTs a message this often (a light load: latency, not saturation). */
  sendIntervalMs: integer(40),
  /** REST: longest wait after a window for events still on their way. */
  drainMs: integer(10_000),
  /** Store: concurrent `appendMessage` callers of the concurrent case (the other case is 1). */
  storeCallers: integer(50),
  redisUrl: text(redisUrl, 'a redis:// URL on this machine (127.0.0.1, localhost, [::1])', onThisMachine),
  /** PostgreSQL connection with the right to create and drop databases. */
  databaseUrl: text(postgresUrl, 'a postgres:// URL on this machine (127.0.0.1, localhost, [::1])', onThisMachine),
  resultsDir,
}

export type ScaleOptions = OptionValues<typeof spec>

export const readScaleOptions = (argv?: readonly string[]): ScaleOptions => readOptions(spec, argv)
