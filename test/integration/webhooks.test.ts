/**
 * Webhooks of the embedded realtime server (PUSHER-PROTOCOL.md "Webhooks"):
 * a real node:http receiver, the server started with WEBHOOK_URL pointing at
 * it, and real pusher-js clients producing the events. Every request is
 * checked for X-Pusher-Key and X-Pusher-Signature = hex HMAC-SHA256(secret,
 * raw body), computed here with node:crypto, and by the `pusher` SDK's own
 * webhook validator.
 *
 * "No further event" is proven without sleeping: webhook batches are sent one
 * at a time in order, so after the action under test a marker action (a new
 * public channel being occupied) is performed; once the marker's webhook has
 * arrived, any event caused earlier would have arrived before it.
 *
 * The retry tests drive a `WebhookSender` built directly with a small back-off
 * (the server's default starts at 1 s), fed by the running server's hooks.
 */
import { createHmac } from 'node:crypto'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { pino } from 'pino'
import type PusherClient from 'pusher-js'
import type { Channel } from 'pusher-js'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { WebhookSender } from '../../src/server/realtime/webhooks'
import { connected, nextEvent, pusherClient, sdkFor, subscribed, type ClientIdentity } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

interface HookEvent {
  name: string
  channel: string
  user_id?: string
  event?: string
  data?: string
  socket_id?: string
}

interface Captured {
  method: string | undefined
  url: string | undefined
  headers: IncomingHttpHeaders
  raw: string
  status: number
  receivedAt: number
}

/** A webhook endpoint: records every request and answers with `statusFor(index)` (0: never answers). */
class Receiver {
  readonly requests: Captured[] = []
  statusFor: (index: number) => number = () => 200
  private readonly http: Server
  private listeners: (() => void)[] = []
  url = ''

  constructor() {
    this.http = createServer((req, res) => {
      const chunks: Buffer[] = []
      req.on('data', (chunk: Buffer) => chunks.push(chunk))
      req.on('end', () => {
        const status = this.statusFor(this.requests.length)
        this.requests.push({
          method: req.method,
          url: req.url,
          headers: req.headers,
          raw: Buffer.concat(chunks).toString('utf8'),
          status,
          receivedAt: Date.now(),
        })
        if (status !== 0) res.writeHead(status, { 'content-type': 'text/plain' }).end(status < 300 ? 'ok' : 'try again')
        for (const listener of [...this.listeners]) listener()
      })
    })
  }

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve))
    this.url = `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/hook`
  }

  async stop(): Promise<void> {
    this.http.closeAllConnections()
    await new Promise<void>((resolve) => this.http.close(() => resolve()))
  }

  /** Events of the accepted (2xx) requests, in arrival order. */
  events(): HookEvent[] {
    return this.requests.filter((r) => r.status >= 200 && r.status < 300).flatMap((r) => (JSON.parse(r.raw) as { events: HookEvent[] }).events)
  }

  /** Wait until `count` requests (accepted or not) have arrived. */
  requestCount(count: number, timeoutMs = 1_500): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.requests.length >= count) return resolve()
      const onRequest = (): void => {
        if (this.requests.length < count) return
        clearTimeout(timer)
        this.listeners = this.listeners.filter((listener) => listener !== onRequest)
        resolve()
      }
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((listener) => listener !== onRequest)
        reject(new Error(`only ${this.requests.length} of ${count} webhook requests arrived`))
      }, timeoutMs)
      this.listeners.push(onRequest)
    })
  }

  /** Wait until `predicate` holds for the accepted events. */
  until(predicate: (events: HookEvent[]) => boolean, timeoutMs = 1_500): Promise<HookEvent[]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const events = this.events()
        if (!predicate(events)) return false
        clearTimeout(timer)
        this.listeners = this.listeners.filter((listener) => listener !== onRequest)
        resolve(events)
        return true
      }
      const onRequest = (): void => void check()
      const timer = setTimeout(() => {
        this.listeners = this.listeners.filter((listener) => listener !== onRequest)
        reject(new Error(`webhook events not received in time; got ${JSON.stringify(this.events()).slice(0, 2_000)}`))
      }, timeoutMs)
      this.listeners.push(onRequest)
      check()
    })
  }
}

