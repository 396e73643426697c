/**
 * The cache's size (docs/design.md §7.1): when it holds more sent messages
 * than the cap (the `cacheMessageCap` setting), the oldest history outside
 * the history budget goes again — oldest first over all conversations, each
 * from the bottom of its range — until the cache is within the cap or
 * nothing more may go. A soft cap: history inside the budget stays even
 * when that leaves the cache over it.
 *
 * What never goes, whatever the cap:
 * - the budget (the last N days, or the latest N messages of each
 *   conversation; all of it when the budget is all history);
 * - one message beyond it — the newest one outside the budget — so that the
 *   backfill (history.ts), which fetches until the range passes the
 *   budget, finds it passed and does not fetch what was just let go;
 * - each conversation's latest KEEP_LATEST messages (its preview, the page
 *   the renderer holds for a recent conversation);
 * - the open conversation (the user may be scrolled back in it);
 * - rows the outbox refers to, rows above my read marker (the cache's
 *   rules: ../cache/messages/eviction.ts).
 *
 * When: after each backfill, after the user scrolled back past the budget
 * (a little later: they may scroll on), and when the cap or the budget
 * changes. Low priority like the backfill: it waits while a sync fill or a
 * scroll-back fetch runs, deletes CHUNK rows per transaction and gives the
 * event loop a turn between them.
 */
import type { HistoryBudget } from '../../../shared/settings'
import type { BottomRow } from '../cache/messages/eviction'
import type { Cache } from '../cache/types'

/** Rows per transaction: a few milliseconds, search entries included. */
const CHUNK = 200
/** Every conversation keeps at least its latest this many messages. */
export const KEEP_LATEST = 100
/** How long after a scroll-back the eviction runs (the user may scroll on). */
const AFTER_SCROLL_BACK_MS = 30_000
/** How often it looks again while sync is filling or an older page is fetched. */
const BUSY_WAIT_MS = 50

export interface EvictionDeps {
  cache: Cache
  budget(): HistoryBudget
  /** The most sent messages the cache should hold; null: no cap. */
  cap(): number | null
  /** The open conversation (never evicted). */
  focused(): string | null
  /** A sync fill or an older-page fetch is running (eviction waits). */
  busy(): boolean
  now(): number
  /** Messages each conversation keeps whatever the budget (default KEEP_LATEST; tests with small histories). */
  keepLatest?: number
  log: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void }
}

export interface EvictionRun {
  /** Sent messages cached when the run began, and that less what it evicted (one count of a large table is enough). */
  before: number
  after: number
  evicted: number
}

export class Eviction {
  private running: Promise<EvictionRun | null> | null = null
  /** Asked again while running: one more run after it. */
  private again = false
  private stopped = false
  private timer: NodeJS.Timeout | null = null

  constructor(private readonly deps: EvictionDeps) {}

  /** Run now (or right after the run in progress); resolves with what the run did (null: no cap, or stopped). */
  run(): Promise<EvictionRun | null> {
    if (this.stopped) return Promise.resolve(null)
    if (this.running) {
      this.again = true
      return this.running
    }
    const task = this.evict()
      .catch((err: unknown) => {
        // The cache closed under it (signed out, quitting), or failed: the next run tries again.
        if (!this.stopped) this.deps.log.warn({ err: String(err) }, 'evicting older history failed')
        return null
      })
      .finally(() => {
        this.running = null
        if (this.again && !this.stopped) {
          this.again = false
          void this.run()
        }
      })
    this.running = task
    return task
  }

  /** Run in a while (after a scroll-back); a later call moves it later. */
  later(delayMs = AFTER_SCROLL_BACK_MS): void {
    if (this.stopped) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = setTimeout(() => {
      this.timer = null
      void this.run()
    }, delayMs)
    this.timer.unref?.()
  }

