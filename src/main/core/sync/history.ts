/**
 * Older history, a page at a time (docs/design.md §7.1): the cache holds one
 * contiguous range of each conversation (sync.ts), starting at the latest
 * page for a conversation first met; this extends it downward.
 *
 * - `older`: the page before the lowest cached seq, now — the user scrolled
 *   back to the top of what is cached. One request per conversation at a
 *   time; callers asking meanwhile share it.
 * - The backfill: after each sync, in the background, conversations newest
 *   activity first, a page at a time, until each reaches the budget (all
 *   history, the last N days, or the last N messages per conversation) or
 *   its first message. Low priority: it waits while any sync fill runs or a
 *   scroll-back fetch is in flight, has one request in flight, and gives the
 *   event loop a turn between pages. A page that fails is tried again after
 *   a back-off; a later sync starts the backfill over with its own order.
 *
 * Why a page stored later than it was fetched is still current: a change to
 * one of its messages made before the request is in it; one made after comes
 * by realtime or a changedAfter page — if that arrives while the message is
 * still below the cached range, sync drops it and notes the drop for the
 * fetch in flight (`fetchBelowRange`): when the page's copy of that message
 * is older than the dropped change (a lower rev), the page is fetched again
 * instead of stored; if the change arrives after, the message is in the
 * range and the newer rev replaces it.
 */
import type { Message, MessagePage } from '../../../shared/api'
import type { HistoryBudget } from '../../../shared/settings'
import { isRetryable } from '../api-client'
import type { Cache } from '../cache/types'

/** Messages per older page (the server's most). */
export const OLDER_PAGE = 200
/** How often the backfill looks again while sync is filling or the user's fetch runs. */
const BUSY_WAIT_MS = 50
/** A page fetched stale (a change to one of its messages dropped meanwhile) is fetched again at most this many times in a row. */
const MAX_REFETCH = 5

export interface HistoryDeps {
  cache: Cache
  api: { messages(conversationId: string, page: { before: number; limit: number }): Promise<MessagePage> }
  sync: {
    /** Store a page of older history; returns how many of its messages now extend the range downward. */
    storeOlder(conversationId: string, messages: readonly Message[]): number
    /** Fetch a page below the range, saying whether a change dropped meanwhile makes it stale (sync.ts). */
    fetchBelowRange(conversationId: string, request: () => Promise<MessagePage>): Promise<{ page: MessagePage; stale: boolean }>
    /** A range fetch or changes fetch is running (the backfill waits). */
    readonly busy: boolean
  }
  budget(): HistoryBudget
  /** Back-off before the `attempt`-th retry (0-based) of a backfill page that failed. */
  retryDelayMs(attempt: number): number
  /** Messages per older page (default OLDER_PAGE). */
  pageSize?: number
  /** A backfill ran to its end (not stopped): the cache's size is looked at then (eviction.ts). */
  onBackfilled?(): void
  now(): number
  log: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void }
}

export class History {
  /** Conversation id → the older page being fetched for it. */
  private readonly inFlight = new Map<string, Promise<boolean>>()
  private backfilling: Promise<void> | null = null
  /** Conversations the running backfill should go through (a later sync's order replaces the rest). */
  private pending: string[] = []
  private stopped = false
  private wake: NodeJS.Timeout | null = null

  constructor(private readonly deps: HistoryDeps) {}

  /** Older messages than the lowest cached may exist on the server. */
  hasOlder(conversationId: string): boolean {
    const lowest = this.deps.cache.lowestSeq(conversationId)
    return lowest !== null && lowest > 1
  }

  /**
   * Fetch and store the page before the lowest cached seq. True when it
   * extended the range; false when there is nothing older (or it could not
   * be stored). Rejects when the request fails (offline: the caller says so).
   */
  older(conversationId: string, limit = this.deps.pageSize ?? OLDER_PAGE): Promise<boolean> {
    const running = this.inFlight.get(conversationId)
    if (running) return running
    const task = this.fetchOlder(conversationId, limit)
    this.inFlight.set(conversationId, task)
    const done = () => this.inFlight.delete(conversationId)
    task.then(done, done)
    return task
  }

  /** After a sync: backfill `order` (newest activity first) within the budget, in the background. */
  backfill(order: readonly string[]): void {
    if (this.stopped) return
    this.pending = [...order]
    this.backfilling ??= this.runBackfill().finally(() => {
      this.backfilling = null
      if (!this.stopped) this.deps.onBackfilled?.()
    })
  }

  /** A backfill or an older-page fetch is running. */
  get busy(): boolean {
    return this.backfilling !== null || this.inFlight.size > 0
  }

  /** Resolves when no backfill runs (tests). */
  async whenIdle(): Promise<void> {
    while (this.backfilling !== null || this.inFlight.size > 0) {
      await Promise.allSettled([this.backfilling, ...this.inFlight.values()])
    }
  }

  stop(): void {
    this.stopped = true
    this.pending = []
    if (this.wake !== null) clearTimeout(this.wake)
  }

  /** Whether the backfill should fetch another page of this conversation. */
  withinBudget(conversationId: string): boolean {
    const { cache } = this.deps
    const lowest = cache.lowestSeq(conversationId)
    if (lowest === null || lowest <= 1) return false
    const budget = this.deps.budget()
    if (budget.kind === 'all') return true
    if (budget.kind === 'messages') return cache.highestSeq(conversationId) - lowest + 1 < budget.count
    const oldest = cache.messagesInRange(conversationId, lowest, lowest)[0]
    return oldest !== undefined && oldest.createdAt >= this.deps.now() - budget.days * 86_400_000
  }

  private async fetchOlder(conversationId: string, limit: number): Promise<boolean> {
    for (let attempt = 0; attempt <= MAX_REFETCH && !this.stopped; attempt++) {
      const lowest = this.deps.cache.lowestSeq(conversationId)
      if (lowest === null || lowest <= 1) return false
      const { page, stale } = await this.deps.sync.fetchBelowRange(conversationId, () => this.deps.api.messages(conversationId, { before: lowest, limit }))
      if (this.stopped) return false
      // A change to one of its messages was dropped meanwhile, newer than the page's copy: fetched again.
      if (stale) continue
      // Stored meanwhile by another path (the range moved): ask again from where it is now.
      if (this.deps.cache.lowestSeq(conversationId) !== lowest) continue
      if (page.messages.length === 0) return false
      return this.deps.sync.storeOlder(conversationId, page.messages) > 0
    }
    return false
  }

  private async runBackfill(): Promise<void> {
    let failures = 0
    for (let id = this.pending.shift(); id !== undefined && !this.stopped; id = this.pending.shift()) {
      while (!this.stopped && this.withinBudget(id)) {
        await this.idle()
        if (this.stopped || !this.withinBudget(id)) break
        try {
          if (!(await this.older(id))) break
          failures = 0
        } catch (err) {
          // Refused (no longer a member, say): the next conversation.
          if (!isRetryable(err)) break
          // Offline, or the server failing: the same page again after a back-off (a sync meanwhile restarts the backfill too).
          this.deps.log.debug({ conversationId: id, err: String(err) }, 'backfill page failed; retrying')
          await this.sleep(this.deps.retryDelayMs(failures++))
          continue
        }
        await new Promise((resolve) => setImmediate(resolve))
      }
    }
  }

  /** Until no sync fill runs and no scroll-back fetch is in flight. */
  private async idle(): Promise<void> {
    while (!this.stopped && (this.deps.sync.busy || this.inFlight.size > 0)) await this.sleep(BUSY_WAIT_MS)
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.wake = setTimeout(resolve, ms)
    })
  }
}