let receiver: Receiver
let server: TestServer
let startedAt: number
const clients: PusherClient[] = []

beforeAll(async () => {
  startedAt = Date.now()
  receiver = new Receiver()
  await receiver.start()
  server = await startTestServer({ WEBHOOK_URL: receiver.url })
})
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect()
})
afterAll(async () => {
  await server.stop()
  await receiver.stop()
})

let counter = 0
function unique(prefix: string): string {
  counter += 1
  return `${prefix}-${process.pid}-${counter}`
}

async function newClient(identity?: ClientIdentity): Promise<PusherClient> {
  const client = pusherClient(server, identity)
  clients.push(client)
  await connected(client, 2_000)
  return client
}

async function subscribe(identity: ClientIdentity | undefined, channelName: string): Promise<{ client: PusherClient; channel: Channel }> {
  const client = await newClient(identity)
  const channel = await subscribed(client, channelName, 2_000)
  return { client, channel }
}

const onChannel = (name: string) => (events: HookEvent[]) => events.filter((event) => event.channel === name)

/**
 * Occupy a fresh public channel from `client` (or a new client) and wait for
 * its channel_occupied webhook: everything caused before has been delivered.
 */
async function barrier(receiverToWatch: Receiver, client?: PusherClient): Promise<void> {
  const marker = unique('marker')
  if (client) await subscribed(client, marker, 2_000)
  else await subscribe(undefined, marker)
  await receiverToWatch.until((events) => events.some((event) => event.name === 'channel_occupied' && event.channel === marker))
}

function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

/** What every webhook request must look like (PUSHER-PROTOCOL.md "Webhooks"). */
function expectWellFormed(request: Captured): void {
  const { key, secret } = server.realtime.app
  expect(request.method).toBe('POST')
  expect(request.url).toBe('/hook')
  expect(request.headers['content-type']).toBe('application/json')
  expect(request.headers['x-pusher-key']).toBe(key)
  expect(request.headers['x-pusher-signature']).toBe(hmacSha256Hex(secret, request.raw))
  const body = JSON.parse(request.raw) as { time_ms: unknown; events: unknown }
  expect(Object.keys(body).sort()).toEqual(['events', 'time_ms'])
  expect(typeof body.time_ms).toBe('number')
  expect(body.time_ms as number).toBeGreaterThanOrEqual(startedAt)
  expect(body.time_ms as number).toBeLessThanOrEqual(request.receivedAt)
  expect(Array.isArray(body.events)).toBe(true)
  expect((body.events as unknown[]).length).toBeGreaterThan(0)
  // The official SDK's validator accepts it too.
  const webhook = sdkFor(server).webhook({ headers: request.headers, rawBody: request.raw })
  expect(webhook.isValid()).toBe(true)
  expect(webhook.getEvents()).toEqual(body.events)
}

