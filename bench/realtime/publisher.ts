/**
 * Fan-out publisher (a worker process): keeps `concurrency` publishes in flight
 * for the warm-up and then the measured window, each as fast as the server
 * answers. Parley is published to through the official `pusher` SDK (signed
 * HTTP API); the baseline gets a plain POST of the same JSON body.
 */
import { Agent, request } from 'node:http'
import Pusher from 'pusher'
import { runWorker, tellParent, workerConfig, type PublisherConfig } from './messages'
import { encodePayload, EVENT_NAME, FANOUT_CHANNEL, sharedClockMs, type Phase } from './payload'

type Publish = (data: string) => Promise<void>

/** Both sides get the same keep-alive connection pool, one socket per publish in flight. */
function agentFor(config: PublisherConfig): Agent {
  return new Agent({ keepAlive: true, maxSockets: config.concurrency })
}

function parleyPublish(config: PublisherConfig): Publish {
  if (config.app === undefined) throw new Error('publishing to Parley needs the app credentials')
  const pusher = new Pusher({
    appId: config.app.id,
    key: config.app.key,
    secret: config.app.secret,
    host: '127.0.0.1',
    port: String(config.port),
    useTLS: false,
    agent: agentFor(config),
  })
  return async (data) => {
    const response = await pusher.trigger(FANOUT_CHANNEL, EVENT_NAME, data)
    await response.text()
  }
}

/** The body the SDK sends for `trigger(channel, event, data)`, posted unsigned. */
function baselinePublish(config: PublisherConfig): Publish {
  const agent = agentFor(config)
  return (data) =>
    new Promise((resolve, reject) => {
      const body = JSON.stringify({ name: EVENT_NAME, data, channels: [FANOUT_CHANNEL] })
      const req = request(
        { host: '127.0.0.1', port: config.port, path: '/events', method: 'POST', agent, headers: { 'content-type': 'application/json' } },
        (res) => {
          res.resume()
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`baseline answered ${res.statusCode}`))))
        },
      )
      req.on('error', reject)
      req.end(body)
    })
}

runWorker(async () => {
  const config = workerConfig<PublisherConfig>()
  const publish = config.target === 'parley' ? parleyPublish(config) : baselinePublish(config)
  const startedAt = sharedClockMs() + config.warmupMs
  const endsAt = startedAt + config.durationMs
  let published = 0
  let failed = 0
  let firstError: string | undefined

  const measuring = setTimeout(() => tellParent({ type: 'measuring' }), config.warmupMs)
  const lane = async (): Promise<void> => {
    for (let now = sharedClockMs(); now < endsAt; now = sharedClockMs()) {
      const phase: Phase = now < startedAt ? 'w' : 'm'
      try {
        await publish(encodePayload(phase, config.payloadBytes))
        if (phase === 'm') published++
      } catch (err) {
        failed++
        firstError ??= String(err)
      }
    }
  }
  await Promise.all(Array.from({ length: config.concurrency }, lane))
  clearTimeout(measuring)
  tellParent({ type: 'published', published, failed, firstError, startedAt, endedAt: sharedClockMs() })
})
