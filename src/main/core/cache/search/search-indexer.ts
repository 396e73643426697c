/**
 * Brings the search index up to date after the fact. Writes only note a row
 * in `messages_fts_backlog` (database/migrations/002-deferred-search-index.ts), or
 * nothing at all for a row above the tail mark — almost every new message
 * (database/migrations/004-search-tail.ts); this moves backlog and tail rows into `messages_fts` in small transactions, each stopped
 * after a few milliseconds of work, so that no call ever holds the main thread
 * for long — indexing 100,000 messages at once would take seconds. An edit
 * leaves its old entry in the index, noted in `messages_fts_stale`
 * (database/migrations/006-deferred-search-forget.ts): steps delete those
 * first, and index nothing while any is left.
 *
 * Scheduling: while the app writes (a sync storing page after page) the
 * indexer waits, so that the writes get the whole thread and a sync finishes
 * sooner (bench/core ingest: indexing in between took more than half of the
 * time); once writes stop for BUSY_WINDOW_MS it runs step after step, yielding
 * to the event loop between them. Should writes go on for longer than
 * DEFER_MS, it takes one step per BUSY_PAUSE_MS meanwhile, so that the backlog
 * — which search has to read row by row — cannot grow without bound. A
 * sync's catch-up holds it back altogether (`hold`, sync.ts `syncAll`). The backlog is a table, so it
 * survives a restart and indexing resumes on the next open. Search never waits
 * for any of this: it reads backlog rows directly (search.ts).
 *
 * Every few steps, and when the backlog is done, a PASSIVE WAL checkpoint
 * copies what the log holds so far into the database: a small copy each time,
 * instead of the connection's automatic checkpoint copying a larger log inside
 * whichever commit crosses its threshold (database.ts).
 *
 * Why on the main thread and not a worker: the Cache interface is synchronous
 * and SQLite has one writer at a time, so an indexing worker with its own
 * connection would hold the write lock for as long as its transaction, and a
 * main-thread write arriving meanwhile would block for that long anyway (in
 * SQLite's busy-wait, whose sleeps only make it longer). Small steps here
 * bound the stall the same way, without a second connection, thread or
 * bundled worker file.
 */
import type { Database, Statement } from 'better-sqlite3'

/** Work per step before its commit (which adds FTS5's segment write and merge work, ~1–3 ms). */
export const STEP_BUDGET_MS = 5
/** A write less than this long ago means the app is busy writing. */
export const BUSY_WINDOW_MS = 10
/** How long a run of writes keeps the indexer waiting altogether. */
export const DEFER_MS = 3_000
/** Pause between steps in a longer run of writes: the indexer takes about STEP / (STEP + PAUSE) of the thread. */
const BUSY_PAUSE_MS = 16
/** After a failed step (disk full, database locked by another process): try again later. */
const RETRY_MS = 1_000
/** Rows fetched per step are sized from the measured rate, within these bounds. */
const MIN_ROWS = 8
export const MAX_STEP_ROWS = 2_048
/** A PASSIVE checkpoint after this many steps, and when the backlog is done. */
const CHECKPOINT_EVERY_STEPS = 4

type BacklogRow = [rowId: number, body: string | null]
type StaleRow = [rowId: number, body: string]

/** A message row in the tail: above its mark (database/migrations/004-search-tail.ts). */
const IN_TAIL = 'row_id > (SELECT above FROM messages_fts_tail)'
/** Whether the tail has a row. */
export const TAIL_EXISTS = `EXISTS (SELECT 1 FROM messages WHERE ${IN_TAIL})`
/** Whether an edited row's old entry is still in the index (database/migrations/006-deferred-search-forget.ts). */
export const STALE_EXISTS = 'EXISTS (SELECT 1 FROM messages_fts_stale)'
type Handle = { kind: 'immediate'; handle: NodeJS.Immediate } | { kind: 'timeout'; handle: NodeJS.Timeout }

/**
 * Where a newly written row waits for the index (database/migrations/004-search-tail.ts):
 * above the tail mark it is the tail already and needs nothing; at or below
 * it, it goes in the backlog table. Every write path notes its rows here.
 */
export class UnindexedRows {
  private readonly mark: Statement<[], number>
  private readonly intoTable: Statement<[string]>

  constructor(db: Database) {
    this.mark = db.prepare<[], number>('SELECT above FROM messages_fts_tail').pluck()
    this.intoTable = db.prepare('INSERT INTO messages_fts_backlog (row_id) SELECT value FROM json_each(?)')
  }

