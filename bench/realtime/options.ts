/**
 * Benchmark sizes, as `--name=value` (test/kit/options.ts); a quick run is
 * `npm run bench:realtime -- --subscribers=100 --connections=500`.
 */
import { integer, readOptions as read, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'

const spec = {
  /** Fan-out: WebSocket subscribers on the one public channel. */
  subscribers: integer(1_000),
  /**
   * Fan-out: rounds per server, run alternately (parley, baseline, parley, …)
   * so that load from elsewhere on the machine hits both alike.
   */
  rounds: integer(3),
  /** Fan-out: publishes kept in flight at once. */
  concurrency: integer(16),
  /** Fan-out: unmeasured publishing at the start of each round (JIT, sockets). */
  warmupMs: integer(2_000, 0),
  /** Fan-out: length of the measured publishing window of each round. */
  durationMs: integer(5_000),
  /** Length of each event's `data` string (the JSON with the send timestamp, padded). */
  payloadBytes: integer(100),
  /** Memory: idle connections opened against a fresh server. */
  connections: integer(5_000),
  /** Memory: wait after the last connection before reading RSS again. */
  settleMs: integer(5_000, 0),
  /** Sockets being opened at the same time (avoids SYN backlog drops). */
  connectBatch: integer(200),
  resultsDir,
}

export type BenchOptions = OptionValues<typeof spec>

export const readOptions = (argv?: readonly string[]): BenchOptions => read(spec, argv)
