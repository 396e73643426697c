/**
 * Keeps the realtime connection alive and says how it is doing:
 * `connected | connecting | offline` plus when the next attempt happens.
 *
 * Every connection is a fresh Link. When one fails or drops, the supervisor
 * waits (exponential back-off with full jitter: 0.5 s, ×2, capped at 30 s) and
 * makes a new one. "Retry now" and a network that comes back skip the wait.
 * After sleep, an unlocked screen or a network change it pings at once and
 * replaces the connection when no answer comes within a few seconds — a
 * socket that slept is never trusted.
 */
import type { ConnectionStatus } from '../../../shared/ipc'
import { fullJitterDelay } from '../backoff'
import type { Link } from './link'

export interface SupervisorDeps {
  /** Make a new connection; it calls `ready` once usable and `lost` once dead. */
  createLink(callbacks: { ready(): void; lost(reason: string): void }): Link
  onStatus(status: ConnectionStatus): void
  /** A new Link is ready: (re)subscribe, sync, flush the outbox. */
  onReady(link: Link): void
  /** The current Link is gone. */
  onLost(): void
  backoffBaseMs: number
  backoffCapMs: number
  wakeCheckMs: number
  now(): number
  random(): number
  log: { info(obj: object, msg: string): void; debug(obj: object, msg: string): void }
}

export class Supervisor {
  private link: Link | null = null
  private attempt = 0
  private retryTimer: NodeJS.Timeout | null = null
  private running = false
  /** Started, the first connection waiting for its hold (`start`). */
  private held = false
  private checking = false
  private current: ConnectionStatus = { state: 'offline', nextRetryAt: null, lastError: null }

  constructor(private readonly deps: SupervisorDeps) {}

  get status(): ConnectionStatus {
    return this.current
  }

  /** The usable Link, if any. */
  get activeLink(): Link | null {
    return this.link?.isReady ? this.link : null
  }

  /**
   * Start connecting. With `hold`, the first connection waits until it
   * settles (a restored sign-in waits for the window's first paint: design
   * §7.4); meanwhile the status says `connecting`, and "retry now" or a
   * wake-up connect at once.
   */
  start(hold?: Promise<unknown>): void {
    if (this.running) return
    this.running = true
    if (hold === undefined) {
      this.connect()
      return
    }
    this.held = true
    this.setStatus({ state: 'connecting', nextRetryAt: null, lastError: null })
    const release = () => {
      if (!this.held || !this.running) return
      this.held = false
      this.connect()
    }
    hold.then(release, release)
  }

  stop(): void {
    this.running = false
    this.held = false
    this.clearRetry()
    this.dropLink()
    this.setStatus({ state: 'offline', nextRetryAt: null, lastError: null })
  }

  /** Reconnect at once, whatever the state. */
  retryNow(): void {
    if (!this.running) return
    this.held = false
    this.clearRetry()
    this.dropLink()
    this.connect()
  }

  /** Resume from sleep, screen unlocked, network changed: check the connection now. */
  async wake(): Promise<void> {
    if (!this.running) return
    const link = this.activeLink
    if (link === null) {
      this.retryNow()
      return
    }
    if (this.checking) return
    this.checking = true
    try {
      const alive = await link.ping(this.deps.wakeCheckMs)
      if (!alive && link === this.link && this.running) {
        this.deps.log.info({}, 'no answer to the wake-up ping: reconnecting')
        this.retryNow()
      }
    } finally {
      this.checking = false
    }
  }

  private connect(): void {
    this.setStatus({ state: 'connecting', nextRetryAt: null, lastError: this.current.lastError })
    let settled = false
    const link: Link = this.deps.createLink({
      ready: () => {
        if (settled || link !== this.link) return
        this.attempt = 0
        this.setStatus({ state: 'connected', nextRetryAt: null, lastError: null })
        this.deps.onReady(link)
      },
      lost: (reason) => {
        if (settled) return
        settled = true
        if (link !== this.link) return
        const wasReady = this.current.state === 'connected'
        this.link = null
        if (wasReady) this.deps.onLost()
        this.scheduleRetry(reason)
      },
    })
    this.link = link
  }

  private scheduleRetry(reason: string): void {
    if (!this.running) return
    const delay = fullJitterDelay(this.attempt, this.deps.backoffBaseMs, this.deps.backoffCapMs, this.deps.random)
    this.attempt++
    this.deps.log.debug({ reason, delay, attempt: this.attempt }, 'realtime connection lost; retrying')
    this.setStatus({ state: 'offline', nextRetryAt: this.deps.now() + delay, lastError: reason })
    this.clearRetry()
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null
      this.connect()
    }, delay)
  }

  private dropLink(): void {
    const link = this.link
    if (link === null) return
    const wasReady = link.isReady
    this.link = null
    link.close()
    if (wasReady) this.deps.onLost()
  }

  private clearRetry(): void {
    if (this.retryTimer !== null) clearTimeout(this.retryTimer)
    this.retryTimer = null
  }

  private setStatus(status: ConnectionStatus): void {
    this.current = status
    this.deps.onStatus(status)
  }
}
