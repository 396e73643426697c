/**
 * Message row ids that sort like time: the message's createdAt in
 * milliseconds, or the next free integer when another message has it. Rowid
 * order is then newest-first order, which lets search walk the FTS5 index
 * (and the table's row_id index) backwards and stop at its limit instead of
 * sorting every match — a common word can match half of 100,000 messages.
 * (The row id is not the table's own key since migration 011: the table
 * keeps rows in arrival order, and a unique index keeps them by row id.)
 *
 * Why not a plain counter: history arrives out of time order across
 * conversations (a conversation joined today brings years of backlog), so
 * insertion order is not time order. Why not createdAt × 1024 + n: FTS5
 * delta-encodes rowids, and larger gaps make every doclist entry longer
 * (measured: 41 MB of index per 100,000 messages instead of 33).
 *
 * Bursts: more than one message per millisecond for a while (a bot, a busy
 * group, 16 senders at once in bench/core gap-fill) take one dense run of
 * ids. Finding "the next free integer" by walking that run from each
 * message's time made storing quadratic (10,000 such messages took seconds,
 * with 200 ms stalls). Now the id after the last one handed out is tried
 * first whenever the message's time falls between the last message's time
 * and its id — every id in that range is taken, so that id, if free, is the
 * same answer the walk would give — and only otherwise does one query walk
 * the run, inside SQLite. Each walk also remembers the run it crossed, so a
 * key that falls inside it again jumps to its end: storing a page of changes
 * to cached messages asks for an id per message (storeMessages), each time
 * of which is taken by the message itself, and without that each walked its
 * burst's run again (bench/core changes: a quarter of the catch-up).
 */
import type { Database, Statement } from 'better-sqlite3'

const LIMIT = Number.MAX_SAFE_INTEGER - 1_000_000

export interface RowKeyStats {
  /** Gap searches in the table (each walks a run of taken ids, in SQLite). */
  gapSearches: number
  /** Single-id lookups in the table ("is this id taken?"). */
  lookups: number
}

export class RowKeys {
  private readonly taken: Statement<[number], number>
  private readonly firstGap: Statement<[number, number], number>
  private readonly highest: Statement<[], number | null>
  /** The last id handed out and the time key it was asked for: ids from key to id were all taken then. */
  private last = { key: Number.POSITIVE_INFINITY, id: Number.NEGATIVE_INFINITY }
  /** Runs of ids found all taken by walks, [first, last], sorted and disjoint (at most MAX_RUNS). */
  private runs: [number, number][] = []
  readonly stats: RowKeyStats = { gapSearches: 0, lookups: 0 }

  constructor(db: Database) {
    this.taken = db.prepare<[number], number>('SELECT EXISTS (SELECT 1 FROM messages WHERE row_id = ?)').pluck()
    // The first taken id at or after the key (and below a bound) whose successor is free: walks the run in SQLite, not in JS.
    this.firstGap = db
      .prepare<[number, number], number>(
        `SELECT a.row_id + 1 FROM messages a WHERE a.row_id >= ? AND a.row_id < ?
           AND NOT EXISTS (SELECT 1 FROM messages b WHERE b.row_id = a.row_id + 1)
         ORDER BY a.row_id LIMIT 1`,
      )
      .pluck()
    this.highest = db.prepare<[], number | null>('SELECT max(row_id) FROM messages').pluck()
  }

  /**
   * Row ids for the rows written by one transaction (call inside it, and use
   * the function only there). A sync page is usually newer than everything
   * cached: a key above the highest id taken is free without asking the table.
   */
  forTransaction(): (createdAt: number) => number {
    let ceiling = this.highest.get() ?? Number.NEGATIVE_INFINITY
    // Handed out by this transaction but maybe not inserted yet (storeMessages inserts many rows at once).
    const handedOut = new Set<number>()
    // Nothing above the ceiling is taken: only ids at or below it need asking.
    const taken = (id: number): boolean => id <= ceiling && (handedOut.has(id) || this.isTaken(id))
    return (createdAt) => {
      const key = keyOf(createdAt)
      const id = key > ceiling ? key : this.free(key, taken, handedOut)
      if (id > ceiling) ceiling = id
      handedOut.add(id)
      this.last.key = key
      this.last.id = id
      return id
    }
  }

  /** A free row id for a message created at `createdAt` (call inside the writing transaction). */
  next(createdAt: number): number {
    return this.forTransaction()(createdAt)
  }

  private isTaken(id: number): boolean {
    this.stats.lookups++
    return this.taken.get(id) === 1
  }

  /**
   * The first free id at or after `key`. Inside the last burst's run the id
   * after the run comes first: in a burst that is the ceiling's successor, so
   * a page of a burst asks the table nothing.
   */
  private free(key: number, taken: (id: number) => boolean, handedOut: ReadonlySet<number>): number {
    const { last } = this
    // A rolled-back transaction or a deleted row can leave ids in that range free: then this is not
    // the first free id but still a free one, in the right place after the burst.
    if (last.key <= key && key <= last.id && last.id < LIMIT && !taken(last.id + 1)) return last.id + 1
    if (!taken(key)) return key
    let id = key
    for (;;) {
      while (handedOut.has(id)) id++
      // Known taken (the same caveat as above: a row deleted since leaves a free id behind).
      const run = this.runAt(id)
      if (run !== undefined) {
        id = run[1] + 1
        continue
      }
      if (!taken(id)) return id
      this.stats.gapSearches++
      // The walk stops at the next remembered run: reaching it, the two are one run.
      const next = this.runAfter(id)
      const gap = this.firstGap.get(id, next?.[0] ?? Number.MAX_SAFE_INTEGER)
      if (gap === undefined && next !== undefined) {
        this.noteRun(id, next[0] - 1)
        id = next[1] + 1
        continue
      }
      this.noteRun(id, (gap ?? id + 1) - 1)
      id = gap ?? id + 1
    }
  }

  /** The first remembered run starting above `id`. */
  private runAfter(id: number): [number, number] | undefined {
    return this.runs.find(([first]) => first > id)
  }

  /** The remembered run holding `id`, if any. */
  private runAt(id: number): [number, number] | undefined {
    const { runs } = this
    let low = 0
    let high = runs.length - 1
    while (low <= high) {
      const mid = (low + high) >> 1
      const run = runs[mid] as [number, number]
      if (id < run[0]) high = mid - 1
      else if (id > run[1]) low = mid + 1
      else return run
    }
    return undefined
  }

  /** Remember that ids `first`…`last` are taken, merged with the runs it touches. */
  private noteRun(first: number, last: number): void {
    if (last < first) return
    if (this.runs.length >= MAX_RUNS) this.runs = []
    let start = first
    let end = last
    const kept = this.runs.filter(([a, b]) => {
      if (b + 1 < start || a > end + 1) return true
      start = Math.min(start, a)
      end = Math.max(end, b)
      return false
    })
    const at = kept.findIndex(([a]) => a > start)
    kept.splice(at === -1 ? kept.length : at, 0, [start, end])
    this.runs = kept
  }
}

/** Remembered runs of taken ids (RowKeys.runs); past this, forgotten and found again. */
const MAX_RUNS = 256

const keyOf = (createdAt: number): number => (Number.isFinite(createdAt) ? Math.min(Math.max(Math.floor(createdAt), -LIMIT), LIMIT) : 0)
