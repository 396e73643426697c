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
 * Every minute a sweep deletes expired sessions and closes their sockets like
 * a logout's. It also asks the store which of the sessions this process bound
 * sockets to are gone without its knowing — revoked from the server's host
 * (`npm run admin`: disable-user, reset-password) or by another api node — and
 * closes theirs too. Such a session's REST requests fail at once (its token no
 * longer resolves); its sockets close within one sweep (≤ SESSION_SWEEP_MS).
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
  /** Sessions (token hash → user id) that authorised a socket through this process and have not ended here. */
  private readonly boundSessions = new Map<string, string>()

  constructor(private readonly options: SessionSocketsOptions) {}

  /** `socketId` was authorised by the session `tokenHash` of `userId`. */
  bound(socketId: string, tokenHash: string, userId: string): void {
    this.boundSessions.set(tokenHash, userId)
    this.options.realtime?.bindSession(socketId, tokenHash)
  }

  /** These sessions ended: close what they authorised. */
  async ended(sessions: readonly EndedSession[]): Promise<void> {
    if (sessions.length === 0) return
    for (const session of sessions) this.boundSessions.delete(session.tokenHash)
    const { realtime, store, publisher, now } = this.options
    if (realtime !== null) {
      realtime.endSessions(sessions.map((session) => session.tokenHash))
      return
    }
    for (const userId of new Set(sessions.map((session) => session.userId))) {
      if (!(await store.hasLiveSession(userId, now()))) await publisher.terminateUserConnections(userId)
    }
  }

  /**
   * Delete expired sessions, find the bound ones that ended elsewhere, and
   * close the sockets of both; returns how many sessions ended.
   */
  async sweep(): Promise<number> {
    const { store, now } = this.options
    const expired = await store.deleteExpiredSessions(now())
    for (const session of expired) this.boundSessions.delete(session.tokenHash)
    const live = await store.liveSessionsAmong([...this.boundSessions.keys()], now())
    const endedElsewhere = [...this.boundSessions]
      .filter(([tokenHash]) => !live.has(tokenHash))
      .map(([tokenHash, userId]) => ({ tokenHash, userId }))
    const ended = [...expired, ...endedElsewhere]
    await this.ended(ended)
    return ended.length
  }

  startSweeping(intervalMs = SESSION_SWEEP_MS): void {
    this.sweepTimer = setInterval(() => {
      this.sweeping ??= this.sweep()
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
