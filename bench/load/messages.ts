/**
 * What the orchestrator (load-run.ts) and its load-generating workers
 * (worker.ts) tell each other over IPC, in the order of a run:
 * setup → ready, start → progress… → sent, finish → result, stop.
 */
import type { ConversationKind } from '../../src/shared/api'

export interface ClientSpec {
  /** The user's index in the social graph (also seeds its send schedule). */
  index: number
  userId: string
  token: string
  conversations: { id: string; kind: ConversationKind; memberIds: string[] }[]
}

export interface ClientOptions {
  /** Messages per second each client sends (Poisson arrivals). */
  rate: number
  seed: number
  /** Also subscribe to the presence channel of every conversation, as the app does. */
  presence: boolean
}

export interface SendStats {
  /** Sends answered 201. */
  ok: number
  /** Retries answered 200: stored by an earlier attempt whose answer was lost. */
  replayed: number
  retries: number
  /** Sends given up on (a 4xx, or still failing when retrying stopped). */
  failed: number
  /** Up to a few distinct error messages, for the report. */
  errors: string[]
  /** POST → answer, ms, one per answered send. */
  latencyMs: number[]
}

export interface ClientTotals {
  clients: number
  /** Conversation histories compared (one per client and conversation). */
  conversationsChecked: number
  /** Messages on the server, summed over those histories. */
  serverMessages: number
  /** Messages in the clients' final state, summed likewise. */
  heldMessages: number
  /** On the server, never received by realtime and never fetched. */
  lost: number
  /** Held by a client (e.g. an acknowledged send) but not on the server. */
  phantom: number
  /** Held with another seq than the server's. */
  seqMismatch: number
  /** Left in the final state: two messages at one seq, or one (sender, clientId) stored twice. */
  duplicatesInState: number
  /** The same message.created (same id) delivered more than once to one client by realtime. */
  rawDuplicateDeliveries: number
  /** Arrivals of a message the client already held (own-send echoes, gap-fill overlaps), absorbed by idempotent apply. */
  repeatArrivals: number
  /** Held messages that came only through gap-fill (not realtime, not the client's own send answer). */
  onlyViaGapFill: number
  /** Held messages whose realtime event never arrived (own sends included: their echo). */
  realtimeMisses: number
  /** Histories whose count or seq set differ from the server's. */
  mismatchedConversations: number
  /** GET …/messages?after= calls made to fill gaps (sync after reconnects included). */
  gapFillFetches: number
  gapFillErrors: number
  /** pusher-js connections re-established after a drop. */
  reconnects: number
  /** message.created events received while sending ran, and in all. */
  eventsInWindow: number
  eventsTotal: number
  /** Send time (in the body) → message.created at another member's client, ms. */
  deliveryLatencyMs: number[]
  /** First few problems in words, for the report. */
  problems: string[]
}

export type ToWorker =
  | { type: 'setup'; url: string; clients: ClientSpec[]; options: ClientOptions }
  | { type: 'start'; startAt: number; durationMs: number }
  | { type: 'finish'; expectedLastSeq: Record<string, number> }
  | { type: 'stop' }

export type FromWorker =
  | { type: 'ready'; connected: number }
  | { type: 'progress'; sent: number; events: number }
  | { type: 'sent'; sends: SendStats; lastSeq: Record<string, number> }
  | { type: 'result'; totals: ClientTotals }
  | { type: 'failed'; error: string }
