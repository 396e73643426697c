/**
 * Read-only statements that may have to read the whole message table, run on
 * a worker thread so that the main thread never waits for them.
 *
 * A search whose terms are all one or two characters long ("周末", "王芳",
 * "🎉") cannot use the trigram index: it is a LIKE over every message, newest
 * first, until it has enough hits (search.ts). A common term stops early; a
 * rare one reads every row — about a third of a second at a million cached
 * messages, one SQLite call that cannot be cut into slices without reading
 * the table twice (bench/core open-conversation). On the main thread that
 * froze realtime, sync and every IPC call for as long.
 *
 * The worker opens its own read-only connection (sqlite-worker.ts) when
 * first needed, and stops after IDLE_MS without a statement (a worker thread
 * costs about 9 MB); each statement runs there whole, in its own snapshot. Should
 * the worker fail to start or die, `all` rejects with ScanWorkerUnavailable
 * (then and from then on) and the caller runs the statement itself.
 */
import type { Worker } from 'node:worker_threads'
import { closeSqliteWorker, startSqliteWorker, type SqliteWorkerOptions } from '../database/sqlite-worker'

/** Statements the worker keeps prepared, by SQL text (search's query shapes repeat). */
const PREPARED_LIMIT = 64
/** The worker stops after this long without a statement; the next one starts it again (tens of ms). */
const IDLE_MS = 60_000

const HANDLER = `
const statements = new Map()
function handle({ id, sql, params }) {
  try {
    let statement = statements.get(sql)
    if (statement === undefined) {
      if (statements.size >= ${PREPARED_LIMIT}) statements.clear()
      statement = db.prepare(sql)
      statements.set(sql, statement)
    }
    parentPort.postMessage({ id, rows: statement.all(...params) })
  } catch (err) {
    parentPort.postMessage({ id, error: String((err && err.message) || err) })
  }
}
`

/** The worker could not run the statement at all (it failed to start, or died): run it on the caller's connection. */
export class ScanWorkerUnavailable extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'ScanWorkerUnavailable'
  }
}

type Reply = { ready: true } | { id: number; rows: unknown[] } | { id: number; error: string }

interface Pending {
  resolve(rows: unknown[]): void
  reject(err: Error): void
}

export interface ScanWorkerOptions extends Omit<SqliteWorkerOptions, 'readonly'> {
  /** IDLE_MS unless given (tests). */
  idleMs?: number
  /** The worker could not start or died; `all` rejects with ScanWorkerUnavailable from then on. */
  onFailure?(err: unknown): void
}

export class ScanWorker {
  private worker: Worker | null = null
  private failure: Error | null = null
  private closed = false
  private nextId = 1
  private readonly pending = new Map<number, Pending>()
  private idleTimer: NodeJS.Timeout | null = null
  /** Statements run by the worker, and workers started (tests). */
  ran = 0
  started = 0

  constructor(private readonly options: ScanWorkerOptions) {}

  /** Whether a worker thread is up (it starts on demand and stops when idle). */
  get running(): boolean {
    return this.worker !== null
  }

  /** Whether `all` can run statements on the worker (false once it failed or was closed). */
  get available(): boolean {
    return this.failure === null && !this.closed
  }

  /** Run a read-only statement on the worker: its rows, as better-sqlite3's `all` would return them. */
  all<Row>(sql: string, params: readonly (string | number)[]): Promise<Row[]> {
    if (this.closed) return Promise.reject(new Error('The cache is closed: the database connection is not open'))
    if (this.failure !== null) return Promise.reject(new ScanWorkerUnavailable(this.failure.message, { cause: this.failure }))
    this.clearIdleTimer()
    let worker: Worker
    try {
      worker = this.start()
    } catch (err) {
      // A thread that cannot even be created (no worker support, bad options) fails like one that dies.
      this.fail(err)
      return Promise.reject(new ScanWorkerUnavailable(String(err), { cause: err }))
    }
    const id = this.nextId++
    return new Promise<Row[]>((resolve, reject) => {
      // Referenced while a statement is pending, so that an awaited search keeps the process alive.
      if (this.pending.size === 0) worker.ref()
      this.pending.set(id, { resolve: resolve as (rows: unknown[]) => void, reject })
      worker.postMessage({ id, sql, params })
    })
  }

  /**
   * Close the worker's connection, waiting for a statement in progress
   * (closeSqliteWorker); statements asked for and not answered fail.
   */
  close(): void {
    if (this.closed) return
    this.closed = true
    this.stop()
    this.rejectAll(() => new Error('The cache was closed during the search: the database connection is not open'))
  }

  /** Close the worker's connection and let the thread end (it is idle, or the cache is closing). */
  private stop(): void {
    this.clearIdleTimer()
    const worker = this.worker
    this.worker = null
    if (worker !== null) closeSqliteWorker(worker)
  }

  private clearIdleTimer(): void {
    if (this.idleTimer !== null) clearTimeout(this.idleTimer)
    this.idleTimer = null
  }

  private start(): Worker {
    if (this.worker !== null) return this.worker
    this.started++
    const worker = startSqliteWorker(HANDLER, { ...this.options, readonly: true })
    worker.on('message', (reply: Reply) => this.onReply(reply))
    worker.on('error', (err) => this.fail(err))
    worker.on('exit', (code) => {
      if (this.worker === worker) this.fail(new Error(`scan worker exited (${code})`))
    })
    this.worker = worker
    return worker
  }

  private onReply(reply: Reply): void {
    if ('ready' in reply) return
    const pending = this.pending.get(reply.id)
    if (pending === undefined) return
    this.pending.delete(reply.id)
    if (this.pending.size === 0) {
      this.worker?.unref()
      this.clearIdleTimer()
      this.idleTimer = setTimeout(() => this.stop(), this.options.idleMs ?? IDLE_MS)
      this.idleTimer.unref()
    }
    this.ran++
    if ('rows' in reply) pending.resolve(reply.rows)
    else pending.reject(new Error(reply.error))
  }

  private fail(err: unknown): void {
    if (this.failure !== null || this.closed) return
    this.failure = err instanceof Error ? err : new Error(String(err))
    this.clearIdleTimer()
    const worker = this.worker
    this.worker = null
    void worker?.terminate()
    const failure = this.failure
    this.rejectAll(() => new ScanWorkerUnavailable(failure.message, { cause: failure }))
    this.options.onFailure?.(failure)
  }

  private rejectAll(error: () => Error): void {
    const pending = [...this.pending.values()]
    this.pending.clear()
    for (const { reject } of pending) reject(error())
  }
}