describe('channel and presence webhooks', () => {
  test('channel_occupied when the first socket subscribes, channel_vacated when the last one leaves', async () => {
    const name = unique('private-occupancy')
    const first = await subscribe({ userId: 'a' }, name)
    await receiver.until((events) => onChannel(name)(events).length >= 1)
    expect(onChannel(name)(receiver.events())).toEqual([{ name: 'channel_occupied', channel: name }])

    // A second subscriber, then the first one leaving: neither changes occupancy.
    const second = await subscribe({ userId: 'b' }, name)
    first.client.unsubscribe(name)
    await barrier(receiver, first.client)
    expect(onChannel(name)(receiver.events())).toEqual([{ name: 'channel_occupied', channel: name }])

    // The last subscriber disconnecting vacates it.
    second.client.disconnect()
    const events = await receiver.until((all) => onChannel(name)(all).length >= 2)
    expect(onChannel(name)(events)).toEqual([
      { name: 'channel_occupied', channel: name },
      { name: 'channel_vacated', channel: name },
    ])
    await barrier(receiver)
    expect(onChannel(name)(receiver.events())).toHaveLength(2)
  })

  test('member_added / member_removed only for a user\u2019s first socket joining and last socket leaving', async () => {
    const name = unique('presence-members')
    const aliceTab1 = await subscribe({ userId: 'alice', userInfo: { displayName: 'Alice' } }, name)
    await receiver.until((events) => onChannel(name)(events).length >= 2)
    expect(onChannel(name)(receiver.events())).toEqual([
      { name: 'channel_occupied', channel: name },
      { name: 'member_added', channel: name, user_id: 'alice' },
    ])

    // Alice's second tab: no second member_added.
    const aliceTab2 = await subscribe({ userId: 'alice', userInfo: { displayName: 'Alice' } }, name)
    await barrier(receiver, aliceTab2.client)
    expect(onChannel(name)(receiver.events())).toHaveLength(2)

    const bob = await subscribe({ userId: 'bob' }, name)
    await receiver.until((events) => onChannel(name)(events).length >= 3)

    // Alice's first tab leaving: she is still there on the second one.
    aliceTab1.client.unsubscribe(name)
    await barrier(receiver, aliceTab1.client)
    expect(onChannel(name)(receiver.events())).toEqual([
      { name: 'channel_occupied', channel: name },
      { name: 'member_added', channel: name, user_id: 'alice' },
      { name: 'member_added', channel: name, user_id: 'bob' },
    ])

    // Her last tab closing removes her; bob leaving removes him and vacates the channel.
    aliceTab2.client.disconnect()
    await receiver.until((events) => onChannel(name)(events).length >= 4)
    bob.client.unsubscribe(name)
    const events = await receiver.until((all) => onChannel(name)(all).length >= 6)
    expect(onChannel(name)(events)).toEqual([
      { name: 'channel_occupied', channel: name },
      { name: 'member_added', channel: name, user_id: 'alice' },
      { name: 'member_added', channel: name, user_id: 'bob' },
      { name: 'member_removed', channel: name, user_id: 'alice' },
      { name: 'member_removed', channel: name, user_id: 'bob' },
      { name: 'channel_vacated', channel: name },
    ])
    await barrier(receiver, bob.client)
    expect(onChannel(name)(receiver.events())).toHaveLength(6)
  })
})

