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
  private readonly retries = new Map<string, { failures: number; timer: NodeJS.Timeout | null }>()
  private idleWaiters: (() => void)[] = []
  private stopped = false

  constructor(private readonly deps: ChangeFeedDeps) {}

  get busy(): boolean {
    return this.running.size > 0
  }

  /** The seq fill, then every change after lastRev; coalesced with a catch-up already running. Rejects when a request fails. */
  catchUp(conversationId: string): Promise<void> {
    const running = this.running.get(conversationId)
    if (running) {
      this.again.add(conversationId)
      return running
    }
    const task = (async () => {
      do {
        this.again.delete(conversationId)
        await this.deps.fill(conversationId)
        await this.fetch(conversationId)
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
        const retry = this.retries.get(conversationId) ?? { failures: 0, timer: null }
        const delay = this.deps.retryDelayMs(retry.failures)
        retry.failures++
        if (retry.timer) clearTimeout(retry.timer)
        retry.timer = setTimeout(() => {
          retry.timer = null
          this.request(conversationId)
        }, delay)
        this.retries.set(conversationId, retry)
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
    for (const retry of this.retries.values()) if (retry.timer) clearTimeout(retry.timer)
    this.retries.clear()
    await Promise.allSettled([...this.running.values()])
  }

  private clearRetry(conversationId: string): void {
    const retry = this.retries.get(conversationId)
    if (retry?.timer) clearTimeout(retry.timer)
    this.retries.delete(conversationId)
  }

  private async fetch(conversationId: string): Promise<void> {
    const { cache, api } = this.deps
    const conversation = cache.conversation(conversationId)
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
