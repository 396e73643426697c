/** What the fan-out load generators and the orchestrator (round.ts) tell each other over IPC. */
import type { HistogramSnapshot } from '../../test/kit/latency'
import type { App } from './nodes'

export interface SubscribersConfig {
  /** One WebSocket URL per node; socket i connects to node i mod n. */
  urls: string[]
  count: number
  connectBatch: number
}

/** What the publisher does in a round. */
export interface PublishPlan {
  /** Publishes kept in flight at once, spread round robin over the nodes. */
  concurrency: number
  /** Unmeasured publishing at the start of each round (JIT, sockets, pools). */
  warmupMs: number
  /** The saturated window. */
  durationMs: number
  /** Length of each event's `data`. */
  payloadBytes: number
  /** The paced window after it: publishes per second, and its length (0: none). */
  pacedPerSec: number
  pacedMs: number
}

export interface PublisherConfig extends PublishPlan {
  /** One HTTP port per node; publishes go to the nodes in turn. */
  ports: number[]
  /** Parley: signed by the `pusher` SDK with the app's credentials; none: the bare-ws baseline, a plain POST of the same body. */
  app: App | null
}

export type SubscribersMessage =
  | { type: 'ready' }
  | {
      type: 'received'
      /** Saturated-window events received, summed over all sockets, the first and last arrival, and their latency. */
      received: number
      firstAt: number
      lastAt: number
      latency: HistogramSnapshot
      /** Paced-window events received and their latency. */
      pacedReceived: number
      pacedLatency: HistogramSnapshot
      /** Sockets the server closed during the round. */
      closed: number
    }

export type PublisherMessage =
  | { type: 'ready' }
  | { type: 'measuring' }
  | { type: 'published'; published: number; failed: number; firstError?: string; startedAt: number; endedAt: number }
  | { type: 'paced'; published: number; failed: number; firstError?: string }

/** Orchestrator → publisher: the subscribers are in, start the warm-up. */
export interface StartRequest {
  type: 'start'
}

/** Orchestrator → subscribers: publishing is over; report once `expected` arrived or traffic stopped. */
export interface DrainRequest {
  type: 'drain'
  expected: number
}
