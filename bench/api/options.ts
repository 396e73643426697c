/**
 * Benchmark sizes, as `--name=value` (test/kit/options.ts); a quick run is
 * `npm run bench:api -- --duration-ms=2000 --warmup-ms=500`.
 */
import { integer, readOptions as read, type OptionValues } from '../../test/kit/options'
import { resultsDir } from '../results'

const spec = {
  /** Length of each scenario's measured window. */
  durationMs: integer(10_000),
  /** Unmeasured load before each window (JIT, connections, SQLite page cache). */
  warmupMs: integer(2_000),
  /** Concurrent senders (or store callers) of the concurrent scenarios; a group holds at most 100 members (LIMITS.groupMembersMax): the senders and the receiver. */
  senders: integer(50, 1, 99),
  /**
   * Longest wait after a window for realtime events still on their way; the
   * next scenario starts only once they all arrived (or this ran out).
   */
  drainMs: integer(30_000),
  resultsDir,
}

export type BenchOptions = OptionValues<typeof spec>

export const readOptions = (argv?: readonly string[]): BenchOptions => read(spec, argv)