describe('client_event webhooks', () => {
  test('presence: channel, event, data (string), socket_id and user_id of the sender', async () => {
    const name = unique('presence-typing')
    const alice = await subscribe({ userId: 'alice' }, name)
    const bob = await subscribe({ userId: 'bob' }, name)
    const seenByBob = nextEvent<{ typing: boolean }>(bob.channel, 'client-typing', 1_500)
    expect(alice.channel.trigger('client-typing', { typing: true })).toBe(true)
    expect(await seenByBob).toEqual({ typing: true })

    const events = await receiver.until((all) => onChannel(name)(all).some((event) => event.name === 'client_event'))
    const clientEvents = onChannel(name)(events).filter((event) => event.name === 'client_event')
    expect(clientEvents).toHaveLength(1)
    const [event] = clientEvents
    expect(Object.keys(event!).sort()).toEqual(['channel', 'data', 'event', 'name', 'socket_id', 'user_id'])
    expect(event).toMatchObject({
      name: 'client_event',
      channel: name,
      event: 'client-typing',
      socket_id: alice.client.connection.socket_id,
      user_id: 'alice',
    })
    expect(typeof event!.data).toBe('string')
    expect(JSON.parse(event!.data!)).toEqual({ typing: true })
  })

  test('private: no user_id; one webhook per client event', async () => {
    const name = unique('private-client')
    const sender = await subscribe({ userId: 'sender' }, name)
    const other = await subscribe({ userId: 'other' }, name)
    const seen = nextEvent(other.channel, 'client-second', 1_500)
    expect(sender.channel.trigger('client-first', { n: 1 })).toBe(true)
    expect(sender.channel.trigger('client-second', 'text')).toBe(true)
    await seen

    const events = await receiver.until((all) => onChannel(name)(all).filter((event) => event.name === 'client_event').length >= 2)
    const clientEvents = onChannel(name)(events).filter((event) => event.name === 'client_event')
    expect(clientEvents).toHaveLength(2)
    const socketId = sender.client.connection.socket_id
    expect(clientEvents[0]).toEqual({ name: 'client_event', channel: name, event: 'client-first', data: JSON.stringify({ n: 1 }), socket_id: socketId })
    expect(clientEvents[1]).toMatchObject({ name: 'client_event', channel: name, event: 'client-second', socket_id: socketId })
    expect(clientEvents[1]).not.toHaveProperty('user_id')
    expect(typeof clientEvents[1]!.data).toBe('string')
    expect(clientEvents[1]!.data).toBe('text')
  })

  test('client events refused by the rate limit (4301) produce no webhook', async () => {
    const name = unique('private-burst')
    const sender = await subscribe({ userId: 'sender' }, name)
    await subscribe({ userId: 'other' }, name)
    const errors: unknown[] = []
    sender.client.connection.bind('error', (error: unknown) => errors.push(error))
    for (let i = 0; i < 12; i++) expect(sender.channel.trigger('client-burst', { i })).toBe(true)
    // Frames of one socket are handled in order: once this marker subscription's
    // webhook is in, all 12 client events have been handled and reported.
    await barrier(receiver, sender.client)

    const clientEvents = onChannel(name)(receiver.events()).filter((event) => event.name === 'client_event')
    expect(clientEvents.map((event) => JSON.parse(event.data!))).toEqual(Array.from({ length: 10 }, (_, i) => ({ i })))
    expect(errors).toHaveLength(2)
    expect(errors).toEqual([
      expect.objectContaining({ type: 'PusherError', data: expect.objectContaining({ code: 4301 }) }),
      expect.objectContaining({ type: 'PusherError', data: expect.objectContaining({ code: 4301 }) }),
    ])
  })
})

describe('webhook requests', () => {
  test('every request so far is signed with the app secret and carries {time_ms, events}', async () => {
    // Make sure there is at least one request of each kind of event.
    const name = unique('presence-signed')
    const { client, channel } = await subscribe({ userId: 'signer' }, name)
    const peer = await subscribe({ userId: 'peer' }, name)
    channel.trigger('client-x', { y: 1 })
    await receiver.until((events) => onChannel(name)(events).some((event) => event.name === 'client_event'))
    client.disconnect()
    await receiver.until((events) => onChannel(name)(events).some((event) => event.name === 'member_removed'))
    peer.client.disconnect()
    await receiver.until((events) => onChannel(name)(events).some((event) => event.name === 'channel_vacated'))

    expect(receiver.requests.length).toBeGreaterThanOrEqual(2)
    const names = new Set(receiver.events().map((event) => event.name))
    expect([...names].sort()).toEqual(
      expect.arrayContaining(['channel_occupied', 'channel_vacated', 'client_event', 'member_added', 'member_removed']),
    )
    for (const request of receiver.requests) expectWellFormed(request)
  })
})

