/**
 * The fan-out runner: one round against one target of N nodes (N = 1: a
 * single server, Parley or the bare-ws baseline; N > 1: a cluster over
 * Redis). A subscribers process spreads its sockets over the nodes, a
 * publisher process publishes round robin over them through the warm-up, the
 * saturated window and the paced window (if any); then the subscribers wait
 * for the last deliveries. The CPU time of every node, both load generators,
 * Redis and the whole machine is read from /proc (Redis: INFO) over the
 * saturated window. Returns raw totals; summary.ts turns rounds into rates.
 */
import { cpuTimeMs, machineBusyMs } from '../../test/kit/proc-stats'
import type { HistogramSnapshot } from '../../test/kit/latency'
import { forkWorker, nextMessage, stopProcess } from '../../test/kit/processes'
import type { PublishPlan, PublisherConfig, PublisherMessage, StartRequest, SubscribersConfig, SubscribersMessage } from './messages'
import type { App, FanoutNode } from './nodes'

export interface FanoutTarget {
  nodes: FanoutNode[]
  /** Parley's app (publishes signed by the `pusher` SDK); null for the bare-ws baseline (plain POSTs). */
  app: App | null
  /** CPU time Redis has used so far, in ms, when the nodes run over Redis. */
  redisCpuMs?: () => Promise<number>
}

export interface FanoutOptions extends PublishPlan {
  /** WebSocket subscribers on the one public channel, spread evenly over the nodes. */
  subscribers: number
  /** Sockets being opened at the same time (avoids SYN backlog drops). */
  connectBatch: number
}

export interface FanoutCpuMs {
  /** Per node, in the target's order. */
  nodes: number[]
  /** Redis's CPU time; 0 without Redis. */
  redis: number
  subscribers: number
  publisher: number
  /** All cores together, whatever ran on them. */
  machine: number
}

export interface FanoutRound {
  /** Saturated window: publishes the nodes accepted, and how long publishing them took. */
  published: number
  publishMs: number
  /** Publishes that failed, in any window (the SDK throws on any status ≥ 400). */
  failed: number
  firstError?: string
  /** Saturated window: published × subscribers. */
  expected: number
  /** Saturated-window events received, summed over all sockets, and the span from the first to the last. */
  delivered: number
  deliveryMs: number
  latency: HistogramSnapshot
  /** Paced window: the same, where latency is not queueing. */
  paced: { published: number; expected: number; delivered: number; latency: HistogramSnapshot }
  /** Subscriber sockets the server closed during the round. */
  closedSockets: number
  cpuMs: FanoutCpuMs
  /** Wall time the CPU figures were read over (the measured publishing window). */
  cpuWindowMs: number
}

const CONNECT_TIMEOUT_MS = 120_000

export async function runFanoutRound(target: FanoutTarget, options: FanoutOptions): Promise<FanoutRound> {
  const subscribersConfig: SubscribersConfig = {
    urls: target.nodes.map((node) => node.wsUrl),
    count: options.subscribers,
    connectBatch: options.connectBatch,
  }
  const { concurrency, warmupMs, durationMs, payloadBytes, pacedPerSec, pacedMs } = options
  const publisherConfig: PublisherConfig = {
    ports: target.nodes.map((node) => node.port),
    app: target.app,
    concurrency,
    warmupMs,
    durationMs,
    payloadBytes,
    pacedPerSec,
    pacedMs,
  }
  // Both start together (a tsx start-up each); the publisher waits for "start".
  const subscribers = forkWorker(new URL('./subscribers.ts', import.meta.url), subscribersConfig)
  const publisher = forkWorker(new URL('./publisher.ts', import.meta.url), publisherConfig)
  try {
    await Promise.all([
      nextMessage<SubscribersMessage, 'ready'>(subscribers, 'ready', CONNECT_TIMEOUT_MS),
      nextMessage<PublisherMessage, 'ready'>(publisher, 'ready', CONNECT_TIMEOUT_MS),
    ])
    const redisCpu = target.redisCpuMs ?? (async () => 0)
    const cpuNow = async (): Promise<FanoutCpuMs> => ({
      nodes: target.nodes.map((node) => cpuTimeMs(node.pid)),
      redis: await redisCpu(),
      subscribers: cpuTimeMs(subscribers.pid ?? 0),
      publisher: cpuTimeMs(publisher.pid ?? 0),
      machine: machineBusyMs(),
    })

    const publishTimeout = options.warmupMs + options.durationMs + options.pacedMs + 60_000
    const measuring = nextMessage<PublisherMessage, 'measuring'>(publisher, 'measuring', publishTimeout)
    const published = nextMessage<PublisherMessage, 'published'>(publisher, 'published', publishTimeout)
    const paced = nextMessage<PublisherMessage, 'paced'>(publisher, 'paced', publishTimeout)
    publisher.send({ type: 'start' } satisfies StartRequest)
    await measuring
    const before = await cpuNow()
    const windowStart = performance.now()
    const result = await published
    const after = await cpuNow()
    const cpuWindowMs = performance.now() - windowStart

    const pacedResult = await paced

    const expected = result.published * options.subscribers
    const pacedExpected = pacedResult.published * options.subscribers
    subscribers.send({ type: 'drain', expected: expected + pacedExpected })
    const report = await nextMessage<SubscribersMessage, 'received'>(subscribers, 'received', 120_000)
    return {
      published: result.published,
      publishMs: result.endedAt - result.startedAt,
      failed: result.failed + pacedResult.failed,
      firstError: result.firstError ?? pacedResult.firstError,
      expected,
      delivered: report.received,
      deliveryMs: report.lastAt - report.firstAt,
      latency: report.latency,
      paced: {
        published: pacedResult.published,
        expected: pacedExpected,
        delivered: report.pacedReceived,
        latency: report.pacedLatency,
      },
      closedSockets: report.closed,
      cpuMs: {
        nodes: after.nodes.map((ms, i) => ms - (before.nodes[i] ?? 0)),
        redis: after.redis - before.redis,
        subscribers: after.subscribers - before.subscribers,
        publisher: after.publisher - before.publisher,
        machine: after.machine - before.machine,
      },
      cpuWindowMs,
    }
  } finally {
    await Promise.all([stopProcess(publisher), stopProcess(subscribers)])
  }
}
