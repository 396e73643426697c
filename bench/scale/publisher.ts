/**
 * Fan-out publisher (a worker process): one official `pusher` SDK client per
 * node, each with a keep-alive pool; `concurrency` publishes stay in flight,
 * each sent to the next node in turn (POST /apps/{id}/events, signed), as
 * fast as the nodes answer: a warm-up (events marked unmeasured), then the
 * saturated window (throughput). After a pause for the backlog to clear, the
 * paced window: `pacedPerSec` publishes a second on a fixed schedule, each
 * sent when due whatever the others do (latency without queueing). Every
 * event carries its send time and phase.
 */
import { Agent } from 'node:http'
import { setTimeout as sleep } from 'node:timers/promises'
import Pusher from 'pusher'
import { fromParent, runWorker, tellParent, workerConfig, type PublisherConfig, type StartRequest } from './messages'
import { encodePayload, EVENT_NAME, FANOUT_CHANNEL, sharedClockMs, type Phase } from './payload'

/** Between the saturated and the paced window: longer than the saturated backlog takes to deliver. */
const SETTLE_MS = 500

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

runWorker(async () => {
  const config = workerConfig<PublisherConfig>()
  const clients = config.ports.map(
    (port) =>
      new Pusher({
        appId: config.app.id,
        key: config.app.key,
        secret: config.app.secret,
        host: '127.0.0.1',
        port: String(port),
        useTLS: false,
        agent: new Agent({ keepAlive: true, maxSockets: config.concurrency }),
      }),
  )
  let turn = 0
  const publish = async (data: string): Promise<void> => {
    const client = clients[turn++ % clients.length]
    if (client === undefined) throw new Error('no node to publish to')
    const response = await client.trigger(FANOUT_CHANNEL, EVENT_NAME, data)
    await response.text()
  }

  const started = fromParent<StartRequest>('start')
  tellParent({ type: 'ready' })
  await started

  const startedAt = sharedClockMs() + config.warmupMs
  const endsAt = startedAt + config.durationMs
  const warmup: Tally = { published: 0, failed: 0 }
  const saturated: Tally = { published: 0, failed: 0 }
  const measuring = setTimeout(() => tellParent({ type: 'measuring' }), config.warmupMs)
  const lane = async (): Promise<void> => {
    for (let now = sharedClockMs(); now < endsAt; now = sharedClockMs()) {
      const phase: Phase = now < startedAt ? 'w' : 'm'
      await counted(phase === 'w' ? warmup : saturated, () => publish(encodePayload(phase, config.payloadBytes)))
    }
  }
  await Promise.all(Array.from({ length: config.concurrency }, lane))
  clearTimeout(measuring)
  tellParent({
    type: 'published',
    published: saturated.published,
    failed: warmup.failed + saturated.failed,
    firstError: warmup.firstError ?? saturated.firstError,
    startedAt,
    endedAt: sharedClockMs(),
  })

  await sleep(SETTLE_MS)
  const paced: Tally = { published: 0, failed: 0 }
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
  tellParent({ type: 'paced', ...paced })
})
