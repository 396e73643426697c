/**
 * Changes to messages the cache already holds — edits, deletes for everyone,
 * reactions — fetched as `changedAfter=<lastRev>` pages (docs/design.md §7.6).
 *
 * Every change on the server gives the message the conversation's next `rev`
 * (gapless, like seq), and a page lists each message changed after a rev once,
 * as it is now, in ascending rev. After storing a page whose last rev is R the
 * cache is up to date after `changedAfter=R`, so R becomes the conversation's
 * `lastRev` — only then, so a crash or a failed request can only make the
 * next fetch repeat some of the work, never skip any.
 *
 * A conversation's catch-up is its seq fill first (sync.ts: new messages
 * extend the gapless run), then the changes. A page may still hold a message
 * newer than the run (sent after the fill): the fill runs again and the page
 * is applied once more (storing is idempotent). Pages are requested one ahead
 * — the next page's `changedAfter` is the last rev of the page just received,
 * no guess needed — so the server prepares the next page while this one is
 * stored.
 */
import type { Message, MessagePage } from '../../../shared/api'
import { isRetryable, type ApiClient } from '../api-client'
import type { Cache } from '../cache/types'
import { RetryTimers } from './retry-timers'

const PAGE = 200
/**
 * Rows stored per transaction, the event loop getting a turn between. Chosen
 * when an edit took its old text out of the search index inside the write
 * (~0.1 ms a row: a page of 200 edits stalled past 50 ms); since migration
 * 006 the indexer does that later and 50 changes store in about 1 ms, so
 * larger chunks are worth measuring (bench/core changes).
 */
const APPLY_CHUNK = 50

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

/** A conversation's counters as a listing reported them (one row, read at once). */
export interface Listed {
  lastSeq: number
  lastRev: number
}

export interface ChangeFeedDeps {
  cache: Cache
  api: ApiClient
  /** Store messages (sync.ts); returns those it could not store (beyond a hole in the seq run). */
  apply(messages: readonly Message[]): Message[]
  /** The conversation's seq fill (coalesced with one running). */
  fill(conversationId: string): Promise<void>
  /** Back-off after the `attempt`-th failure in a row (0-based). */
  retryDelayMs(attempt: number): number
  log: { warn(obj: object, msg: string): void }
}

export class ChangeFeed {
  private readonly running = new Map<string, Promise<void>>()
  /** Asked for again while running: once more after it. */
  private readonly again = new Set<string>()
  private readonly retries = new RetryTimers((failures) => this.deps.retryDelayMs(failures))
  private idleWaiters: (() => void)[] = []
  private stopped = false

  constructor(private readonly deps: ChangeFeedDeps) {}

  get busy(): boolean {
    return this.running.size > 0
  }

  /**
   * The seq fill, then every change after lastRev; coalesced with a catch-up
   * already running. Rejects when a request fails.
   *
   * `listed`: the conversation's lastSeq and lastRev as a listing made after
   * the realtime link was ready reported them (one row, one snapshot). When
   * the revs used since the cache's lastRev are exactly the seqs it lacked,
   * the changes fetch is not needed (`coveredByFill`); when the cache holds
   * every seq up to the listing's lastSeq and its lastRev is the listing's,
   * the catch-up asks nothing at all — the usual case at start-up, where a
   * fill used to ask one empty `after=` page per conversation. Sound for the
   * reason `coveredByFill` is: the private channel was subscribed before the
   * listing, so whatever comes after it comes by realtime, and a message
   * that arrives beyond the cached run asks for a fill itself.
   */
  catchUp(conversationId: string, listed?: Listed): Promise<void> {
    const running = this.running.get(conversationId)
    if (running) {
      this.again.add(conversationId)
      return running
    }
    const task = (async () => {
      let snapshot = listed
      do {
        this.again.delete(conversationId)
        const before = snapshot && { seq: this.deps.cache.highestSeq(conversationId), rev: this.deps.cache.conversationCounters(conversationId)?.lastRev ?? 0 }
        // Every seq the listing knows is cached already: nothing for a fill to fetch (what comes after the listing comes by realtime).
        if (before === undefined || snapshot === undefined || before.seq < snapshot.lastSeq) await this.deps.fill(conversationId)
        if (snapshot !== undefined && before !== undefined && !this.stopped) this.coveredByFill(conversationId, before, snapshot)
        // Only the first round trusts the listing: a round asked for again (an event whose rev skipped ahead) fetches.
        if (snapshot === undefined || (this.deps.cache.conversationCounters(conversationId)?.lastRev ?? 0) < snapshot.lastRev) await this.fetch(conversationId)
        snapshot = undefined
      } while (this.again.has(conversationId) && !this.stopped)
    })()
    this.running.set(conversationId, task)
    const done = () => {
      this.running.delete(conversationId)
      if (this.running.size === 0) this.idleWaiters.splice(0).forEach((resolve) => resolve())
    }
    task.then(done, done)
    return task
  }

