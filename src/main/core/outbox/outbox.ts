/**
 * The durable send queue. Its rows live in the cache, written in the same
 * transaction as the pending message or marker they carry, so nothing queued
 * is lost by a crash or a restart.
 *
 * - Messages go out one at a time per conversation, in the order they were
 *   written, each with its clientId (the server answers a repeat with the
 *   original message, so a resend after a lost response is harmless).
 * - Read and delivered markers are coalesced to one row per conversation and
 *   kind holding the highest seq. A conversation's delivered marker is posted
 *   at most once per `deliveredDelayMs`: at once when none went out for that
 *   long, else when that much time has passed since the last one. A single
 *   message's "delivered" reaches its sender without delay, and catching up
 *   on 10,000 messages in 50 pages posts it a few times instead of after
 *   every page (each post is an event to every member).
 * - Network errors, 5xx, 408 and 429 are retried with exponential back-off
 *   (full jitter) until they succeed; any other 4xx fails the message (the
 *   user can retry or delete it) or drops the marker.
 */
import type { Message } from '../../../shared/api'
import { HttpError, isRetryable, NetworkError, type ApiClient } from '../api-client'
import { fullJitterDelay } from '../backoff'
import type { Cache, OutboxItem } from '../cache/types'

export interface OutboxDeps {
  cache: Cache
  api: ApiClient
  /** The server accepted a message: store it (the pending copy becomes sent). */
  onSent(message: Message): void
  /** The server refused a message for good. */
  onFailed(conversationId: string, clientId: string, error: string): void
  baseDelayMs: number
  capDelayMs: number
  /** A conversation's delivered marker is posted at most once per this long (read markers go at once). */
  deliveredDelayMs: number
  now(): number
  random(): number
  log: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void }
}

/** Requests in flight at once (messages of different conversations, markers). */
const CONCURRENCY = 4

export class Outbox {
  private timer: NodeJS.Timeout | null = null
  private running: Promise<void> | null = null
  private again = false
  private stopped = false
  private idleWaiters: (() => void)[] = []
  /** When each conversation's delivered marker was last posted (since this start). */
  private readonly deliveredPostedAt = new Map<string, number>()

  constructor(private readonly deps: OutboxDeps) {}

  /** Coalesce a marker into the queue and send it soon. */
  enqueueMarker(conversationId: string, kind: 'read' | 'delivered', seq: number): void {
    this.deps.cache.enqueueMarker(conversationId, kind, seq, this.dueAt(kind, conversationId))
    this.kick()
  }

  /** When a marker of this kind for this conversation may next go (0 or a past time: now). */
  private dueAt(kind: 'read' | 'delivered', conversationId: string): number {
    if (kind === 'read') return 0
    const last = this.deliveredPostedAt.get(conversationId)
    return last === undefined ? 0 : last + this.deps.deliveredDelayMs
  }

  /** Work through everything that is due now. */
  kick(): void {
    if (this.stopped) return
    if (this.running) {
      this.again = true
      return
    }
    this.clearTimer()
    this.running = this.drain().finally(() => {
      this.running = null
      if (this.again) {
        this.again = false
        this.kick()
      } else {
        this.scheduleNext()
        this.notifyIdleIfEmpty()
      }
    })
  }

  /** The connection is back: everything waiting for a retry goes now. */
  retryAll(): void {
    this.retryAllAt = this.deps.now()
    this.kick()
  }

  /** Resolves when the queue is empty (tests, the e2e harness). */
  whenEmpty(): Promise<void> {
    if (this.deps.cache.outbox().length === 0 && !this.running) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  /** Stop sending; resolves once the request in flight (if any) has settled. */
  async stop(): Promise<void> {
    this.stopped = true
    this.clearTimer()
    await this.running
  }

  /** Items waiting for a retry become due at this time (set by `retryAll`). */
  private retryAllAt = 0

  private due(item: OutboxItem, now: number): boolean {
    return item.nextAttemptAt <= now || item.nextAttemptAt <= this.retryAllAt
  }

  private async drain(): Promise<void> {
    for (;;) {
      const now = this.deps.now()
      const items = this.deps.cache.outbox()
      // Only the oldest message of each conversation may go: the rest wait their turn.
      const firstMessage = new Map<string, OutboxItem>()
      for (const item of items) {
        if (item.kind === 'message' && !firstMessage.has(item.conversationId)) firstMessage.set(item.conversationId, item)
      }
      const ready = items.filter(
        (item) => this.due(item, now) && (item.kind !== 'message' || firstMessage.get(item.conversationId) === item),
      )
      if (ready.length === 0 || this.stopped) return
      for (let i = 0; i < ready.length && !this.stopped; i += CONCURRENCY) {
        await Promise.all(ready.slice(i, i + CONCURRENCY).map((item) => this.process(item)))
      }
    }
  }

  private async process(item: OutboxItem): Promise<void> {
    const { cache, api } = this.deps
    try {
      if (item.kind === 'message') {
        const message = cache.ownMessage(item.conversationId, item.clientId)
        if (message === null || message.state !== 'pending') {
          cache.completeOutbox(item)
          return
        }
        const sent = await api.send(item.conversationId, { clientId: item.clientId, body: message.body })
        // Stopped meanwhile: leave the row; the next start resends it and the server answers with the original.
        if (this.stopped) return
        this.deps.onSent(sent)
      } else if (item.kind === 'read') {
        await api.markRead(item.conversationId, item.seq)
      } else {
        this.deliveredPostedAt.set(item.conversationId, this.deps.now())
        await api.markDelivered(item.conversationId, item.seq)
      }
      if (this.stopped) return
      cache.completeOutbox(item, item.kind === 'message' ? 0 : this.dueAt(item.kind, item.conversationId))
    } catch (err) {
      if (!this.stopped) this.failed(item, err)
    }
  }

  private failed(item: OutboxItem, err: unknown): void {
    const message = err instanceof Error ? err.message : String(err)
    // Only the server's considered "no" (a 4xx other than 408/429) fails a message;
    // anything else — the network, the server, a bug of ours — is retried.
    if (!(err instanceof HttpError) || isRetryable(err)) {
      if (!(err instanceof HttpError) && !(err instanceof NetworkError)) {
        this.deps.log.warn({ kind: item.kind, error: message }, 'outbox: unexpected error; will retry')
      }
      const delay = fullJitterDelay(item.attempts, this.deps.baseDelayMs, this.deps.capDelayMs, this.deps.random)
      this.deps.log.debug({ kind: item.kind, attempts: item.attempts + 1, delay, error: message }, 'outbox: will retry')
      this.deps.cache.rescheduleOutbox(item.id, this.deps.now() + Math.max(1, delay), message)
      return
    }
    this.deps.log.warn({ kind: item.kind, error: message }, 'outbox: refused by the server')
    if (item.kind === 'message') {
      this.deps.cache.markFailed(item.conversationId, item.clientId, message)
      this.deps.onFailed(item.conversationId, item.clientId, message)
    } else {
      this.deps.cache.completeOutbox(item)
    }
  }

  private scheduleNext(): void {
    if (this.stopped) return
    const items = this.deps.cache.outbox()
    if (items.length === 0) return
    const next = Math.min(...items.map((item) => item.nextAttemptAt))
    this.clearTimer()
    this.timer = setTimeout(() => this.kick(), Math.max(0, next - this.deps.now()))
  }

  private notifyIdleIfEmpty(): void {
    if (this.deps.cache.outbox().length > 0) return
    const waiters = this.idleWaiters
    this.idleWaiters = []
    waiters.forEach((resolve) => resolve())
  }

  private clearTimer(): void {
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
