/**
 * What the load generators and the orchestrator tell each other over IPC, and
 * how a worker reads its configuration and talks to its parent.
 */
import type { HistogramSnapshot } from './latency-histogram'

export type Target = 'parley' | 'baseline'

export interface SubscribersConfig {
  url: string
  count: number
  connectBatch: number
}

export interface PublisherConfig {
  target: Target
  port: number
  /** Parley only: the app the `pusher` SDK signs for. */
  app?: { id: string; key: string; secret: string }
  concurrency: number
  warmupMs: number
  durationMs: number
  payloadBytes: number
}

export interface IdleConnectionsConfig {
  url: string
  count: number
  connectBatch: number
  /** Public channel every connection subscribes to. */
  channel: string
}

export type SubscribersMessage =
  | { type: 'ready' }
  | {
      type: 'received'
      /** Measured-phase events received, summed over all sockets. */
      received: number
      firstAt: number
      lastAt: number
      latency: HistogramSnapshot
      /** Sockets the server closed during the run. */
      closed: number
    }

/** Orchestrator → subscribers: publishing is over; report once `expected` arrived or traffic stopped. */
export interface DrainRequest {
  type: 'drain'
  expected: number
}

export type PublisherMessage =
  | { type: 'measuring' }
  | { type: 'published'; published: number; failed: number; firstError?: string; startedAt: number; endedAt: number }

export type IdleConnectionsMessage = { type: 'ready'; opened: number }

/** The JSON argument `forkWorker` passed to this worker. */
export function workerConfig<T>(): T {
  const text = process.argv[2]
  if (text === undefined) throw new Error('a benchmark worker is started by bench/realtime/run.ts, not directly')
  return JSON.parse(text) as T
}

export function tellParent(message: SubscribersMessage | PublisherMessage | IdleConnectionsMessage): void {
  if (process.send === undefined) throw new Error('no IPC channel to the orchestrator')
  process.send(message)
}

/**
 * A worker dies with its orchestrator (IPC closed) and reports a crash on stderr
 * with a non-zero exit, which the orchestrator sees as a failed step.
 */
export function runWorker(main: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(0))
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}
