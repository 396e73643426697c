/**
 * Benchmark sizes from the environment, else the defaults below; a quick smoke
 * run is `DURATION_MS=2000 WARMUP_MS=500 npm run bench:api`.
 */

export interface BenchOptions {
  /** Length of each scenario's measured window. */
  durationMs: number
  /** Unmeasured load before each window (JIT, connections, SQLite page cache). */
  warmupMs: number
  /** Concurrent senders (or store callers) of the concurrent scenarios. */
  senders: number
  /**
   * Longest wait after a window for realtime events still on their way; the
   * next scenario starts only once they all arrived (or this ran out).
   */
  drainMs: number
}

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`)
  return value
}

export function readOptions(): BenchOptions {
  const senders = positiveInt('SENDERS', 50)
  // A group holds at most 100 members (LIMITS.groupMembersMax): the senders and the receiver.
  if (senders > 99) throw new Error(`SENDERS must be at most 99, got ${senders}`)
  return {
    durationMs: positiveInt('DURATION_MS', 10_000),
    warmupMs: positiveInt('WARMUP_MS', 2_000),
    senders,
    drainMs: positiveInt('DRAIN_MS', 30_000),
  }
}
