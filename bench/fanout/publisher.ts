/**
 * Fan-out publisher (a worker process): one keep-alive connection pool per
 * node, `concurrency` publishes in flight, each sent to the next node in turn
 * as fast as the nodes answer: a warm-up (events marked unmeasured), then the
 * saturated window (throughput). Parley is published to through the official
 * `pusher` SDK (POST /apps/{id}/events, signed); the bare-ws baseline gets a
 * plain POST of the same JSON body. After a pause for the backlog to clear,
 * the paced window, if any: `pacedPerSec` publishes a second on a fixed
 * schedule, each sent when due whatever the others do (latency without
 * queueing). Every event carries its send time and phase.
 */
import { Agent, request } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import Pusher from 'pusher'
import { fromParent, runWorker, sharedClockMs, tellParent, workerConfig } from '../../test/kit/worker'
import type { PublisherConfig, PublisherMessage, StartRequest } from './messages'
import type { App } from './nodes'
import { encodePayload, EVENT_NAME, FANOUT_CHANNEL, type Phase } from './payload'

/** Between the saturated and the paced window: longer than the saturated backlog takes to deliver. */
const SETTLE_MS = 500

type Publish = (data: string) => Promise<void>

interface Tally {
  published: number
  failed: number
  firstError?: string
}

/** Run `publish`, counting it into `tally`; never throws. */
async function counted(tally: Tally, publish: () => Promise<void>): Promise<void> {
  try {
    await publish()
    tally.published++
  } catch (err) {
    tally.failed++
    tally.firstError ??= String(err)
  }
}

function sdkPublish(app: App, port: number, agent: Agent): Publish {
  const pusher = new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(port), useTLS: false, agent })
  return async (data) => {
    const response = await pusher.trigger(FANOUT_CHANNEL, EVENT_NAME, data)
    await response.text()
  }
}

/** The body the SDK sends for `trigger(channel, event, data)`, posted unsigned. */
function plainPublish(port: number, agent: Agent): Publish {
  return (data) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ name: EVENT_NAME, data, channels: [FANOUT_CHANNEL] })
      const req = request(
        { host: '127.0.0.1', port, path: '/events', method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`baseline answered ${res.statusCode}`))))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
}

const send = (message: PublisherMessage): void => tellParent(message)

runWorker(async () => {
  const config = workerConfig<PublisherConfig>()
  const nodes = config.ports.map((port) => {
    // Every side gets the same keep-alive pool, one socket per publish in flight.
    const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency })
    return config.app === null ? plainPublish(port, agent) : sdkPublish(config.app, port, agent)
  })
  let turn = 0
  const publish: Publish = (data) => {
    const node = nodes[turn++ % nodes.length]
    if (node === undefined) throw new Error('no node to publish to')
    return node(data)
  }

  const started = fromParent<StartRequest>('start')
  send({ type: 'ready' })
  await started

  const startedAt = sharedClockMs() + config.warmupMs
  const endsAt = startedAt + config.durationMs
  const warmup: Tally = { published: 0, failed: 0 }
  const saturated: Tally = { published: 0, failed: 0 }
  const measuring = setTimeout(() => send({ type: 'measuring' }), config.warmupMs)
  const lane = async (): Promise<void> => {
    for (let now = sharedClockMs(); now < endsAt; now = sharedClockMs()) {
      const phase: Phase = now < startedAt ? 'w' : 'm'
      await counted(phase === 'w' ? warmup : saturated, () => publish(encodePayload(phase, config.payloadBytes)))
    }
  }
  await Promise.all(Array.from({ length: config.concurrency }, lane))
  clearTimeout(measuring)
  send({
    type: 'published',
    published: saturated.published,
    failed: warmup.failed + saturated.failed,
    firstError: warmup.firstError ?? saturated.firstError,
    startedAt,
    endedAt: sharedClockMs(),
  })

  const paced: Tally = { published: 0, failed: 0 }
  if (config.pacedMs > 0) {
    await sleep(SETTLE_MS)
    const pacedStart = sharedClockMs()
    const sends: Promise<void>[] = []
    for (let tick = 0; ; tick++) {
      const due = pacedStart + (tick * 1000) / config.pacedPerSec
      if (due >= pacedStart + config.pacedMs) break
      const wait = due - sharedClockMs()
      if (wait > 0) await sleep(wait)
      sends.push(counted(paced, () => publish(encodePayload('p', config.payloadBytes))))
    }
    await Promise.all(sends)
  }
  send({ type: 'paced', ...paced })
})
