/**
 * The signed Pusher HTTP API of the embedded realtime server (PUSHER-PROTOCOL.md
 * "HTTP API"), driven by the official `pusher` SDK and observed with real
 * pusher-js clients. Hand-made requests (global fetch, signed here with
 * node:crypto) only for what the SDK never sends: bad signatures, stale
 * timestamps, wrong body_md5, unknown keys, duplicated parameters, bad JSON,
 * oversized bodies.
 *
 * "Nothing was published" is proven without sleeping: after the refused request
 * a marker event is triggered on the same channels; each socket receives frames
 * in order, so once the marker is there, anything published before it would
 * have arrived too.
 */
import { createHash, createHmac } from 'node:crypto'
import type Pusher from 'pusher'
import type PusherClient from 'pusher-js'
import type { Channel } from 'pusher-js'
import { afterAll, afterEach, beforeAll, describe, expect, test } from 'vitest'
import { connected, nextEvent, pusherClient, sdkFor, subscribed, type ClientIdentity } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
let sdk: Pusher
const clients: PusherClient[] = []

beforeAll(async () => {
  server = await startTestServer()
  sdk = sdkFor(server)
})
afterEach(() => {
  for (const client of clients.splice(0)) client.disconnect()
})
afterAll(async () => {
  await server.stop()
})

let counter = 0
/** A channel-name-safe name unique within this run. */
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

const MARKER = 'test-marker'

interface Received {
  event: string
  data: unknown
}

/** Every application event (not pusher:/pusher_internal:, not the marker) the channel receives from now on. */
function record(channel: Channel): Received[] {
  const received: Received[] = []
  channel.bind_global((event: string, data: unknown) => {
    if (event.startsWith('pusher') || event === MARKER) return
    received.push({ event, data })
  })
  return received
}

/** Trigger a marker on the channels and wait until each of them received it. */
async function settle(...channels: Channel[]): Promise<void> {
  const token = unique('m')
  const arrived = channels.map((channel) => nextEvent<{ token: string }>(channel, MARKER, 1_500))
  await sdk.trigger([...new Set(channels.map((channel) => channel.name))], MARKER, { token })
  for (const data of await Promise.all(arrived)) expect(data).toEqual({ token })
}

/** The status (and body) a rejected SDK call failed with. */
async function rejection(call: () => Promise<unknown>): Promise<{ status: number | undefined; body: string | undefined }> {
  try {
    await call()
  } catch (err) {
    const error = err as Pusher.RequestError
    return { status: error.status, body: error.body }
  }
  throw new Error('the request succeeded but was expected to fail')
}

/**
 * `pusher.post()` JSON-encodes `body` itself (as its own trigger() does with an
 * object), although its typings declare a string.
 */
function sdkBody(body: Record<string, unknown>): string {
  return body as unknown as string
}

async function json(response: { json(): Promise<unknown> }): Promise<unknown> {
  return response.json()
}

