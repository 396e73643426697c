/**
 * WAL checkpoints on a worker thread. A checkpoint copies the log into the
 * database file and syncs it; done by the connection that commits (SQLite's
 * automatic checkpoint), that work — a fifth of storing a long sync, and the
 * longest pauses of it (bench/core ingest) — lands on the main thread inside
 * whichever commit crosses the threshold. Here a second connection, on its
 * own thread, runs a PASSIVE checkpoint shortly after writes: it never waits
 * for the writer or blocks it (WAL), and uses the machine's other core.
 *
 * The main connection keeps a large automatic checkpoint as a backstop
 * (database.ts), and goes back to the small one should the worker fail.
 *
 * The worker and its connection: sqlite-worker.ts.
 */
import type { Worker } from 'node:worker_threads'
import { closeSqliteWorker, startSqliteWorker, type SqliteWorkerOptions } from './sqlite-worker'

/** At most one checkpoint per this many ms while writes keep coming. */
const MIN_INTERVAL_MS = 25

const HANDLER = `
function handle() {
  try {
    const [result] = db.pragma('wal_checkpoint(PASSIVE)')
    parentPort.postMessage({ ok: true, log: result.log, checkpointed: result.checkpointed })
  } catch (err) {
    parentPort.postMessage({ ok: false, error: String((err && err.message) || err) })
  }
}
`

export interface CheckpointerOptions extends Omit<SqliteWorkerOptions, 'readonly'> {
  /** The worker could not start or died: the caller takes checkpoints back. */
  onFailure(err: unknown): void
}

export interface CheckpointerStats {
  requests: number
  done: number
  failures: number
}

type Reply = { ready: true } | { ok: true; log: number; checkpointed: number } | { ok: false; error: string }

export class Checkpointer {
  private worker: Worker | null
  private inFlight = false
  private pending = false
  private lastRequestAt = Number.NEGATIVE_INFINITY
  private timer: NodeJS.Timeout | null = null
  private idleWaiters: (() => void)[] = []
  private failed = false
  readonly stats: CheckpointerStats = { requests: 0, done: 0, failures: 0 }

  constructor(private readonly options: CheckpointerOptions) {
    const worker = startSqliteWorker(HANDLER, options)
    worker.on('message', (reply: Reply) => this.onReply(reply))
    worker.on('error', (err) => this.fail(err))
    worker.on('exit', (code) => {
      if (this.worker !== null) this.fail(new Error(`checkpoint worker exited (${code})`))
    })
    this.worker = worker
  }

  /**
   * After a commit: a checkpoint soon, at most one at a time and one per
   * MIN_INTERVAL_MS. False when there is no worker (any more): the caller
   * checkpoints on its own connection.
   */
  noteWrite(): boolean {
    if (this.worker === null) return false
    this.pending = true
    this.request()
    return true
  }

  /** Resolves once no checkpoint is asked for or running (tests, benchmarks). */
  whenIdle(): Promise<void> {
    if (!this.busy()) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** The worker closes its connection, and this waits for it (closeSqliteWorker). */
  close(): void {
    const worker = this.worker
    this.worker = null
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.pending = false
    this.inFlight = false
    if (worker !== null) closeSqliteWorker(worker)
    this.settle()
  }

  get active(): boolean {
    return this.worker !== null
  }

  private busy(): boolean {
    return this.worker !== null && (this.pending || this.inFlight)
  }

  private request(): void {
    if (this.worker === null || this.inFlight || !this.pending || this.timer !== null) return
    const wait = this.lastRequestAt + MIN_INTERVAL_MS - performance.now()
    if (wait > 0) {
      this.timer = setTimeout(() => {
        this.timer = null
        this.request()
      }, wait)
      this.timer.unref()
      return
    }
    this.pending = false
    this.inFlight = true
    this.lastRequestAt = performance.now()
    this.stats.requests++
    this.worker.postMessage('checkpoint')
  }

  private onReply(reply: Reply): void {
    if ('ready' in reply) return
    this.inFlight = false
    if (reply.ok) this.stats.done++
    else this.stats.failures++
    this.request()
    this.settle()
  }

  private fail(err: unknown): void {
    if (this.failed) return
    this.failed = true
    this.worker = null
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    this.settle()
    this.options.onFailure(err)
  }

  private settle(): void {
    if (this.busy()) return
    for (const resolve of this.idleWaiters.splice(0)) resolve()
  }
}
