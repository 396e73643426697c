/**
 * Fan-out receivers (a worker process): `count` raw Pusher sockets subscribed
 * to the one public channel. For every measured event each socket receives it
 * records publish→receive latency from the event's send time; when told that
 * publishing is over it waits for the stragglers and reports.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { LatencyHistogram } from './latency-histogram'
import { runWorker, tellParent, workerConfig, type DrainRequest, type SubscribersConfig } from './messages'
import { decodePayload, EVENT_NAME, FANOUT_CHANNEL, sharedClockMs } from './payload'
import { openInBatches, PusherSocket, type PusherFrame } from './pusher-socket'

/** Stop waiting for deliveries once none arrived for this long. */
const QUIET_MS = 2_000
/** And in any case after this long: a server that fell this far behind is reported as losing messages. */
const MAX_DRAIN_MS = 60_000

runWorker(async () => {
  const config = workerConfig<SubscribersConfig>()
  const latency = new LatencyHistogram()
  let received = 0
  let firstAt = 0
  let lastAt = 0
  let closed = 0

  const onEvent = (frame: PusherFrame): void => {
    if (frame.event !== EVENT_NAME || typeof frame.data !== 'string') return
    const now = sharedClockMs()
    const { sentAt, phase } = decodePayload(frame.data)
    if (phase !== 'm') return
    if (received === 0) firstAt = now
    received++
    lastAt = now
    latency.record(now - sentAt)
  }

  await openInBatches(config.count, config.connectBatch, async () => {
    const socket = await PusherSocket.open(config.url, onEvent, () => closed++)
    await socket.subscribe(FANOUT_CHANNEL)
    return socket
  })
  tellParent({ type: 'ready' })

  const drain = await new Promise<DrainRequest>((resolve) => process.once('message', resolve))
  const drainStarted = Date.now()
  let lastCount = -1
  let lastChange = drainStarted
  while (received < drain.expected && Date.now() - lastChange < QUIET_MS && Date.now() - drainStarted < MAX_DRAIN_MS) {
    if (received !== lastCount) {
      lastCount = received
      lastChange = Date.now()
    }
    await sleep(50)
  }
  tellParent({ type: 'received', received, firstAt, lastAt, latency: latency.snapshot(), closed })
})