  /** Rows above this id are the tail. */
  tailMark(): number {
    return this.mark.get() as number
  }

  /** Call in the transaction that wrote the rows. */
  note(rowIds: Iterable<number>): void {
    const above = this.tailMark()
    const older = [...rowIds].filter((rowId) => rowId <= above)
    if (older.length > 0) this.intoTable.run(JSON.stringify(older))
  }
}

export interface SearchIndexerStats {
  steps: number
  rows: number
  /** Wall time of the longest step, commit included; and its CPU time (the same, less time descheduled). */
  longestStepMs: number
  longestStepCpuMs: number
  checkpoints: number
  longestCheckpointMs: number
}

export interface SearchIndexerOptions {
  /** Index with timers (the app); false: only when step() is called (tests). */
  background: boolean
  /** Ask for a checkpoint elsewhere (checkpointer.ts); false: nobody took it, run one on this connection. */
  checkpoint?: () => boolean
  /** BUSY_WINDOW_MS and DEFER_MS unless given (tests). */
  busyWindowMs?: number
  deferMs?: number
}

export class SearchIndexer {
  private readonly newest: Statement<[number], BacklogRow>
  private readonly indexRow: Statement<[number, string]>
  private readonly unlog: Statement<[number, number]>
  private readonly tailRows: Statement<[number], BacklogRow>
  private readonly raiseTail: Statement<[number]>
  private readonly staleRows: Statement<[number], StaleRow>
  private readonly forget: Statement<[number, string]>
  private readonly unstale: Statement<[number, number]>
  private readonly any: Statement<[], number>
  private readonly count: Statement<[], number>
  private scheduled: Handle | null = null
  private lastWriteAt = Number.NEGATIVE_INFINITY
  /** When the current run of writes (none more than BUSY_WINDOW_MS apart) began. */
  private busySince = Number.NEGATIVE_INFINITY
  private readonly busyWindowMs: number
  private readonly deferMs: number
  /** Measured indexing rate, to size the next step. */
  private rowsPerMs = 40
  /** The same for deleting stale entries (re-tokenising each old body: a cost of its own). */
  private staleRowsPerMs = 10
  private stepsSinceCheckpoint = 0
  private waiters: { resolve: () => void; reject: (err: Error) => void }[] = []
  private closed = false
  /** Holds taken and not released (hold()): no step starts while there is one. */
  private holds = 0
  /** The last step's failure, if it failed (for diagnostics; the backlog stays searchable). */
  lastError: unknown = null
  /** What the indexer has done on this connection (benchmarks, diagnostics). */
  readonly stats: SearchIndexerStats = { steps: 0, rows: 0, longestStepMs: 0, longestStepCpuMs: 0, checkpoints: 0, longestCheckpointMs: 0 }

