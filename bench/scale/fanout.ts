/**
 * One fan-out round against one setup: a subscribers process spreads its
 * sockets over the setup's nodes, a publisher process publishes round robin
 * over them through the warm-up, the saturated window and the paced window,
 * then the subscribers wait for the last deliveries. CPU time of every node,
 * both load generators, Redis and the whole machine is read over the
 * saturated window.
 */
import { cpuTimeMs, machineBusyMs } from '../shared/proc-stats'
import type { HistogramSnapshot } from '../realtime/latency-histogram'
import type { PublisherConfig, PublisherMessage, StartRequest, SubscribersConfig, SubscribersMessage } from './messages'
import type { NodeSet } from './node-sets'
import type { ScaleOptions } from './options'
import { forkWorker, nextMessage, stopProcess } from './processes'
import type { RedisProbe } from './services'

export interface FanoutCpuMs {
  /** Per node, in the set's order. */
  nodes: number[]
  /** Redis's CPU time; 0 for a set without Redis. */
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
  closedSockets: number
  cpuMs: FanoutCpuMs
  /** Wall time the CPU figures were read over (the measured publishing window). */
  cpuWindowMs: number
}

const CONNECT_TIMEOUT_MS = 120_000

export async function runFanoutRound(set: NodeSet, options: ScaleOptions, redis: RedisProbe | null): Promise<FanoutRound> {
  const subscribersConfig: SubscribersConfig = {
    urls: set.nodes.map((node) => node.wsUrl),
    count: options.subscribers,
    connectBatch: options.connectBatch,
  }
  const publisherConfig: PublisherConfig = {
    ports: set.nodes.map((node) => node.port),
    app: set.app,
    concurrency: options.concurrency,
    warmupMs: options.warmupMs,
    durationMs: options.durationMs,
    payloadBytes: options.payloadBytes,
    pacedPerSec: options.pacedPerSec,
    pacedMs: options.pacedMs,
  }
  // Both start together (a tsx start-up each); the publisher waits for "start".
  const subscribers = forkWorker('./subscribers.ts', subscribersConfig)
  const publisher = forkWorker('./publisher.ts', publisherConfig)
  try {
    await Promise.all([
      nextMessage<SubscribersMessage, 'ready'>(subscribers, 'ready', CONNECT_TIMEOUT_MS),
      nextMessage<PublisherMessage, 'ready'>(publisher, 'ready', CONNECT_TIMEOUT_MS),
    ])
    const redisCpu = set.spec.redis === undefined || redis === null ? async () => 0 : () => redis.cpuTimeMs()
    const cpuNow = async (): Promise<FanoutCpuMs> => ({
      nodes: set.nodes.map((node) => cpuTimeMs(node.pid)),
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
