/**
 * A session that ends takes its realtime sockets with it. A bearer token that
 * was logged out, expired or revoked is refused by the api at once, but a
 * socket it authorised earlier would otherwise stay subscribed to the user's
 * private channel and keep receiving message bodies for as long as it stays
 * up.
 *
 * - Embedded realtime server: every socket an api session authorises (channel
 *   auth, user auth) is bound to that session (`RealtimeServer.bindSession`,
 *   cluster-wide); ending the session closes exactly its sockets (4009) and
 *   leaves the user's other devices alone.
 * - External service: the Pusher HTTP API can only close all of a user's
 *   signed-in connections (`terminate_connections`), so that happens when the
 *   user's last session ends. Clients sign in (`pusher:signin`) for this.
 *
 * Expired sessions are swept every minute: their rows are deleted and their
 * sockets closed like a logout's.
 */
import type { Logger } from 'pino'
import type { RealtimeServer } from '../realtime/server'
import type { EndedSession, Store } from '../store/store'
import type { Publisher } from './publisher'

export const SESSION_SWEEP_MS = 60_000

export interface SessionSocketsOptions {
  store: Store
  /** The embedded realtime server; null with an external service. */
  realtime: RealtimeServer | null
  publisher: Publisher
  log: Logger
  now: () => number
}

export class SessionSockets {
  private sweepTimer: NodeJS.Timeout | null = null
  private sweeping: Promise<void> | null = null

  constructor(private readonly options: SessionSocketsOptions) {}

  /** `socketId` was authorised by the session `tokenHash`. */
  bound(socketId: string, tokenHash: string): void {
    this.options.realtime?.bindSession(socketId, tokenHash)
  }

  /** These sessions ended: close what they authorised. */
  async ended(sessions: readonly EndedSession[]): Promise<void> {
    if (sessions.length === 0) return
    const { realtime, store, publisher, now } = this.options
    if (realtime !== null) {
      realtime.endSessions(sessions.map((session) => session.tokenHash))
      return
    }
    for (const userId of new Set(sessions.map((session) => session.userId))) {
      if (!(await store.hasLiveSession(userId, now()))) await publisher.terminateUserConnections(userId)
    }
  }

  /** Delete expired sessions and close their sockets; returns how many ended. */
  async sweepExpired(): Promise<number> {
    const expired = await this.options.store.deleteExpiredSessions(this.options.now())
    await this.ended(expired)
    return expired.length
  }

  startSweeping(intervalMs = SESSION_SWEEP_MS): void {
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweepExpired()
        .then(
          () => undefined,
          (err: unknown) => this.options.log.warn({ err }, 'could not sweep expired sessions'),
        )
        .finally(() => (this.sweeping = null))
    }, intervalMs)
    this.sweepTimer.unref()
  }

  async stop(): Promise<void> {
    if (this.sweepTimer !== null) clearInterval(this.sweepTimer)
    this.sweepTimer = null
    await this.sweeping
  }
}
