/**
 * One fan-out round against one server: a subscribers process holds
 * `subscribers` sockets on one public channel, a publisher process publishes
 * through the warm-up and the measured window; then the subscribers wait for
 * the last deliveries. Returns raw totals (see fanout-summary.ts for rates),
 * including the CPU time the server, both load generators and the machine as
 * a whole used during the measured publishing window, read from /proc.
 */
import type { HistogramSnapshot } from './latency-histogram'
import type { PublisherConfig, PublisherMessage, SubscribersConfig, SubscribersMessage } from './messages'
import type { BenchOptions } from './options'
import { cpuTimeMs, machineBusyMs } from '../shared/proc-stats'
import { forkWorker, nextMessage, stopProcess } from './processes'
import type { RunningServer } from './servers'

export interface CpuMs {
  server: number
  subscribers: number
  publisher: number
  /** All cores together, whatever ran on them. */
  machine: number
}

export interface FanoutRound {
  /** Measured publishes the server accepted, and how long publishing them took. */
  published: number
  publishMs: number
  /** Publishes that failed (the SDK throws on any status ≥ 400). */
  failed: number
  firstError?: string
  /** published × subscribers. */
  expected: number
  /** Measured events received, summed over all sockets, and the span from the first to the last. */
  delivered: number
  deliveryMs: number
  latency: HistogramSnapshot
  /** Subscriber sockets the server closed during the round. */
  closedSockets: number
  /** CPU time used during the measured publishing window (`cpuWindowMs` of wall time). */
  cpuMs: CpuMs
  cpuWindowMs: number
}

export async function runFanoutRound(server: RunningServer, options: BenchOptions): Promise<FanoutRound> {
  const subscribersConfig: SubscribersConfig = {
    url: server.wsUrl,
    count: options.subscribers,
    connectBatch: options.connectBatch,
  }
  const subscribers = forkWorker('./subscribers.ts', subscribersConfig)
  try {
    await nextMessage<SubscribersMessage, 'ready'>(subscribers, 'ready', 120_000)
    const publisherConfig: PublisherConfig = {
      target: server.target,
      port: server.port,
      app: server.app,
      concurrency: options.concurrency,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      payloadBytes: options.payloadBytes,
    }
    const publisher = forkWorker('./publisher.ts', publisherConfig)
    try {
      const cpuNow = (): CpuMs => ({
        server: cpuTimeMs(server.pid),
        subscribers: cpuTimeMs(subscribers.pid ?? 0),
        publisher: cpuTimeMs(publisher.pid ?? 0),
        machine: machineBusyMs(),
      })
      const publishTimeout = options.warmupMs + options.durationMs + 60_000
      let cpuBefore = cpuNow()
      let windowStart = performance.now()
      const [, published] = await Promise.all([
        nextMessage<PublisherMessage, 'measuring'>(publisher, 'measuring', publishTimeout).then(() => {
          cpuBefore = cpuNow()
          windowStart = performance.now()
        }),
        nextMessage<PublisherMessage, 'published'>(publisher, 'published', publishTimeout),
      ])
      const cpuAfter = cpuNow()
      const cpuWindowMs = performance.now() - windowStart

      const expected = published.published * options.subscribers
      subscribers.send({ type: 'drain', expected })
      const report = await nextMessage<SubscribersMessage, 'received'>(subscribers, 'received', 120_000)
      return {
        published: published.published,
        publishMs: published.endedAt - published.startedAt,
        failed: published.failed,
        firstError: published.firstError,
        expected,
        delivered: report.received,
        deliveryMs: report.lastAt - report.firstAt,
        latency: report.latency,
        closedSockets: report.closed,
        cpuMs: {
          server: cpuAfter.server - cpuBefore.server,
          subscribers: cpuAfter.subscribers - cpuBefore.subscribers,
          publisher: cpuAfter.publisher - cpuBefore.publisher,
          machine: cpuAfter.machine - cpuBefore.machine,
        },
        cpuWindowMs,
      }
    } finally {
      await stopProcess(publisher)
    }
  } finally {
    await stopProcess(subscribers)
  }
}