  /** Resolves when no run is in progress (tests). */
  async whenIdle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined)
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }

  private async evict(): Promise<EvictionRun | null> {
    const cap = this.deps.cap()
    if (cap === null) return null
    const { cache } = this.deps
    const before = cache.sentMessageCount()
    let excess = before - cap
    let evicted = 0
    if (excess <= 0) return { before, after: before, evicted }
    const focused = this.deps.focused()
    // Conversations by the time of their lowest cached message, oldest first.
    const queue = new OldestFirst()
    for (const conversation of cache.conversations()) {
      if (conversation.id === focused) continue
      const lowest = cache.bottomOfRange(conversation.id, 1)[0]
      if (lowest !== undefined) queue.push(conversation.id, lowest.createdAt)
    }
    for (let id = queue.pop(); id !== undefined && excess > 0 && !this.stopped; id = queue.pop()) {
      await this.idle()
      if (this.stopped) break
      // The open conversation may have changed while waiting.
      if (id === this.deps.focused()) continue
      const through = this.evictableThrough(id, Math.min(excess, CHUNK))
      if (through === null) continue
      const gone = cache.evictThrough(id, through)
      evicted += gone
      excess -= gone
      // It may have more to let go: back in the queue by its new lowest message.
      const lowest = gone > 0 ? cache.bottomOfRange(id, 1)[0] : undefined
      if (lowest !== undefined) queue.push(id, lowest.createdAt)
      await new Promise((resolve) => setImmediate(resolve))
    }
    if (this.stopped) return null
    const after = before - evicted
    if (evicted > 0) this.deps.log.info({ before, after, evicted, cap }, 'older history evicted to keep the cache within its cap')
    else if (after > cap) this.deps.log.warn({ after, cap }, 'the cache is over its cap with nothing outside the history budget to evict')
    return { before, after, evicted }
  }

  /**
   * The highest seq of the conversation's bottom `limit` rows that may go
   * by the policy (the cache's own rules apply after), or null.
   */
  private evictableThrough(conversationId: string, limit: number): number | null {
    const { cache } = this.deps
    const budget = this.deps.budget()
    if (budget.kind === 'all') return null
    const highest = cache.highestSeq(conversationId)
    const latestFrom = highest - (this.deps.keepLatest ?? KEEP_LATEST) + 1
    // The budget: from this seq (a count), and no older than this time (days).
    const budgetFrom = budget.kind === 'messages' ? highest - budget.count + 1 : Number.POSITIVE_INFINITY
    const cutoff = budget.kind === 'days' ? this.deps.now() - budget.days * 86_400_000 : Number.POSITIVE_INFINITY
    // One more row than may go: a row goes only when the row above it is outside the budget too.
    const rows = cache.bottomOfRange(conversationId, limit + 1)
    const outsideBudget = (row: BottomRow | undefined) => row !== undefined && row.seq < budgetFrom && row.createdAt < cutoff
    let through: number | null = null
    for (let i = 0; i < limit; i++) {
      const row = rows[i]
      if (row === undefined || row.seq >= latestFrom || !outsideBudget(row) || !outsideBudget(rows[i + 1])) break
      through = row.seq
    }
    return through
  }

  /** Until no sync fill runs and no older page is being fetched. */
  private async idle(): Promise<void> {
    while (!this.stopped && this.deps.busy()) await new Promise((resolve) => setTimeout(resolve, BUSY_WAIT_MS))
  }
}

/** Conversation ids by a time, the oldest taken first (a sorted list: a few thousand at most). */
class OldestFirst {
  /** Newest first, so that the oldest is popped off the end. */
  private readonly items: { id: string; at: number }[] = []

  push(id: string, at: number): void {
    let low = 0
    let high = this.items.length
    while (low < high) {
      const middle = (low + high) >> 1
      if ((this.items[middle]?.at ?? 0) > at) low = middle + 1
      else high = middle
    }
    this.items.splice(low, 0, { id, at })
  }

  pop(): string | undefined {
    return this.items.pop()?.id
  }
}
