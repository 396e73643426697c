/**
 * Signed webhooks (`channel_occupied/vacated`, `member_added/removed`,
 * `client_event`) posted to a configured URL, as Pusher sends them: batches of
 * `{time_ms, events}` with `X-Pusher-Key` and `X-Pusher-Signature`. Batches go
 * out one at a time, in order; a failed batch is retried with exponential
 * back-off (full jitter) before the next one is sent.
 */
import type { Logger } from 'pino'
import { scrubUrls } from '../logger'
import type { Hooks } from './hooks'
import { webhookSignature, type AppCredentials } from './signature'

export type WebhookEvent =
  | { name: 'channel_occupied' | 'channel_vacated'; channel: string }
  | { name: 'member_added' | 'member_removed'; channel: string; user_id: string }
  | { name: 'client_event'; channel: string; event: string; data: string; socket_id: string; user_id?: string }

export interface WebhookOptions {
  url: string
  app: AppCredentials
  log: Logger
  /** First retry delay; doubles per attempt up to `maxDelayMs`. */
  baseDelayMs?: number
  maxDelayMs?: number
  /** Attempts per batch before it is dropped (and logged). */
  maxAttempts?: number
  /** Events waiting beyond this are dropped oldest first (and logged). */
  maxQueued?: number
  maxBatch?: number
  timeoutMs?: number
  random?: () => number
}

export class WebhookSender {
  private readonly queue: WebhookEvent[] = []
  private sending = false
  private closed = false
  private retryTimer: NodeJS.Timeout | null = null
  private wakeRetry: (() => void) | null = null
  private idleWaiters: (() => void)[] = []
  retries = 0
  dropped = 0
  delivered = 0
  /** WEBHOOK_URL without credentials (fetch refuses URLs with them) … */
  private readonly target: string
  /** … which go in an Authorization: Basic header instead. */
  private readonly authorization: string | null

  constructor(private readonly options: WebhookOptions) {
    const url = new URL(options.url)
    this.authorization =
      url.username === '' && url.password === ''
        ? null
        : `Basic ${Buffer.from(`${decodeUserinfo(url.username)}:${decodeUserinfo(url.password)}`).toString('base64')}`
    url.username = ''
    url.password = ''
    this.target = url.href
  }

  /** Turn the realtime server's hooks into webhook events; returns the unsubscriber. */
  attach(hooks: Hooks): () => void {
    const offs = [
      hooks.on('channelOccupied', ({ channel }) => this.enqueue({ name: 'channel_occupied', channel })),
      hooks.on('channelVacated', ({ channel }) => this.enqueue({ name: 'channel_vacated', channel })),
      // Another node sends the webhook for its own transitions.
      hooks.on('memberAdded', ({ channel, userId, remote }) => {
        if (!remote) this.enqueue({ name: 'member_added', channel, user_id: userId })
      }),
      hooks.on('memberRemoved', ({ channel, userId, remote }) => {
        if (!remote) this.enqueue({ name: 'member_removed', channel, user_id: userId })
      }),
      hooks.on('clientEvent', (e) =>
        this.enqueue({
          name: 'client_event',
          channel: e.channel,
          event: e.event,
          data: typeof e.data === 'string' ? e.data : JSON.stringify(e.data),
          socket_id: e.socketId,
          ...(e.userId ? { user_id: e.userId } : {}),
        }),
      ),
    ]
    return () => offs.forEach((off) => off())
  }

  enqueue(event: WebhookEvent): void {
    if (this.closed) return
    const maxQueued = this.options.maxQueued ?? 10_000
    if (this.queue.length >= maxQueued) {
      this.queue.shift()
      this.dropped++
      this.options.log.warn({ maxQueued }, 'webhook queue full: dropping the oldest event')
    }
    this.queue.push(event)
    // Collect what happens in the same tick into one batch.
    if (!this.sending) {
      this.sending = true
      setImmediate(() => void this.pump())
    }
  }

  /** Resolves when nothing is queued or in flight (tests, shutdown). */
  idle(): Promise<void> {
    if (!this.sending) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  close(): void {
    this.closed = true
    if (this.retryTimer) clearTimeout(this.retryTimer)
    this.wakeRetry?.()
    this.queue.length = 0
    this.finish()
  }

  private finish(): void {
    this.sending = false
    const waiters = this.idleWaiters
    this.idleWaiters = []
    waiters.forEach((resolve) => resolve())
  }

  private async pump(): Promise<void> {
    const maxBatch = this.options.maxBatch ?? 100
    while (!this.closed && this.queue.length > 0) {
      const batch = this.queue.splice(0, maxBatch)
      const ok = await this.deliver(batch)
      if (ok) this.delivered += batch.length
    }
    if (!this.closed) this.finish()
  }

  private async deliver(events: WebhookEvent[]): Promise<boolean> {
    const { app, log } = this.options
    const maxAttempts = this.options.maxAttempts ?? 8
    const body = JSON.stringify({ time_ms: Date.now(), events })
    const headers = {
      'content-type': 'application/json',
      'x-pusher-key': app.key,
      'x-pusher-signature': webhookSignature(app.secret, body),
      ...(this.authorization === null ? {} : { authorization: this.authorization }),
    }
    for (let attempt = 1; !this.closed; attempt++) {
      let failure: string
      try {
        const response = await fetch(this.target, {
          method: 'POST',
          headers,
          body,
          signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
        })
        await response.arrayBuffer().catch(() => undefined)
        if (response.ok) return true
        failure = `HTTP ${response.status}`
      } catch (err) {
        // Never the body or the signature; URLs in messages lose query and credentials.
        const cause = err instanceof Error && err.cause instanceof Error ? `: ${err.cause.message}` : ''
        failure = scrubUrls(err instanceof Error ? `${err.message}${cause}` : String(err))
      }
      if (attempt >= maxAttempts) {
        this.dropped += events.length
        log.error({ failure, attempts: attempt, events: events.length }, 'webhook delivery failed: dropping batch')
        return false
      }
      this.retries++
      const delay = this.backoff(attempt)
      log.warn({ failure, attempt, delayMs: delay }, 'webhook delivery failed: retrying')
      await new Promise<void>((resolve) => {
        this.wakeRetry = resolve
        this.retryTimer = setTimeout(resolve, delay)
      })
      this.wakeRetry = null
    }
    return false
  }

  private backoff(attempt: number): number {
    const base = this.options.baseDelayMs ?? 1_000
    const cap = this.options.maxDelayMs ?? 60_000
    const random = this.options.random ?? Math.random
    return Math.floor(random() * Math.min(cap, base * 2 ** (attempt - 1)))
  }
}

/** URL userinfo is percent-encoded; a stray `%` stays as it is. */
function decodeUserinfo(part: string): string {
  try {
    return decodeURIComponent(part)
  } catch {
    return part
  }
}
