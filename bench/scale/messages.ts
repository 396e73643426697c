/**
 * What the fan-out load generators and the orchestrator tell each other over
 * IPC, and how a worker reads its configuration and talks to its parent.
 */
import type { HistogramSnapshot } from '../realtime/latency-histogram'
import type { App } from './node-sets'

export interface SubscribersConfig {
  /** One WebSocket URL per node; socket i connects to node i mod n. */
  urls: string[]
  count: number
  connectBatch: number
}

export interface PublisherConfig {
  /** One HTTP port per node; publishes go to the nodes in turn. */
  ports: number[]
  app: App
  concurrency: number
  warmupMs: number
  durationMs: number
  payloadBytes: number
  pacedPerSec: number
  pacedMs: number
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

/** The JSON argument `forkWorker` passed to this worker. */
export function workerConfig<T>(): T {
  const text = process.argv[2]
  if (text === undefined) throw new Error('a benchmark worker is started by bench/scale/run.ts, not directly')
  return JSON.parse(text) as T
}

export function tellParent(message: SubscribersMessage | PublisherMessage): void {
  if (process.send === undefined) throw new Error('no IPC channel to the orchestrator')
  process.send(message)
}

/** The next message from the orchestrator of type `type`. */
export function fromParent<M extends StartRequest | DrainRequest>(type: M['type']): Promise<M> {
  return new Promise((resolve) => {
    const listener = (message: M): void => {
      if (message.type !== type) return
      process.off('message', listener)
      resolve(message)
    }
    process.on('message', listener)
  })
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
