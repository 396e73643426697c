import type { IncomingMessage } from 'node:http'
import type Pusher from 'pusher'
import type { Logger } from 'pino'
import type { ConfigResponse, RegistrationMode } from '../../shared/api'
import type { BlobReaper } from '../attachments/blob-reaper'
import type { BlobStore } from '../blobs/blob-store'
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
    /** GET /api/search (docs/design.md §4.7). */
    searchesPerMinute: number
    tokenTtlMs: number
  }
  /** Files (docs/design.md §4.5). */
  attachments: {
    blobs: BlobStore
    /** Deletes blobs after the transaction that freed them. */
    reaper: BlobReaper
    /** MAX_UPLOAD_BYTES: the largest file accepted. */
    maxUploadBytes: number
    uploadsPerMinute: number
    /** DATA_DIR/tmp: uploads are spooled here before they go to the BlobStore. */
    tmpDir: string
  }
  /**
   * The name of a user's per-user channel: `private-user-{id}`, or
   * `private-encrypted-user-{id}` with an external service and
   * PUSHER_ENCRYPTION_MASTER_KEY (docs/design.md §5.1).
   */
  userChannel: (userId: string) => string
  /** Groups (docs/design.md §4.6). */
  groups: {
    /**
     * End the user's membership of the conversation's presence channel at once
     * (removal, blocking): the others see member_removed. The embedded server
     * does it across nodes; with an external service it is a no-op and the
     * next channel auth refuses instead.
     */
    endPresence(conversationId: string, userId: string): Promise<void>
    /**
     * `blockerId` blocked (`blocked`) or unblocked `blockedId`: the embedded
     * server hides (shows) the blocker to the blocked user in every presence
     * channel at once, across nodes. An external service has one member list
     * for everyone: a no-op there.
     */
    blockChanged(blockerId: string, blockedId: string, blocked: boolean): Promise<void>
  }
  /** Who may register, and what invite links point at (docs/design.md §4.6). */
  accounts: {
    registration: RegistrationMode
    /** The server's public URL for invite links (PUBLIC_URL, else the address a request arrived on). */
    publicUrl?: URL
  }
  /** Counters the routes feed (GET /metrics); absent where nobody collects them. */
  metrics?: ApiMetrics
}

/** Why an upload was refused (a label of parley_attachment_upload_refusals_total). */
export type UploadRefusal = 'too_large' | 'rate_limited' | 'malformed' | 'image_too_large' | 'image_unreadable'

export interface ApiMetrics {
  /** A send stored a new message (not an idempotent repeat). */
  messageStored(): void
  /** An upload was stored: its bytes as received. */
  uploadStored(bytes: number): void
  uploadRefused(reason: UploadRefusal): void
  /** Bytes of attachments (`file`) and thumbnails sent to clients. */
  attachmentBytesServed(what: 'file' | 'thumbnail', bytes: number): void
  blobStoreError(operation: 'put' | 'get' | 'delete'): void
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set by the authentication hook on every route that needs a signed-in user. */
    user: UserRecord | null
    /** The hash of the bearer token that authenticated the request: its session. */
    sessionTokenHash: string | null
  }
}