  /**
   * Catch up soon, retried with back-off while it fails for a reason worth
   * retrying (the realtime link may stay up meanwhile: no reconnect sync
   * would come to fetch what was missed).
   */
  request(conversationId: string): void {
    if (this.stopped) return
    if (this.running.has(conversationId)) {
      this.again.add(conversationId)
      return
    }
    this.catchUp(conversationId).then(
      () => this.clearRetry(conversationId),
      (err: unknown) => {
        if (this.stopped) return
        if (!isRetryable(err) && !(err instanceof ChangesAheadOfHistory)) {
          this.clearRetry(conversationId)
          this.deps.log.warn({ conversationId, err: String(err) }, 'changes fetch refused; the next sync retries')
          return
        }
        const delay = this.retries.schedule(conversationId, () => this.request(conversationId))
        this.deps.log.warn({ conversationId, err: String(err), delay }, 'changes fetch failed; retrying')
      },
    )
  }

  whenIdle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  async stop(): Promise<void> {
    this.stopped = true
    this.retries.clearAll()
    await Promise.allSettled([...this.running.values()])
  }

  /**
   * After a seq fill: when the listing's lastRev − the cache's lastRev before
   * the fill equals the listing's lastSeq − the highest cached seq before it,
   * every rev used in between was the send of a message the fill has just
   * stored, and the changedAfter pages would bring those same messages again
   * (a send takes a rev: takeNextSeqAndRev, docs/design.md §4.4). So lastRev
   * rises to the listing's at once. Why that is sound:
   *
   * - a message the cache lacked (seq above `before.seq`) was sent with a rev
   *   above `before.rev` — lastRev means every change up to it is in the
   *   cache, and its send is not;
   * - one up to the listing's lastSeq was sent with a rev up to the listing's
   *   lastRev (seq and rev are taken together, and one row gave both);
   * - every seq is taken with a rev, and every change takes one too: so the
   *   equality leaves no rev in between for any change — not to a cached
   *   message, nor to one of the new ones after its send — and each new
   *   message's only change up to the listing's lastRev is its send, which
   *   any copy of it (fetched before or after the listing) holds.
   *
   * Changes after the listing come by realtime as ever (the private channel
   * was subscribed before the listing): one that is not the next rev fetches
   * changes (`request`). When the equality fails, nothing is assumed.
   */
  private coveredByFill(conversationId: string, before: { seq: number; rev: number }, listed: Listed): void {
    const { cache } = this.deps
    if (listed.lastSeq - before.seq !== listed.lastRev - before.rev || listed.lastRev <= before.rev) return
    if (cache.highestSeq(conversationId) < listed.lastSeq) return
    cache.raiseLastRev(conversationId, listed.lastRev)
  }

  private clearRetry(conversationId: string): void {
    this.retries.clear(conversationId)
  }

  private async fetch(conversationId: string): Promise<void> {
    const { cache, api } = this.deps
    const conversation = cache.conversationCounters(conversationId)
    // Not known yet: its sync (the listing, or its conversation.upsert) comes first.
    if (conversation === null || this.stopped) return
    const request = (changedAfter: number): Promise<MessagePage> => {
      const page = api.messages(conversationId, { changedAfter, limit: PAGE })
      // Handled where awaited; a request left behind by a stop may fail unheard.
      page.catch(() => undefined)
      return page
    }
    let after = conversation.lastRev
    let next = request(after)
    while (!this.stopped) {
      const page = await next
      if (this.stopped) return
      const last = page.messages.at(-1)?.rev ?? after
      const more = page.hasMore && last > after
      if (more) next = request(last)
      let unstored: Message[] = []
      for (let at = 0; at < page.messages.length; at += APPLY_CHUNK) {
        if (at > 0) await nextTurn()
        if (this.stopped) return
        unstored.push(...this.deps.apply(page.messages.slice(at, at + APPLY_CHUNK)))
      }
      if (unstored.length > 0) {
        // Newer than the seq run (sent after the fill): fill again, then these fit.
        await this.deps.fill(conversationId)
        if (this.stopped) return
        unstored = this.deps.apply(unstored)
        if (unstored.length > 0) throw new ChangesAheadOfHistory(conversationId)
      }
      cache.raiseLastRev(conversationId, last)
      if (!more) return
      after = last
    }
  }
}

/** A changes page held a message the seq fill could not reach: retried like a failed request. */
class ChangesAheadOfHistory extends Error {
  constructor(conversationId: string) {
    super(`changes of ${conversationId} beyond its cached history`)
    this.name = 'ChangesAheadOfHistory'
  }
}
