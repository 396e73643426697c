/**
 * Fan-out receivers (a worker process): `count` raw Pusher sockets on the one
 * public channel, socket i on node i mod n, so every node holds its share.
 * For every measured event a socket receives it records send→receive latency
 * from the time in the event, apart for the saturated and the paced window;
 * when told publishing is over it waits for the stragglers and reports.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { LatencyHistogram } from '../../test/kit/latency'
import { fromParent, runWorker, sharedClockMs, tellParent, workerConfig } from '../../test/kit/worker'
import type { DrainRequest, SubscribersConfig, SubscribersMessage } from './messages'
import { decodePayload, EVENT_NAME, FANOUT_CHANNEL } from './payload'
import { openInBatches, PusherSocket, type PusherFrame } from './pusher-socket'

/** Stop waiting for deliveries once none arrived for this long. */
const QUIET_MS = 2_000
/** And in any case after this long: a setup that fell this far behind is reported as losing events. */
const MAX_DRAIN_MS = 60_000

runWorker(async () => {
  const config = workerConfig<SubscribersConfig>()
  const latency = new LatencyHistogram()
  const pacedLatency = new LatencyHistogram()
  let pacedReceived = 0
  let received = 0
  let firstAt = 0
  let lastAt = 0
  let closed = 0

  const onEvent = (frame: PusherFrame): void => {
    if (frame.event !== EVENT_NAME || typeof frame.data !== 'string') return
    const now = sharedClockMs()
    const { sentAt, phase } = decodePayload(frame.data)
    if (phase === 'p') {
      pacedReceived++
      pacedLatency.record(now - sentAt)
    }
    if (phase !== 'm') return
    if (received === 0) firstAt = now
    received++
    lastAt = now
    latency.record(now - sentAt)
  }

  const drainRequested = fromParent<DrainRequest>('drain')
  await openInBatches(config.count, config.connectBatch, async (index) => {
    const url = config.urls[index % config.urls.length]
    if (url === undefined) throw new Error('no node to connect to')
    const socket = await PusherSocket.open(url, onEvent, () => closed++)
    await socket.subscribe(FANOUT_CHANNEL)
    return socket
  })
  tellParent({ type: 'ready' } satisfies SubscribersMessage)

  const drain = await drainRequested
  const drainStarted = Date.now()
  let lastCount = -1
  let lastChange = drainStarted
  const total = (): number => received + pacedReceived
  while (total() < drain.expected && Date.now() - lastChange < QUIET_MS && Date.now() - drainStarted < MAX_DRAIN_MS) {
    if (total() !== lastCount) {
      lastCount = total()
      lastChange = Date.now()
    }
    await sleep(50)
  }
  tellParent({
    type: 'received',
    received,
    firstAt,
    lastAt,
    latency: latency.snapshot(),
    pacedReceived,
    pacedLatency: pacedLatency.snapshot(),
    closed,
  } satisfies SubscribersMessage)
})