  constructor(
    private readonly db: Database,
    private readonly options: SearchIndexerOptions,
  ) {
    this.busyWindowMs = options.busyWindowMs ?? BUSY_WINDOW_MS
    this.deferMs = options.deferMs ?? DEFER_MS
    this.newest = db
      .prepare<[number], BacklogRow>(
        // LEFT JOIN: an id without its message (the triggers never leave one) is dropped rather than stuck.
        'SELECT b.row_id, m.body FROM messages_fts_backlog b LEFT JOIN messages m ON m.row_id = b.row_id ORDER BY b.row_id DESC LIMIT ?',
      )
      .raw(true)
    // VALUES, not INSERT … SELECT: SQLite copies a SELECT into a temporary
    // table before inserting into a virtual table, which tripled the cost per row.
    this.indexRow = db.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)')
    // The rows of a step are the newest of the backlog, so the ones done are a contiguous range of it.
    this.unlog = db.prepare('DELETE FROM messages_fts_backlog WHERE row_id BETWEEN ? AND ?')
    // The tail (database/migrations/004-search-tail.ts): rows above the mark, lowest first.
    this.tailRows = db
      .prepare<[number], BacklogRow>(`SELECT row_id, body FROM messages WHERE ${IN_TAIL} ORDER BY row_id LIMIT ?`)
      .raw(true)
    this.raiseTail = db.prepare('UPDATE messages_fts_tail SET above = ?')
    // Old entries of edited rows, lowest first; the ones done in a step are a contiguous range of them.
    this.staleRows = db.prepare<[number], StaleRow>('SELECT row_id, body FROM messages_fts_stale ORDER BY row_id LIMIT ?').raw(true)
    this.forget = db.prepare(`INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', ?, ?)`)
    this.unstale = db.prepare('DELETE FROM messages_fts_stale WHERE row_id BETWEEN ? AND ?')
    this.any = db.prepare<[], number>(`SELECT EXISTS (SELECT 1 FROM messages_fts_backlog) OR ${TAIL_EXISTS} OR ${STALE_EXISTS}`).pluck()
    // A stale row is in the backlog table too (006), but counted: should it not be, it is still work to do.
    this.count = db
      .prepare<[], number>(
        `SELECT (SELECT count(*) FROM messages_fts_backlog) + (SELECT count(*) FROM messages WHERE ${IN_TAIL})
           + (SELECT count(*) FROM messages_fts_stale s WHERE NOT EXISTS (SELECT 1 FROM messages_fts_backlog b WHERE b.row_id = s.row_id))`,
      )
      .pluck()
    // A backlog left by the last run (closed or killed mid-way) resumes now.
    if (this.hasBacklog()) this.schedule()
  }

  /** Called after every write that may have added to the backlog. */
  noteWrite(): void {
    const now = performance.now()
    if (now - this.lastWriteAt >= this.busyWindowMs) this.busySince = now
    this.lastWriteAt = now
    this.schedule()
  }

  /**
   * No step starts until the returned function is called. A sync takes this
   * for its catch-up (sync.ts `syncAll`: in the gaps between pages the steps
   * took an eighth of the core's CPU in bench:core weekend). Search takes it
   * while its scan of the whole table runs on another thread (scan-worker.ts):
   * steps run meanwhile competed with it — with a million messages to index
   * and scans of a million rows, a step took up to 128 ms (55 ms of CPU)
   * against 30 ms (28 ms) without a scan, and the main thread stalled for as
   * long. The scan is short; the backlog waits that long.
   */
  hold(): () => void {
    this.holds++
    let released = false
    return () => {
      if (released) return
      released = true
      this.holds--
      if (this.holds === 0) this.schedule()
    }
  }

  hasBacklog(): boolean {
    return this.any.get() === 1
  }

  /** Rows waiting to be indexed, tail and backlog table (counts rows: for tests and benchmarks; an edited row once). */
  backlog(): number {
    return this.count.get() ?? 0
  }

  /**
   * Index some of the backlog in one transaction, stopping after about
   * `budgetMs` of work: while edited rows' old entries are left, those (each
   * deleted with the body it was indexed with); then the tail's lowest rows,
   * raising its mark past them; when the tail is empty, the backlog table's
   * newest rows. Returns how many rows (or old entries) it took (0: nothing
   * was left).
   */
  step(budgetMs = STEP_BUDGET_MS): number {
    const cpuStart = process.cpuUsage()
    const start = performance.now()
    const deadline = start + budgetMs
    let stale = false
    let done = 0
    this.db.transaction(() => {
      const old = this.staleRows.all(Math.min(MAX_STEP_ROWS, Math.max(MIN_ROWS, Math.ceil(this.staleRowsPerMs * budgetMs * 1.25))))
      if (old.length > 0) {
        // Before any indexing: FTS5 would take a 'delete' after a row's new entry as deleting that too.
        stale = true
        for (const [rowId, body] of old) {
          this.forget.run(rowId, body)
          done++
          if (performance.now() >= deadline) break
        }
        this.unstale.run((old[0] as StaleRow)[0], (old[done - 1] as StaleRow)[0])
        return
      }
      const want = Math.min(MAX_STEP_ROWS, Math.max(MIN_ROWS, Math.ceil(this.rowsPerMs * budgetMs * 1.25)))
      const tail = this.tailRows.all(want)
      if (tail.length > 0) {
        for (const [rowId, body] of tail) {
          if (body !== null) this.indexRow.run(rowId, body)
          done++
          if (performance.now() >= deadline) break
        }
        this.raiseTail.run((tail[done - 1] as BacklogRow)[0])
        return
      }
      const rows = this.newest.all(want)
      // Ascending within the transaction: FTS5 appends rising row ids to its
      // in-memory segment, but flushes it whenever an id goes backwards.
      for (let i = rows.length - 1; i >= 0; i--) {
        const [rowId, body] = rows[i] as BacklogRow
        if (body !== null) this.indexRow.run(rowId, body)
        done++
        // Checked after every row: a 4,000-character body alone takes a few milliseconds.
        if (performance.now() >= deadline) break
      }
      if (done > 0) this.unlog.run((rows[rows.length - 1] as BacklogRow)[0], (rows[rows.length - done] as BacklogRow)[0])
    })()
    const elapsed = performance.now() - start
    if (done >= MIN_ROWS) {
      const rate = 0.5 * (done / Math.max(elapsed, 0.05))
      if (stale) this.staleRowsPerMs = 0.5 * this.staleRowsPerMs + rate
      else this.rowsPerMs = 0.5 * this.rowsPerMs + rate
    }
    if (done > 0) {
      const cpu = process.cpuUsage(cpuStart)
      this.stats.steps++
      this.stats.rows += done
      this.stats.longestStepMs = Math.max(this.stats.longestStepMs, elapsed)
      this.stats.longestStepCpuMs = Math.max(this.stats.longestStepCpuMs, (cpu.user + cpu.system) / 1000)
    }
    return done
  }

  /** Resolves once the backlog is empty (background mode); rejects if the cache is closed first. */
  whenIndexed(): Promise<void> {
    if (!this.hasBacklog()) return Promise.resolve()
    if (this.closed) return Promise.reject(new Error('The cache was closed before its search index caught up'))
    if (!this.options.background) return Promise.reject(new Error('Background indexing is off: call catchUpSearchIndex'))
    return new Promise((resolve, reject) => {
      this.waiters.push({ resolve, reject })
      // Someone is waiting: the timer must keep the process alive.
      this.scheduled?.handle.ref()
      this.schedule()
    })
  }

  /** Stops indexing; the backlog stays in the database for the next open. Call before closing the connection. */
  close(): void {
    this.closed = true
    this.cancel()
    for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('The cache was closed before its search index caught up'))
  }

  private schedule(delayMs?: number): void {
    if (this.closed || !this.options.background || this.scheduled !== null) return
    const quietFor = performance.now() - this.lastWriteAt
    const delay = delayMs ?? (quietFor >= this.busyWindowMs ? 0 : this.deferring() ? this.busyWindowMs - quietFor : BUSY_PAUSE_MS)
    this.scheduled =
      delay === 0
        ? { kind: 'immediate', handle: setImmediate(() => this.run()) }
        : { kind: 'timeout', handle: setTimeout(() => this.run(), delay) }
    // Background work never keeps the process alive by itself.
    if (this.waiters.length === 0) this.scheduled.handle.unref()
  }

  private cancel(): void {
    const scheduled = this.scheduled
    this.scheduled = null
    if (scheduled?.kind === 'immediate') clearImmediate(scheduled.handle)
    else if (scheduled?.kind === 'timeout') clearTimeout(scheduled.handle)
  }

  /** Writes are coming and have not been coming for long: leave them the thread. */
  private deferring(): boolean {
    const now = performance.now()
    return now - this.lastWriteAt < this.busyWindowMs && now - this.busySince < this.deferMs
  }

  private run(): void {
    this.scheduled = null
    // Held: the last release schedules the next run.
    if (this.closed || !this.db.open || this.holds > 0) return
    if (this.deferring()) {
      this.schedule()
      return
    }
    try {
      const done = this.step()
      this.lastError = null
      const more = done > 0 && this.hasBacklog()
      if (done > 0) this.stepsSinceCheckpoint++
      if (this.stepsSinceCheckpoint >= CHECKPOINT_EVERY_STEPS || (!more && this.stepsSinceCheckpoint > 0)) this.checkpoint()
      if (more) this.schedule()
      else for (const waiter of this.waiters.splice(0)) waiter.resolve()
    } catch (err) {
      this.lastError = err
      this.schedule(RETRY_MS)
    }
  }

  /**
   * Copy the log written by the last few steps into the database, a little at
   * a time, rather than let a commit cross wal_autocheckpoint (database.ts)
   * and copy it all at once. PASSIVE never waits for readers or writers.
   */
  private checkpoint(): void {
    const start = performance.now()
    this.stepsSinceCheckpoint = 0
    if (this.options.checkpoint?.() !== true) this.db.pragma('wal_checkpoint(PASSIVE)')
    this.stats.checkpoints++
    this.stats.longestCheckpointMs = Math.max(this.stats.longestCheckpointMs, performance.now() - start)
  }
}