async function signIn(client: PusherClient, userId: string): Promise<void> {
  client.signin()
  await client.user.signinDonePromise
  expect((client.user.user_data as { id: string } | null)?.id).toBe(userId)
  // signinDonePromise resolves on pusher:signin_success, before pusher-js has
  // subscribed to #server-to-user-{id}; wait for that subscription too.
  const channel = client.user.serverToUserChannel
  expect(channel.name).toBe(`#server-to-user-${userId}`)
  if (channel.subscribed) return
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${channel.name} not subscribed`)), 2_000)
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer)
      resolve()
    })
  })
}

async function waitUntil(condition: () => Promise<boolean>, timeoutMs = 1_500): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
}

// ---------------------------------------------------------------------------
// Hand-made signed requests (only for cases the SDK cannot produce)

function md5(text: string): string {
  return createHash('md5').update(text, 'utf8').digest('hex')
}

function hmacSha256Hex(secret: string, payload: string): string {
  return createHmac('sha256', secret).update(payload).digest('hex')
}

interface HandMade {
  method?: 'GET' | 'POST'
  /** Path after /apps/{appId}, e.g. `/events`. */
  path: string
  params?: Record<string, string>
  body?: string
  appId?: string
  key?: string
  secret?: string
  timestamp?: number
  /** body_md5 to send instead of the body's real one. */
  bodyMd5?: string
  /** auth_signature to send instead of the right one. */
  signature?: string
  /** Appended to the final query string, after auth_signature. */
  extraQuery?: string
}

/**
 * Sign a request as PUSHER-PROTOCOL.md describes: auth_key, auth_timestamp,
 * auth_version=1.0, body_md5 (with a body) and the params, sorted by key,
 * joined `k=v&…` unescaped; HMAC-SHA256(secret, `METHOD\nPATH\nQUERY`) in hex.
 */
function handMade(request: HandMade): Promise<Response> {
  const method = request.method ?? 'POST'
  const path = `/apps/${request.appId ?? server.realtime.app.id}${request.path}`
  const params: Record<string, string> = {
    auth_key: request.key ?? server.realtime.app.key,
    auth_timestamp: String(request.timestamp ?? Math.floor(Date.now() / 1000)),
    auth_version: '1.0',
    ...request.params,
  }
  if (request.body !== undefined) params.body_md5 = request.bodyMd5 ?? md5(request.body)
  const query = Object.keys(params)
    .sort()
    .map((key) => `${key}=${params[key]}`)
    .join('&')
  const signature = request.signature ?? hmacSha256Hex(request.secret ?? server.realtime.app.secret, `${method}\n${path}\n${query}`)
  return fetch(`${server.url}${path}?${query}&auth_signature=${signature}${request.extraQuery ?? ''}`, {
    method,
    ...(request.body === undefined ? {} : { body: request.body, headers: { 'content-type': 'application/json' } }),
  })
}

function eventBody(channel: string, name: string, data: unknown): string {
  return JSON.stringify({ name, channels: [channel], data: JSON.stringify(data) })
}

// ---------------------------------------------------------------------------

describe('POST /events (trigger)', () => {
  test('reaches the subscribers of every channel, with the data parsed', async () => {
    const names = [unique('public'), unique('private-t'), unique('presence-t')]
    const subs = await Promise.all(names.map((name) => subscribe({ userId: 'alice' }, name)))
    const payload = { text: 'héllo', n: 42, nested: { list: [1, 'two', null], ok: true } }
    const arrivals = subs.map(({ channel }) => nextEvent(channel, 'message.created', 1_500))
    const response = await sdk.trigger(names, 'message.created', payload)
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({})
    expect(await Promise.all(arrivals)).toEqual([payload, payload, payload])
  })

  test('a single channel (string argument) reaches every subscriber of it', async () => {
    const name = unique('private-single')
    const a = await subscribe({ userId: 'a' }, name)
    const b = await subscribe({ userId: 'b' }, name)
    const arrivals = [nextEvent(a.channel, 'ping', 1_500), nextEvent(b.channel, 'ping', 1_500)]
    await sdk.trigger(name, 'ping', { at: 1 })
    expect(await Promise.all(arrivals)).toEqual([{ at: 1 }, { at: 1 }])
  })

  test('data that is not JSON arrives as the raw string', async () => {
    const name = unique('private-raw')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const arrival = nextEvent(channel, 'raw', 1_500)
    await sdk.trigger(name, 'raw', 'just text, not JSON')
    expect(await arrival).toBe('just text, not JSON')
  })

  test('a channel named twice in one trigger gets the event once', async () => {
    const name = unique('private-twice')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    await sdk.trigger([name, name], 'once', { n: 1 })
    await settle(channel)
    expect(events).toEqual([{ event: 'once', data: { n: 1 } }])
  })

  test('socket_id excludes that socket only', async () => {
    const name = unique('private-exclude')
    const sender = await subscribe({ userId: 'sender' }, name)
    const other = await subscribe({ userId: 'other' }, name)
    const senderEvents = record(sender.channel)
    const arrival = nextEvent(other.channel, 'message.created', 1_500)
    await sdk.trigger(name, 'message.created', { id: 'm1' }, { socket_id: sender.client.connection.socket_id })
    expect(await arrival).toEqual({ id: 'm1' })
    await settle(sender.channel, other.channel)
    expect(senderEvents).toEqual([])
  })

  test('info=subscription_count,user_count returns the counts per channel (user_count = distinct users)', async () => {
    const presence = unique('presence-info')
    const priv = unique('private-info')
    await subscribe({ userId: 'u1' }, presence)
    await subscribe({ userId: 'u1' }, presence) // the same user on a second socket
    await subscribe({ userId: 'u2' }, presence)
    await subscribe({ userId: 'u1' }, priv)

    const presenceResponse = await sdk.trigger(presence, 'e', {}, { info: 'subscription_count,user_count' })
    expect(await json(presenceResponse)).toEqual({
      channels: { [presence]: { subscription_count: 3, user_count: 2 } },
    })

    const both = await sdk.trigger([presence, priv], 'e', {}, { info: 'subscription_count' })
    expect(await json(both)).toEqual({
      channels: { [presence]: { subscription_count: 3 }, [priv]: { subscription_count: 1 } },
    })

    const empty = unique('private-nobody')
    const nobody = await sdk.trigger(empty, 'e', {}, { info: 'subscription_count' })
    expect(await json(nobody)).toEqual({ channels: { [empty]: { subscription_count: 0 } } })
  })

  // Server bug: the /events handler publishes before channelInfo() rejects user_count with 400.
  test('info=user_count on a non-presence channel is refused with 400 and publishes nothing', async () => {
    const name = unique('private-usercount')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    const { status } = await rejection(() => sdk.trigger(name, 'should-not-arrive', { x: 1 }, { info: 'user_count' }))
    expect(status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('an event name starting with pusher: or pusher_internal: is refused with 400', async () => {
    const name = unique('private-reserved')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    expect((await rejection(() => sdk.trigger(name, 'pusher:subscription_succeeded', {}))).status).toBe(400)
    expect((await rejection(() => sdk.trigger(name, 'pusher_internal:member_added', {}))).status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('more than 100 channels is refused with 400 and publishes nothing; exactly 100 is accepted', async () => {
    const name = unique('private-many')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    const fillers = Array.from({ length: 100 }, (_, i) => `${name}-filler-${i}`)
    // pusher.trigger() refuses > 100 channels before sending; its signed post() sends them.
    const { status } = await rejection(() =>
      sdk.post({ path: '/events', body: sdkBody({ name: 'too-many', data: '{}', channels: [name, ...fillers] }) }),
    )
    expect(status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])

    const arrival = nextEvent(channel, 'hundred', 1_500)
    const response = await sdk.trigger([name, ...fillers.slice(0, 99)], 'hundred', { ok: 1 })
    expect(response.status).toBe(200)
    expect(await arrival).toEqual({ ok: 1 })
  })

  test('an invalid channel name is refused with 400 and the valid channels of the request get nothing', async () => {
    const name = unique('private-valid')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    for (const bad of ['has space', 'star*', 'x'.repeat(201), '']) {
      const { status } = await rejection(() =>
        sdk.post({ path: '/events', body: sdkBody({ name: 'bad-channel', data: '{}', channels: [name, bad] }) }),
      )
      expect(status, JSON.stringify(bad.slice(0, 20))).toBe(400)
    }
    await settle(channel)
    expect(events).toEqual([])
  })

  test('data over 10 KB (counted in bytes) is refused with 413; exactly 10 KB is delivered', async () => {
    const name = unique('private-size')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    expect((await rejection(() => sdk.trigger(name, 'big', 'x'.repeat(10 * 1024 + 1)))).status).toBe(413)
    // 5121 two-byte characters: 5121 chars but 10242 bytes.
    expect((await rejection(() => sdk.trigger(name, 'big', 'é'.repeat(5121)))).status).toBe(413)
    await settle(channel)
    expect(events).toEqual([])

    const exact = 'y'.repeat(10 * 1024)
    const arrival = nextEvent(channel, 'exact', 1_500)
    await sdk.trigger(name, 'exact', exact)
    expect(await arrival).toBe(exact)
  })
})

describe('POST /batch_events (triggerBatch)', () => {
  test('delivers every event of the batch, in order, to each channel', async () => {
    const first = unique('private-batch-a')
    const second = unique('presence-batch-b')
    const a = await subscribe({ userId: 'a' }, first)
    const b = await subscribe({ userId: 'b' }, second)
    const aEvents = record(a.channel)
    const bEvents = record(b.channel)
    const response = await sdk.triggerBatch([
      { channel: first, name: 'one', data: { n: 1 } },
      { channel: second, name: 'two', data: { n: 2 } },
      { channel: first, name: 'three', data: 'plain' },
      { channel: second, name: 'four', data: { n: 4, deep: { x: [1] } } },
    ])
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({})
    await settle(a.channel, b.channel)
    expect(aEvents).toEqual([
      { event: 'one', data: { n: 1 } },
      { event: 'three', data: 'plain' },
    ])
    expect(bEvents).toEqual([
      { event: 'two', data: { n: 2 } },
      { event: 'four', data: { n: 4, deep: { x: [1] } } },
    ])
  })

  test('socket_id excludes that socket for its event only; info returns counts per event', async () => {
    const name = unique('presence-batch-x')
    const sender = await subscribe({ userId: 's' }, name)
    const other = await subscribe({ userId: 'o' }, name)
    const senderEvents = record(sender.channel)
    const otherEvents = record(other.channel)
    const response = await sdk.triggerBatch([
      { channel: name, name: 'excluded', data: { n: 1 }, socket_id: sender.client.connection.socket_id },
      { channel: name, name: 'everyone', data: { n: 2 }, info: 'subscription_count,user_count' },
    ])
    expect(await json(response)).toEqual({ batch: [{}, { subscription_count: 2, user_count: 2 }] })
    await settle(sender.channel, other.channel)
    expect(senderEvents).toEqual([{ event: 'everyone', data: { n: 2 } }])
    expect(otherEvents).toEqual([
      { event: 'excluded', data: { n: 1 } },
      { event: 'everyone', data: { n: 2 } },
    ])
  })

  test('10 events are accepted; 11 are refused with 400 and none of them is published', async () => {
    const name = unique('private-batch-limit')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    const batch = (count: number, prefix: string): Pusher.BatchEvent[] =>
      Array.from({ length: count }, (_, i) => ({ channel: name, name: `${prefix}-${i}`, data: { i } }))

    const { status } = await rejection(() => sdk.triggerBatch(batch(11, 'eleven')))
    expect(status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])

    const response = await sdk.triggerBatch(batch(10, 'ten'))
    expect(response.status).toBe(200)
    await settle(channel)
    expect(events).toEqual(Array.from({ length: 10 }, (_, i) => ({ event: `ten-${i}`, data: { i } })))
  })

  test('one bad event refuses the whole batch: reserved name 400, invalid channel 400, data over 10 KB 413', async () => {
    const name = unique('private-batch-bad')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    const good = { channel: name, name: 'good', data: { ok: true } }
    const cases: [Pusher.BatchEvent, number][] = [
      [{ channel: name, name: 'pusher:anything', data: {} }, 400],
      [{ channel: name, name: 'pusher_internal:member_added', data: {} }, 400],
      [{ channel: 'not a channel!', name: 'x', data: {} }, 400],
      [{ channel: name, name: 'big', data: 'z'.repeat(10 * 1024 + 1) }, 413],
    ]
    for (const [bad, expected] of cases) {
      const { status } = await rejection(() => sdk.triggerBatch([{ ...good }, bad, { ...good }]))
      expect(status, bad.name).toBe(expected)
    }
    await settle(channel)
    expect(events).toEqual([])
  })

  // Server bug: the /batch_events handler publishes before channelInfo() rejects user_count with 400.
  test('info=user_count for a non-presence channel in a batch is refused with 400 and publishes nothing', async () => {
    const name = unique('private-batch-usercount')
    const { channel } = await subscribe({ userId: 'a' }, name)
    const events = record(channel)
    const { status } = await rejection(() =>
      sdk.triggerBatch([{ channel: name, name: 'should-not-arrive', data: {}, info: 'user_count' }]),
    )
    expect(status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])
  })
})

describe('GET /channels, /channels/{name}, /channels/{name}/users', () => {
  test('GET /channels lists occupied channels by prefix', async () => {
    const prefix = unique('private-list')
    const names = [`${prefix}-a`, `${prefix}-b`]
    for (const name of names) await subscribe({ userId: 'a' }, name)
    await subscribe({ userId: 'a' }, unique('private-elsewhere'))

    const response = await sdk.get({ path: '/channels', params: { filter_by_prefix: prefix } })
    expect(await json(response)).toEqual({ channels: { [names[0]!]: {}, [names[1]!]: {} } })

    const none = await sdk.get({ path: '/channels', params: { filter_by_prefix: unique('private-nothing') } })
    expect(await json(none)).toEqual({ channels: {} })
  })

  test('GET /channels?info=user_count gives distinct users per presence channel; without the presence- prefix it is 400', async () => {
    const prefix = unique('presence-list')
    const busy = `${prefix}-busy`
    const quiet = `${prefix}-quiet`
    await subscribe({ userId: 'u1' }, busy)
    await subscribe({ userId: 'u1' }, busy)
    await subscribe({ userId: 'u2' }, busy)
    await subscribe({ userId: 'u3' }, quiet)

    const response = await sdk.get({ path: '/channels', params: { filter_by_prefix: prefix, info: 'user_count' } })
    expect(await json(response)).toEqual({ channels: { [busy]: { user_count: 2 }, [quiet]: { user_count: 1 } } })

    expect((await rejection(() => sdk.get({ path: '/channels', params: { info: 'user_count' } }))).status).toBe(400)
    expect(
      (await rejection(() => sdk.get({ path: '/channels', params: { filter_by_prefix: 'private-', info: 'user_count' } })))
        .status,
    ).toBe(400)
  })

  test('GET /channels/{name}: occupied, subscription_count, and a vacated channel', async () => {
    const name = unique('private-info')
    const a = await subscribe({ userId: 'a' }, name)
    const b = await subscribe({ userId: 'b' }, name)

    expect(await json(await sdk.get({ path: `/channels/${name}` }))).toEqual({ occupied: true })
    expect(await json(await sdk.get({ path: `/channels/${name}`, params: { info: 'subscription_count' } }))).toEqual({
      occupied: true,
      subscription_count: 2,
    })

    // When the last subscriber has left the channel is reported unoccupied.
    a.client.unsubscribe(name)
    b.client.unsubscribe(name)
    await waitUntil(async () => ((await json(await sdk.get({ path: `/channels/${name}` }))) as { occupied: boolean }).occupied === false)
    expect(await json(await sdk.get({ path: `/channels/${name}`, params: { info: 'subscription_count' } }))).toEqual({
      occupied: false,
      subscription_count: 0,
    })

    const never = unique('never-used')
    expect(await json(await sdk.get({ path: `/channels/${never}` }))).toEqual({ occupied: false })
  })

  test('GET /channels/{name}?info=user_count: distinct users on presence, 400 on other channels', async () => {
    const presence = unique('presence-count')
    await subscribe({ userId: 'u1' }, presence)
    await subscribe({ userId: 'u1' }, presence)
    await subscribe({ userId: 'u2' }, presence)
    const response = await sdk.get({ path: `/channels/${presence}`, params: { info: 'user_count,subscription_count' } })
    expect(await json(response)).toEqual({ occupied: true, user_count: 2, subscription_count: 3 })

    const priv = unique('private-count')
    await subscribe({ userId: 'u1' }, priv)
    expect((await rejection(() => sdk.get({ path: `/channels/${priv}`, params: { info: 'user_count' } }))).status).toBe(400)
    const pub = unique('public-count')
    await subscribe(undefined, pub)
    expect((await rejection(() => sdk.get({ path: `/channels/${pub}`, params: { info: 'user_count' } }))).status).toBe(400)
  })

  test('GET /channels/{name}/users lists distinct user ids (one user on two sockets counts once); 400 on non-presence', async () => {
    const name = unique('presence-users')
    const first = await subscribe({ userId: 'alice', userInfo: { displayName: 'Alice' } }, name)
    await subscribe({ userId: 'alice', userInfo: { displayName: 'Alice' } }, name)
    const bob = await subscribe({ userId: 'bob' }, name)

    const users = (await json(await sdk.get({ path: `/channels/${name}/users` }))) as { users: { id: string }[] }
    expect(users.users.map((user) => user.id).sort()).toEqual(['alice', 'bob'])
    expect(users.users).toHaveLength(2)
    for (const user of users.users) expect(Object.keys(user)).toEqual(['id'])

    // Bob leaves: only alice remains (seen by alice's socket as member_removed first).
    const removed = nextEvent<{ id: string }>(first.channel, 'pusher:member_removed', 1_500)
    bob.client.disconnect()
    expect((await removed).id).toBe('bob')
    expect(await json(await sdk.get({ path: `/channels/${name}/users` }))).toEqual({ users: [{ id: 'alice' }] })

    expect(await json(await sdk.get({ path: `/channels/${unique('presence-empty')}/users` }))).toEqual({ users: [] })

    const priv = unique('private-users')
    await subscribe({ userId: 'alice' }, priv)
    expect((await rejection(() => sdk.get({ path: `/channels/${priv}/users` }))).status).toBe(400)
    expect((await rejection(() => sdk.get({ path: `/channels/${unique('public-users')}/users` }))).status).toBe(400)
  })
})

describe('users: terminate_connections and sendToUser', () => {
  test('terminateUserConnections disconnects all of that user\u2019s sockets for good; other users are unaffected', async () => {
    const victim = unique('victim')
    const bystander = unique('bystander')
    const room = unique('presence-room')
    const victimTabs = [await newClient({ userId: victim }), await newClient({ userId: victim })]
    const other = await newClient({ userId: bystander })
    for (const client of victimTabs) await signIn(client, victim)
    await signIn(other, bystander)
    for (const client of victimTabs) await subscribed(client, room, 2_000)
    const otherRoom = await subscribed(other, room, 2_000)

    const states: string[][] = victimTabs.map(() => [])
    const errors: unknown[][] = victimTabs.map(() => [])
    victimTabs.forEach((client, i) => {
      client.connection.bind('state_change', ({ current }: { current: string }) => states[i]!.push(current))
      client.connection.bind('error', (error: unknown) => errors[i]!.push(error))
    })
    const memberRemoved = nextEvent<{ id: string }>(otherRoom, 'pusher:member_removed', 1_500)

    const response = await sdk.terminateUserConnections(victim)
    expect(response.status).toBe(200)

    expect((await memberRemoved).id).toBe(victim)
    for (const [i, client] of victimTabs.entries()) {
      await waitUntil(async () => client.connection.state === 'disconnected')
      // pusher-js reports the close code (4009, 4000–4099 = refused) as an error.
      expect(errors[i]).toContainEqual(expect.objectContaining({ type: 'PusherError', data: expect.objectContaining({ code: 4009 }) }))
    }
    expect(server.realtime.isUserOnline(victim)).toBe(false)

    // Refused means no reconnect: the state stays disconnected (a retry would go to connecting at once).
    await new Promise((resolve) => setTimeout(resolve, 300))
    for (const [i, client] of victimTabs.entries()) {
      expect(client.connection.state).toBe('disconnected')
      expect(states[i]).toEqual(['disconnected'])
    }
    expect(server.realtime.isUserOnline(victim)).toBe(false)

    // The other user's connection is untouched and still receives events.
    expect(other.connection.state).toBe('connected')
    expect(server.realtime.isUserOnline(bystander)).toBe(true)
    const arrival = nextEvent(otherRoom, 'after', 1_500)
    await sdk.trigger(room, 'after', { still: 'here' })
    expect(await arrival).toEqual({ still: 'here' })
    expect(await json(await sdk.get({ path: `/channels/${room}/users` }))).toEqual({ users: [{ id: bystander }] })
  })

  test('terminateUserConnections for a user with no connections succeeds and closes nothing', async () => {
    const someone = unique('someone')
    const client = await newClient({ userId: someone })
    await signIn(client, someone)
    const response = await sdk.terminateUserConnections(unique('nobody'))
    expect(response.status).toBe(200)
    expect(await json(response)).toEqual({})
    expect(client.connection.state).toBe('connected')
    expect(server.realtime.isUserOnline(someone)).toBe(true)
  })

  // The SDK signs `/users/{id}/terminate_connections` with the id unescaped, but
  // fetch percent-encodes it on the wire; the server must verify what the SDK signed.
  test('terminateUserConnections works for user ids the URL encodes (space, non-ASCII)', async () => {
    const userId = `Jos\u00e9 M\u00fcller ${process.pid}`
    const client = await newClient({ userId })
    await signIn(client, userId)
    const response = await sdk.terminateUserConnections(userId)
    expect(response.status).toBe(200)
    await waitUntil(async () => client.connection.state === 'disconnected')
    expect(server.realtime.isUserOnline(userId)).toBe(false)
  })

  test('sendToUser reaches every socket signed in as that user and nobody else', async () => {
    const alice = unique('alice')
    const bob = unique('bob')
    const aliceTabs = [await newClient({ userId: alice }), await newClient({ userId: alice })]
    const bobClient = await newClient({ userId: bob })
    for (const client of aliceTabs) await signIn(client, alice)
    await signIn(bobClient, bob)

    const bobEvents: Received[] = []
    bobClient.user.bind_global((event: string, data: unknown) => {
      if (event !== MARKER) bobEvents.push({ event, data })
    })
    const aliceArrivals = aliceTabs.map(
      (client) =>
        new Promise<unknown>((resolve, reject) => {
          const timer = setTimeout(() => reject(new Error('alice did not get the event')), 1_500)
          client.user.bind('notice', (data: unknown) => {
            clearTimeout(timer)
            resolve(data)
          })
        }),
    )
    const response = await sdk.sendToUser(alice, 'notice', { text: 'for alice', n: 1 })
    expect(response.status).toBe(200)
    expect(await Promise.all(aliceArrivals)).toEqual([
      { text: 'for alice', n: 1 },
      { text: 'for alice', n: 1 },
    ])

    // Bob got nothing: a marker sent to him afterwards arrives alone.
    const marker = new Promise<unknown>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('bob did not get the marker')), 1_500)
      bobClient.user.bind(MARKER, (data: unknown) => {
        clearTimeout(timer)
        resolve(data)
      })
    })
    await sdk.sendToUser(bob, MARKER, { token: 'bob' })
    expect(await marker).toEqual({ token: 'bob' })
    expect(bobEvents).toEqual([])
  })
})

describe('request signing (hand-made requests)', () => {
  async function watched(): Promise<{ name: string; channel: Channel; events: Received[] }> {
    const name = unique('private-signed')
    const { channel } = await subscribe({ userId: 'a' }, name)
    return { name, channel, events: record(channel) }
  }

  test('a request signed by hand as the protocol describes is accepted (control for the cases below)', async () => {
    const { name, channel } = await watched()
    const arrival = nextEvent(channel, 'by-hand', 1_500)
    const response = await handMade({ path: '/events', body: eventBody(name, 'by-hand', { ok: 1 }) })
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({})
    expect(await arrival).toEqual({ ok: 1 })

    const get = await handMade({ method: 'GET', path: `/channels/${name}`, params: { info: 'subscription_count' } })
    expect(get.status).toBe(200)
    expect(await get.json()).toEqual({ occupied: true, subscription_count: 1 })
  })

  test('a wrong auth_signature is 401 and publishes nothing', async () => {
    const { name, channel, events } = await watched()
    const body = eventBody(name, 'forged', {})
    const wrongSecret = await handMade({ path: '/events', body, secret: 'not-the-secret-at-all' })
    expect(wrongSecret.status).toBe(401)
    const flipped = await handMade({ path: '/events', body, signature: 'f'.repeat(64) })
    expect(flipped.status).toBe(401)
    const missing = await fetch(`${server.url}/apps/${server.realtime.app.id}/events?auth_key=${server.realtime.app.key}`, {
      method: 'POST',
      body,
      headers: { 'content-type': 'application/json' },
    })
    expect(missing.status).toBe(401)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('a signature over another method or path is 401', async () => {
    const { name, channel, events } = await watched()
    const body = eventBody(name, 'replayed', {})
    const params: Record<string, string> = {
      auth_key: server.realtime.app.key,
      auth_timestamp: String(Math.floor(Date.now() / 1000)),
      auth_version: '1.0',
      body_md5: md5(body),
    }
    const query = Object.keys(params)
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('&')
    const appPath = `/apps/${server.realtime.app.id}`
    const sign = (payload: string): string => hmacSha256Hex(server.realtime.app.secret, payload)
    const send = (signature: string): Promise<Response> =>
      fetch(`${server.url}${appPath}/events?${query}&auth_signature=${signature}`, {
        method: 'POST',
        body,
        headers: { 'content-type': 'application/json' },
      })
    expect((await send(sign(`GET\n${appPath}/events\n${query}`))).status).toBe(401)
    expect((await send(sign(`POST\n${appPath}/batch_events\n${query}`))).status).toBe(401)
    expect((await send(sign(`POST\n${appPath}/events\n${query}&extra=1`))).status).toBe(401)
    // The same construction with the right method and path is accepted.
    const arrival = nextEvent(channel, 'replayed', 1_500)
    expect((await send(sign(`POST\n${appPath}/events\n${query}`))).status).toBe(200)
    expect(await arrival).toEqual({})
    events.length = 0
    await settle(channel)
    expect(events).toEqual([])
  })

  test('auth_timestamp more than 600 s away (past or future) is 401; 599 s passes', async () => {
    const { name, channel, events } = await watched()
    // Whole seconds, rounded away from (refused) or towards (accepted) the server's clock.
    const seconds = (): number => Date.now() / 1000
    const refused: [string, () => number][] = [
      ['601 s ago', () => Math.floor(seconds()) - 601],
      ['601 s ahead', () => Math.ceil(seconds()) + 601],
      ['an hour ago', () => Math.floor(seconds()) - 3_600],
      ['not a number', () => Number.NaN],
    ]
    for (const [label, timestamp] of refused) {
      const response = await handMade({ path: '/events', body: eventBody(name, 'stale', { label }), timestamp: timestamp() })
      expect(response.status, label).toBe(401)
    }
    await settle(channel)
    expect(events).toEqual([])

    const accepted: [string, () => number][] = [
      ['599 s ago', () => Math.ceil(seconds()) - 599],
      ['599 s ahead', () => Math.floor(seconds()) + 599],
    ]
    for (const [label, timestamp] of accepted) {
      const arrival = nextEvent(channel, 'fresh', 1_500)
      const response = await handMade({ path: '/events', body: eventBody(name, 'fresh', { label }), timestamp: timestamp() })
      expect(response.status, label).toBe(200)
      expect(await arrival).toEqual({ label })
    }
  })

  test('a body_md5 that does not match the body is 401 (even when correctly signed)', async () => {
    const { name, channel, events } = await watched()
    const body = eventBody(name, 'tampered', { amount: 100 })
    const otherBody = eventBody(name, 'tampered', { amount: 1 })
    const response = await handMade({ path: '/events', body, bodyMd5: md5(otherBody) })
    expect(response.status).toBe(401)
    const garbage = await handMade({ path: '/events', body, bodyMd5: 'not-an-md5' })
    expect(garbage.status).toBe(401)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('an unknown auth_key is 401, even when signed with the real secret', async () => {
    const { name, channel, events } = await watched()
    const response = await handMade({ path: '/events', body: eventBody(name, 'unknown-key', {}), key: 'someone-elses-key' })
    expect(response.status).toBe(401)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('an unknown app id answers exactly as a wrong signature does (it cannot be told from a known one)', async () => {
    const { name, channel, events } = await watched()
    const body = eventBody(name, 'wrong-app', {})
    const answer = async (response: Promise<Response>) => {
      const r = await response
      return { status: r.status, body: await r.text() }
    }
    const wrongSignature = await answer(handMade({ path: '/events', body, signature: 'f'.repeat(64) }))
    expect(wrongSignature.status).toBe(401)
    // Signed with the real secret over the unknown app's own path: still the wrong-signature answer.
    expect(await answer(handMade({ path: '/events', body, appId: `${server.realtime.app.id}0` }))).toEqual(wrongSignature)
    expect(await answer(handMade({ path: '/events', body, appId: 'no-such-app', signature: 'f'.repeat(64) }))).toEqual(wrongSignature)
    const wrongGet = await answer(handMade({ method: 'GET', path: '/channels', signature: 'f'.repeat(64) }))
    expect(await answer(handMade({ method: 'GET', path: '/channels', appId: 'no-such-app' }))).toEqual(wrongGet)
    // Every other check comes first, for both alike: a stale timestamp is reported as such.
    const stale = Math.floor(Date.now() / 1000) - 3_600
    expect(await answer(handMade({ path: '/events', body, appId: 'no-such-app', timestamp: stale }))).toEqual(
      await answer(handMade({ path: '/events', body, timestamp: stale })),
    )
    await settle(channel)
    expect(events).toEqual([])
  })

  test('a signed POST is accepted once: the same request again (a replay) is 401 and publishes nothing', async () => {
    const { name, channel, events } = await watched()
    const body = eventBody(name, 'once', { n: 1 })
    const timestamp = Math.floor(Date.now() / 1000)
    const arrival = nextEvent(channel, 'once', 1_500)
    expect((await handMade({ path: '/events', body, timestamp })).status).toBe(200)
    expect(await arrival).toEqual({ n: 1 })
    events.length = 0
    const replay = await handMade({ path: '/events', body, timestamp })
    expect(replay.status).toBe(401)
    expect(await replay.json()).toEqual({ error: 'This signed request was already received; sign every request anew' })
    const batchBody = JSON.stringify({ batch: [{ channel: name, name: 'once', data: '{}' }] })
    expect((await handMade({ path: '/batch_events', body: batchBody, timestamp })).status).toBe(200)
    expect((await handMade({ path: '/batch_events', body: batchBody, timestamp })).status).toBe(401)
    expect((await handMade({ path: '/users/nobody/terminate_connections', body: '{}', timestamp })).status).toBe(200)
    expect((await handMade({ path: '/users/nobody/terminate_connections', body: '{}', timestamp })).status).toBe(401)
    // The same event signed a second later is a new request.
    const again = nextEvent(channel, 'once', 1_500)
    expect((await handMade({ path: '/events', body, timestamp: timestamp - 1 })).status).toBe(200)
    expect(await again).toEqual({ n: 1 })
    // Reads change nothing and may be repeated.
    for (let i = 0; i < 3; i++) expect((await handMade({ method: 'GET', path: `/channels/${name}`, timestamp })).status).toBe(200)
    await settle(channel)
    expect(events.filter((event) => event.event === 'once')).toHaveLength(2)
  })

  test('duplicated query parameters are refused with 400', async () => {
    const { name, channel, events } = await watched()
    const body = eventBody(name, 'duplicated', {})
    const timestamp = Math.floor(Date.now() / 1000)
    const dupTimestamp = await handMade({ path: '/events', body, timestamp, extraQuery: `&auth_timestamp=${timestamp}` })
    expect(dupTimestamp.status).toBe(400)
    const dupKey = await handMade({ path: '/events', body, extraQuery: `&auth_key=${server.realtime.app.key}` })
    expect(dupKey.status).toBe(400)
    const dupInfo = await handMade({
      method: 'GET',
      path: `/channels/${name}`,
      params: { info: 'subscription_count' },
      extraQuery: '&info=user_count',
    })
    expect(dupInfo.status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('a correctly signed body that is not JSON (or not an event) is 400', async () => {
    const { name, channel, events } = await watched()
    expect((await handMade({ path: '/events', body: '{"name": "x", "channels": [' })).status).toBe(400)
    expect((await handMade({ path: '/events', body: 'not json at all' })).status).toBe(400)
    expect((await handMade({ path: '/batch_events', body: '[}' })).status).toBe(400)
    // Valid JSON but data must be a string, and name/channels are required.
    expect((await handMade({ path: '/events', body: JSON.stringify({ name: 'x', channels: [name], data: { a: 1 } }) })).status).toBe(400)
    expect((await handMade({ path: '/events', body: JSON.stringify({ channels: [name], data: '{}' }) })).status).toBe(400)
    expect((await handMade({ path: '/events', body: JSON.stringify({ name: 'x', data: '{}' }) })).status).toBe(400)
    expect((await handMade({ path: '/batch_events', body: JSON.stringify({ batch: 'nope' }) })).status).toBe(400)
    await settle(channel)
    expect(events).toEqual([])
  })

  test('a body over the size limit is 413 and publishes nothing', async () => {
    const { name, channel, events } = await watched()
    // Far beyond any valid request (10 events × 10 KB): 1 MB of padding in a valid JSON event.
    const body = JSON.stringify({ name: 'huge', channels: [name], data: '{}', padding: 'p'.repeat(1024 * 1024) })
    const response = await handMade({ path: '/events', body })
    expect(response.status).toBe(413)
    await settle(channel)
    expect(events).toEqual([])
  })
})
