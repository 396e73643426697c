/** One client WebSocket: its identity, heartbeat state, subscriptions and sign-in. */
import type { WebSocket } from 'ws'
import { encodeFrame, type OutboundFrame } from './protocol'
import { SlidingWindowLimiter } from './rate-limit'

export interface PresenceMembership {
  userId: string
}

/** Seconds a closing socket gets to finish the close handshake before it is destroyed. */
const CLOSE_HANDSHAKE_MS = 2_000

export class Connection {
  /** Inbound frames of any kind count as activity; a pong is just one of them. */
  lastInboundAt: number
  /** When we pinged a silent socket; null while no ping is outstanding. */
  pingSentAt: number | null = null
  /** Channel name → presence membership (null for non-presence channels). */
  readonly subscriptions = new Map<string, PresenceMembership | null>()
  /**
   * Subscriptions still being answered (the cluster is asked first) by channel:
   * how many are in flight and the ticket of the latest. They count against the
   * subscription limit, and an unsubscribe that arrives meanwhile is kept in
   * `unsubscribedWhilePending` so it still wins, as if frames were handled in order.
   */
  readonly pendingSubscriptions = new Map<string, { inFlight: number; latest: number }>()
  readonly unsubscribedWhilePending = new Map<string, number>()
  private tickets = 0
  /** Set once `pusher:signin` succeeded. */
  user: { id: string; watchlist: readonly string[] } | null = null
  /**
   * The api sessions that authorised this socket (channel auth, user auth): when
   * one of them ends (logout, expiry), the socket is closed — a token that no
   * longer works must not leave a socket behind that still receives its events.
   */
  readonly sessions = new Set<string>()
  readonly clientEvents: SlidingWindowLimiter
  closing = false
  /**
   * Channels whose subscription has not been answered yet: their frames wait
   * here, so a presence member_added can never overtake subscription_succeeded.
   */
  private readonly held = new Map<string, (string | Buffer)[]>()

  constructor(
    readonly id: string,
    readonly ws: WebSocket,
    readonly remoteAddress: string,
    now: number,
    clientEventsPerSecond: number,
    private readonly maxBufferedBytes: number,
  ) {
    this.lastInboundAt = now
    this.clientEvents = new SlidingWindowLimiter(clientEventsPerSecond, 1_000)
  }

  send(frame: OutboundFrame): void {
    this.sendRaw(encodeFrame(frame))
  }

  /**
   * Send an already encoded text frame (fan-out encodes once for all sockets).
   * A client that stops reading would make us buffer without bound; past the
   * limit it is disconnected (4100: it reconnects after a back-off and catches up).
   */
  sendRaw(frame: string | Buffer, channel?: string): void {
    if (channel !== undefined) {
      const queue = this.held.get(channel)
      if (queue !== undefined) {
        queue.push(frame)
        return
      }
    }
    if (this.closing || this.ws.readyState !== this.ws.OPEN) return
    if (this.ws.bufferedAmount > this.maxBufferedBytes) {
      this.close(4100, 'Client too slow: send buffer full')
      return
    }
    this.ws.send(frame, { binary: false })
  }

  /**
   * Channels this socket holds or is being answered for, each counted once (a
   * subscription being answered is already in `subscriptions` once it has joined
   * locally, while the cluster is still asked).
   */
  subscriptionCount(): number {
    let count = this.subscriptions.size
    for (const channel of this.pendingSubscriptions.keys()) if (!this.subscriptions.has(channel)) count++
    return count
  }

  /** A subscribe is being answered (until `subscriptionAnswered`). */
  subscriptionPending(channel: string): void {
    const pending = this.pendingSubscriptions.get(channel)
    this.pendingSubscriptions.set(channel, { inFlight: (pending?.inFlight ?? 0) + 1, latest: ++this.tickets })
  }

  /** An unsubscribe: remembered only while a subscribe to the channel is in flight. */
  unsubscribed(channel: string): void {
    if (this.pendingSubscriptions.has(channel)) this.unsubscribedWhilePending.set(channel, ++this.tickets)
  }

  /**
   * A subscribe to `channel` has been answered. True when an unsubscribe came
   * after the latest subscribe to the channel: the caller must leave it again.
   */
  subscriptionAnswered(channel: string): boolean {
    const pending = this.pendingSubscriptions.get(channel)
    if (pending === undefined) return false
    const unsubscribedAt = this.unsubscribedWhilePending.get(channel)
    const leave = unsubscribedAt !== undefined && unsubscribedAt > pending.latest
    if (pending.inFlight > 1) {
      pending.inFlight -= 1
    } else {
      this.pendingSubscriptions.delete(channel)
      this.unsubscribedWhilePending.delete(channel)
    }
    return leave
  }

  /** Hold frames for `channel` until `flushFrames` (after the subscription is answered). */
  holdFrames(channel: string): void {
    if (!this.held.has(channel)) this.held.set(channel, [])
  }

  /** Send what was held for `channel`, in order, and stop holding. */
  flushFrames(channel: string): void {
    const queue = this.held.get(channel)
    if (queue === undefined) return
    this.held.delete(channel)
    for (const frame of queue) this.sendRaw(frame)
  }

  /** Drop what was held for `channel` (the subscription ended). */
  releaseFrames(channel: string): void {
    this.held.delete(channel)
  }

  sendError(code: number | null, message: string): void {
    this.send({ event: 'pusher:error', data: { code, message } })
  }

  /** Start a close handshake; a peer that never answers is destroyed shortly after. */
  close(code: number, reason: string): void {
    if (this.closing) return
    this.closing = true
    try {
      this.ws.close(code, reason)
    } catch {
      this.ws.terminate()
      return
    }
    const timer = setTimeout(() => this.ws.terminate(), CLOSE_HANDSHAKE_MS)
    timer.unref()
    this.ws.once('close', () => clearTimeout(timer))
  }
}