describe('retries (a WebhookSender with a short back-off on the server\u2019s hooks)', () => {
  let flaky: Receiver
  let sender: WebhookSender
  let detach: () => void

  beforeAll(async () => {
    flaky = new Receiver()
    await flaky.start()
  })
  afterEach(() => {
    detach()
    sender.close()
  })
  afterAll(async () => {
    await flaky.stop()
  })

  /** Attach only once every earlier socket is gone, so no stray event reaches this sender. */
  async function attachSender(options: { maxAttempts?: number; timeoutMs?: number } = {}): Promise<void> {
    const deadline = Date.now() + 1_500
    while (server.realtime.stats().connections > 0) {
      if (Date.now() > deadline) throw new Error('earlier sockets still open')
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
    sender = new WebhookSender({
      url: flaky.url,
      app: server.realtime.app,
      log: pino({ level: 'silent' }),
      baseDelayMs: 50,
      maxDelayMs: 100,
      random: () => 1,
      ...options,
    })
    detach = sender.attach(server.realtime.hooks)
  }

  test('a batch answered 500 twice is retried with the same signed body and arrives; later events follow in order', async () => {
    const offset = flaky.requests.length
    flaky.statusFor = (index) => (index - offset < 2 ? 500 : 200)
    await attachSender()

    const first = unique('private-retry-a')
    const second = unique('private-retry-b')
    const later = await newClient({ userId: 'b' })
    await subscribe({ userId: 'a' }, first)
    // While the first batch is being retried (50 ms, then 100 ms), another event happens.
    await flaky.requestCount(offset + 1)
    await subscribed(later, second, 1_000)
    expect(flaky.requests.slice(offset).map((request) => request.status)).toEqual([500])

    const events = await flaky.until((all) => all.some((event) => event.channel === second))
    const requests = flaky.requests.slice(offset)
    expect(requests.map((request) => request.status)).toEqual([500, 500, 200, 200])
    // The retried batch is byte-for-byte the same request, validly signed each time.
    expect(requests[1]!.raw).toBe(requests[0]!.raw)
    expect(requests[2]!.raw).toBe(requests[0]!.raw)
    for (const request of requests) expectWellFormed(request)
    expect(JSON.parse(requests[0]!.raw).events).toEqual([{ name: 'channel_occupied', channel: first }])
    // Delivered once each, the held-back batch first.
    expect(events.filter((event) => event.channel === first || event.channel === second)).toEqual([
      { name: 'channel_occupied', channel: first },
      { name: 'channel_occupied', channel: second },
    ])
    expect(sender.retries).toBe(2)
    expect(sender.dropped).toBe(0)
    await sender.idle()
    expect(sender.delivered).toBe(2)
  })

  test('a batch that keeps failing is dropped after maxAttempts and the next batch still goes out', async () => {
    const offset = flaky.requests.length
    flaky.statusFor = (index) => (index - offset < 3 ? 503 : 200)
    await attachSender({ maxAttempts: 3 })

    const doomed = unique('private-doomed')
    await subscribe({ userId: 'a' }, doomed)
    await flaky.requestCount(offset + 3)
    await sender.idle()
    expect(sender.dropped).toBe(1)
    const next = unique('private-after-drop')
    await subscribe({ userId: 'b' }, next)
    await flaky.until((all) => all.some((event) => event.channel === next))

    const requests = flaky.requests.slice(offset)
    expect(requests.map((request) => request.status)).toEqual([503, 503, 503, 200])
    expect(JSON.parse(requests[0]!.raw).events).toEqual([{ name: 'channel_occupied', channel: doomed }])
    expect(JSON.parse(requests[3]!.raw).events).toEqual([{ name: 'channel_occupied', channel: next }])
    expect(sender.dropped).toBe(1)
    expect(sender.retries).toBe(2)
  })

  test('a receiver that never answers times out and the batch is retried', async () => {
    const offset = flaky.requests.length
    flaky.statusFor = (index) => (index - offset < 1 ? 0 : 200)
    await attachSender({ timeoutMs: 150 })

    const name = unique('private-hung')
    await subscribe({ userId: 'a' }, name)
    await flaky.until((all) => all.some((event) => event.channel === name))
    const requests = flaky.requests.slice(offset)
    expect(requests.map((request) => request.status)).toEqual([0, 200])
    expect(requests[1]!.raw).toBe(requests[0]!.raw)
    expect(requests[1]!.receivedAt - requests[0]!.receivedAt).toBeGreaterThanOrEqual(140)
    expect(sender.retries).toBe(1)
  })
})
