import type Pusher from 'pusher'
import type { Logger } from 'pino'
import type { ConfigResponse } from '../../shared/api'
import type { Store, UserRecord } from '../store/store'
import type { PresenceTracker } from './presence'
import type { Publisher } from './publisher'

/** What every route needs, built once in app.ts. */
export interface ApiContext {
  store: Store
  presence: PresenceTracker
  publisher: Publisher
  /** The SDK, for channel/user authorisation signatures and webhook checks. */
  pusher: Pusher
  log: Logger
  now: () => number
  /** Client-facing realtime settings; wsHost/wsPort filled from the request when embedded. */
  realtime: { embedded: boolean; config: ConfigResponse }
  limits: { authPerMinute: number; sendsPerMinute: number; tokenTtlMs: number }
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
  }
}
