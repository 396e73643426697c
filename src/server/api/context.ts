import type { IncomingMessage } from 'node:http'
import type Pusher from 'pusher'
import type { Logger } from 'pino'
import type { ConfigResponse } from '../../shared/api'
import type { Store, UserRecord } from '../store/store'
import type { PresenceTracker } from './presence'
import type { Publisher } from './publisher'
import type { SessionSockets } from './sessions'

/** What every route needs, built once in app.ts. */
export interface ApiContext {
  store: Store
  presence: PresenceTracker
  publisher: Publisher
  /** Closes the realtime sockets of sessions that end. */
  sessions: SessionSockets
  /** The SDK, for channel/user authorisation signatures and webhook checks. */
  pusher: Pusher
  log: Logger
  now: () => number
  /**
   * Client-facing realtime settings; with the embedded server, wsHost/wsPort come
   * from PUBLIC_URL, a trusted proxy's headers, or the address a request arrived on.
   */
  realtime: { embedded: boolean; config: ConfigResponse; publicUrl?: URL; trustsPeer: (req: IncomingMessage) => boolean }
  limits: {
    authPerMinute: number
    sendsPerMinute: number
    /** Edits, deletes and reaction changes together. */
    changesPerMinute: number
    conversationsPerMinute: number
    tokenTtlMs: number
  }
  /** Counters the routes feed (GET /metrics); absent where nobody collects them. */
  metrics?: ApiMetrics
}

export interface ApiMetrics {
  /** A send stored a new message (not an idempotent repeat). */
  messageStored(): void
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every route that needs a signed-in user. */
    user: UserRecord | null
    /** The hash of the bearer token that authenticated the request: its session. */
    sessionTokenHash: string | null
  }
}
