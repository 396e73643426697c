/**
 * Sizes (issue 6, "Hostile input"): 1 MB WebSocket frames, 100 MB request
 * bodies, 10,000 subscriptions from one socket and 1,000 sockets from one IP,
 * against the real `npm run server` process — so its memory is its own and
 * is read from /proc/<pid>/status (VmRSS, and VmHWM for the peak, which also
 * catches a buffer that was built and freed between two samples).
 *
 * Each attack must get a clear refusal (close 1009, 413 payload_too_large,
 * LimitReached, close 4100), cost bounded memory, and leave other users alone:
 * a pusher-js bystander keeps receiving events published through the HTTP API.
 *
 * Related, narrower tests: connection.test.ts ("a 1 MB frame closes only that
 * socket"), channels.test.ts ("a socket may hold only the configured number of
 * subscriptions"), api/bad-input.test.ts ("a 5 MB body → 413").
 */
import { request } from 'node:http'
import Pusher from 'pusher'
import PusherClient from 'pusher-js'
import type { Channel } from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connected, nextEvent, RawSocket, subscribed } from '../helpers/clients'
import { CHILD_CREDENTIALS, startChildServer, until, type ChildServer } from './support'

const MAX_CONNECTIONS_PER_IP = 50
const MAX_SUBSCRIPTIONS_PER_SOCKET = 1_000
const MB = 1024 * 1024
/** Growth of the server's peak RSS an attack may cause. Buffering any one attack whole would exceed it. */
const PEAK_BUDGET_KB = 48 * 1024

let server: ChildServer
let sdk: Pusher
let bystander: PusherClient
let bystanderRoom: Channel
let token: string
let conversationId: string

beforeAll(async () => {
  server = await startChildServer({
    MAX_CONNECTIONS_PER_IP: String(MAX_CONNECTIONS_PER_IP),
    MAX_SUBSCRIPTIONS_PER_SOCKET: String(MAX_SUBSCRIPTIONS_PER_SOCKET),
    // The per-socket limit is the subject here; the per-address cap on public channels has its own test.
    MAX_PUBLIC_CHANNELS_PER_IP: '1000000',
  })
  sdk = new Pusher({
    appId: CHILD_CREDENTIALS.id,
    key: CHILD_CREDENTIALS.key,
    secret: CHILD_CREDENTIALS.secret,
    host: '127.0.0.1',
    port: String(server.port),
    useTLS: false,
  })
  bystander = new PusherClient(CHILD_CREDENTIALS.key, {
    cluster: 'local',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
  })
  await connected(bystander)
  bystanderRoom = await subscribed(bystander, 'bystanders')

  const register = async (username: string) => {
    const response = await fetch(`${server.url}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: 'correct-horse-battery' }),
    })
    expect(response.status).toBe(201)
    return (await response.json()) as { token: string; user: { id: string } }
  }
  const me = await register(`sizes${process.pid}`)
  const other = await register(`sizes${process.pid}o`)
  token = me.token
  const created = await fetch(`${server.url}/api/conversations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ memberIds: [other.user.id] }),
  })
  expect(created.status).toBe(201)
  conversationId = ((await created.json()) as { id: string }).id
}, 30_000)

afterAll(async () => {
  bystander?.disconnect()
  await server?.stop()
})

let marks = 0
/** The bystander still gets what is published for it. */
async function bystanderStillReceives(): Promise<void> {
  marks += 1
  const arrived = nextEvent<{ n: number }>(bystanderRoom, 'still-here', 5_000)
  await sdk.trigger('bystanders', 'still-here', { n: marks })
  expect(await arrived).toEqual({ n: marks })
  expect(bystander.connection.state).toBe('connected')
}

function wsUrl(): string {
  return `ws://127.0.0.1:${server.port}/app/${CHILD_CREDENTIALS.key}?protocol=7&client=js&version=8.6.0&flash=false`
}

async function openRaw(localAddress = '127.0.0.1'): Promise<RawSocket> {
  const socket = new RawSocket(wsUrl(), { localAddress })
  await socket.waitFor((frame) => frame.event === 'pusher:connection_established' || frame.event === 'pusher:error')
  return socket
}

/**
 * Run `attack` and return how much the server's resident memory grew at its
 * highest (KiB): RSS sampled every 10 ms during the attack, and the kernel's
 * peak (VmHWM) when the attack pushed it past any earlier peak.
 */
async function memoryOf(label: string, attack: () => Promise<void>): Promise<{ peakGrowthKb: number }> {
  const rssBeforeKb = server.rssKb()
  const peakBeforeKb = server.peakRssKb()
  let sampledMaxKb = rssBeforeKb
  const sampler = setInterval(() => {
    sampledMaxKb = Math.max(sampledMaxKb, server.rssKb())
  }, 10)
  try {
    await attack()
  } finally {
    clearInterval(sampler)
  }
  const rssAfterKb = server.rssKb()
  const peakAfterKb = server.peakRssKb()
  const highest = Math.max(sampledMaxKb, rssAfterKb, peakAfterKb > peakBeforeKb ? peakAfterKb : 0)
  const peakGrowthKb = highest - rssBeforeKb
  if (process.env.HOSTILE_VERBOSE) {
    console.log(`[sizes] ${label}: RSS ${rssBeforeKb} → ${rssAfterKb} KiB, highest ${highest} KiB (+${peakGrowthKb} KiB)`)
  }
  return { peakGrowthKb }
}

describe('1 MB WebSocket frames', () => {
  test('each closes only its own socket with 1009 (whole or fragmented); memory stays bounded; the bystander keeps receiving', async () => {
    const codes: number[] = []
    const memory = await memoryOf('1 MB frames ×11', async () => {
      // Ten sockets, each one 1 MB text frame (10 MB in flight at once).
      const whole = await Promise.all(Array.from({ length: 10 }, () => openRaw()))
      for (const socket of whole) {
        socket.send(JSON.stringify({ event: 'client-big', channel: 'private-x', data: 'x'.repeat(MB) }))
      }
      // One socket sends 1 MB as 16 fragments of 64 KB: only the total can exceed the limit.
      const fragmented = await openRaw()
      const piece = 'y'.repeat(64 * 1024)
      for (let i = 0; i < 16; i++) fragmented.ws.send(piece, { fin: i === 15 })
      for (const socket of [...whole, fragmented]) codes.push(await socket.closed(10_000))
    })
    expect(codes).toEqual(Array.from({ length: 11 }, () => 1009))
    expect(memory.peakGrowthKb).toBeLessThan(PEAK_BUDGET_KB)
    await bystanderStillReceives()

    // A frame just under the limit (100 KB) is still handled: an error frame, the socket stays.
    const socket = await openRaw()
    socket.send(JSON.stringify({ event: 'not-an-event', data: 'z'.repeat(90 * 1024) }))
    const error = await socket.waitForNext((frame) => frame.event === 'pusher:error')
    expect(error.data).toMatchObject({ code: 4300 })
    expect(socket.closeCode).toBeNull()
    socket.close()
  })
})

/** Resolves on the first of `events`, then removes every listener it added (a loop of `once` races would pile them up). */
function firstOf(emitter: NodeJS.EventEmitter, events: readonly string[]): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      for (const event of events) emitter.off(event, done)
      resolve()
    }
    for (const event of events) emitter.on(event, done)
  })
}

describe('100 MB request bodies', () => {
  interface Upload {
    status: number
    body: string
    /** Bytes written before the answer came. */
    sentBeforeAnswer: number
  }

  /**
   * Stream `totalBytes` to the server with node:http, honouring back-pressure,
   * and stop as soon as it answers. Never holds more than one 64 KB chunk.
   */
  function upload(
    path: string,
    options: { method?: string; headers?: Record<string, string>; totalBytes: number; chunked: boolean },
  ): Promise<Upload> {
    return new Promise((resolve, reject) => {
      const chunk = Buffer.alloc(64 * 1024, 'a')
      let sent = 0
      let answered = false
      const req = request(`${server.url}${path}`, {
        method: options.method ?? 'POST',
        headers: {
          ...options.headers,
          ...(options.chunked ? { 'transfer-encoding': 'chunked' } : { 'content-length': String(options.totalBytes) }),
        },
      })
      const timer = setTimeout(() => {
        req.destroy()
        reject(new Error(`${path}: no answer within 20 s (${sent} bytes sent)`))
      }, 20_000)
      req.on('response', (res) => {
        answered = true
        // What actually went out on the wire (the kernel may still hold part of it).
        const sentBeforeAnswer = req.socket?.bytesWritten ?? sent
        let body = ''
        res.setEncoding('utf8')
        res.on('data', (text: string) => (body += text))
        res.on('end', () => {
          clearTimeout(timer)
          req.destroy()
          resolve({ status: res.statusCode ?? 0, body, sentBeforeAnswer })
        })
        res.on('error', () => undefined)
      })
      req.on('error', (err) => {
        // The server may drop the connection once it has answered; only an error before the answer counts.
        if (answered) return
        clearTimeout(timer)
        reject(new Error(`${path}: ${err.message} after ${sent} bytes without an answer`))
      })
      void (async () => {
        while (!answered && sent < options.totalBytes && !req.destroyed) {
          const more = req.write(chunk)
          sent += chunk.length
          if (!more) {
            await firstOf(req, ['drain', 'response', 'close'])
          }
          // Let the answer in between chunks, even while the socket takes everything.
          await new Promise((resolve) => setImmediate(resolve))
        }
        if (!answered && !req.destroyed) req.end()
      })()
    })
  }

  const signedEventsPath = (path: string): string => {
    // A correctly signed request line: the body is refused for its size before the signature could matter.
    const params = { auth_key: CHILD_CREDENTIALS.key, auth_timestamp: String(Math.floor(Date.now() / 1000)), auth_version: '1.0' }
    const query = Object.entries(params)
      .map(([key, value]) => `${key}=${value}`)
      .join('&')
    return `/apps/${CHILD_CREDENTIALS.id}${path}?${query}`
  }

  const targets: [string, () => { path: string; headers: Record<string, string> }][] = [
    ['REST send message (JSON, with a token)', () => ({
      path: `/api/conversations/${conversationId}/messages`,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    })],
    ['REST register (JSON, no token needed)', () => ({ path: '/api/auth/register', headers: { 'content-type': 'application/json' } })],
    ['REST channel auth (form-encoded, as pusher-js posts it)', () => ({
      path: '/api/pusher/auth',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Bearer ${token}` },
    })],
    ['REST webhooks (raw JSON parser)', () => ({
      path: '/api/pusher/webhooks',
      headers: { 'content-type': 'application/json', 'x-pusher-key': CHILD_CREDENTIALS.key, 'x-pusher-signature': 'f'.repeat(64) },
    })],
    ['REST conversations (text/plain)', () => ({
      path: '/api/conversations',
      headers: { 'content-type': 'text/plain', authorization: `Bearer ${token}` },
    })],
    ['Pusher HTTP API events (JSON)', () => ({ path: signedEventsPath('/events'), headers: { 'content-type': 'application/json' } })],
    ['Pusher HTTP API batch_events (no content type)', () => ({ path: signedEventsPath('/batch_events'), headers: {} })],
  ]

  for (const chunked of [false, true]) {
    const mode = chunked ? 'chunked, no length announced' : 'Content-Length: 100 MB'
    test.each(targets)(`%s, ${mode} → 413 early, memory bounded`, async (_label, target) => {
      const { path, headers } = target()
      let result: Upload | undefined
      const memory = await memoryOf(`100 MB to ${path.split('?')[0]} (${mode})`, async () => {
        result = await upload(path, { headers, totalBytes: 100 * MB, chunked })
      })
      const answer = result as Upload
      expect(answer.status, answer.body).toBe(413)
      const body = JSON.parse(answer.body) as { error: unknown }
      if (path.startsWith('/api/')) {
        expect(body.error).toMatchObject({ code: 'payload_too_large', message: expect.any(String) })
      } else {
        expect(body.error).toEqual(expect.any(String))
      }
      // Refused after at most the limit plus what sockets buffer — never after 100 MB.
      expect(answer.sentBeforeAnswer).toBeLessThan(16 * MB)
      if (process.env.HOSTILE_VERBOSE) console.log(`[sizes]   answered after ${answer.sentBeforeAnswer} bytes on the wire`)
      expect(memory.peakGrowthKb).toBeLessThan(PEAK_BUDGET_KB)
      const health = await fetch(`${server.url}/healthz`)
      expect(health.status).toBe(200)
    })
  }

  test('a 100 MB body on a GET (no body expected) is not buffered either', async () => {
    let result: Upload | undefined
    const memory = await memoryOf('100 MB GET body', async () => {
      result = await upload('/api/me', {
        method: 'GET',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        totalBytes: 100 * MB,
        chunked: true,
      })
    })
    expect((result as Upload).status).toBeLessThan(500)
    expect(memory.peakGrowthKb).toBeLessThan(PEAK_BUDGET_KB)
    await bystanderStillReceives()
  })
})

describe('10,000 subscriptions from one socket', () => {
  test(`the first ${MAX_SUBSCRIPTIONS_PER_SOCKET} succeed, the rest get LimitReached; memory bounded; all vacated on close`, async () => {
    const socket = await openRaw()
    const replies = (): RawSocket['frames'] =>
      socket.frames.filter((frame) => frame.event === 'pusher_internal:subscription_succeeded' || frame.event === 'pusher:subscription_error')
    const memory = await memoryOf('10,000 subscriptions', async () => {
      for (let i = 0; i < 10_000; i++) socket.send({ event: 'pusher:subscribe', data: { channel: `many-${i}` } })
      await until(() => replies().length === 10_000, 'a reply to each of 10,000 subscriptions', 30_000)
    })
    const all = replies()
    const succeeded = all.filter((frame) => frame.event === 'pusher_internal:subscription_succeeded')
    const refused = all.filter((frame) => frame.event === 'pusher:subscription_error')
    expect(succeeded.map((frame) => frame.channel)).toEqual(Array.from({ length: MAX_SUBSCRIPTIONS_PER_SOCKET }, (_, i) => `many-${i}`))
    expect(refused).toHaveLength(10_000 - MAX_SUBSCRIPTIONS_PER_SOCKET)
    for (const frame of refused) expect(frame.data).toMatchObject({ type: 'LimitReached', status: 429 })
    expect(socket.closeCode).toBeNull()
    expect(memory.peakGrowthKb).toBeLessThan(PEAK_BUDGET_KB)

    const listed = async (): Promise<number> => {
      const response = await sdk.get({ path: '/channels', params: { filter_by_prefix: 'many-' } })
      return Object.keys(((await response.json()) as { channels: Record<string, unknown> }).channels).length
    }
    expect(await listed()).toBe(MAX_SUBSCRIPTIONS_PER_SOCKET)
    // The limit is per socket: another socket subscribes at once.
    const other = await openRaw()
    other.send({ event: 'pusher:subscribe', data: { channel: `many-${MAX_SUBSCRIPTIONS_PER_SOCKET + 1}` } })
    await other.waitFor((frame) => frame.event === 'pusher_internal:subscription_succeeded')
    other.close()
    await bystanderStillReceives()

    socket.close()
    await until(async () => (await listed()) === 0, 'every channel of the closed socket vacated')
  })
})

describe('1,000 sockets from one IP', () => {
  test(`past MAX_CONNECTIONS_PER_IP=${MAX_CONNECTIONS_PER_IP} new sockets get 4100; the ones already open keep working; other addresses are unaffected`, async () => {
    // The bystander (pusher-js, 127.0.0.1) already holds one of the 50.
    const sockets: RawSocket[] = []
    const memory = await memoryOf('1,000 sockets', async () => {
      for (let batch = 0; batch < 10; batch++) {
        const opened = await Promise.all(Array.from({ length: 100 }, () => openRaw()))
        sockets.push(...opened)
      }
      const refusedNow = sockets.filter((socket) => socket.frames[0]?.event === 'pusher:error')
      await Promise.all(refusedNow.map((socket) => socket.closed()))
    })
    const accepted = sockets.filter((socket) => socket.frames[0]?.event === 'pusher:connection_established')
    const refused = sockets.filter((socket) => socket.frames[0]?.event === 'pusher:error')
    expect(accepted).toHaveLength(MAX_CONNECTIONS_PER_IP - 1)
    expect(refused).toHaveLength(1_000 - accepted.length)
    for (const socket of refused) {
      expect(socket.frames[0]?.data).toMatchObject({ code: 4100 })
      expect(socket.closeCode).toBe(4100)
    }
    expect(memory.peakGrowthKb).toBeLessThan(PEAK_BUDGET_KB)

    // Another address is not counted against 127.0.0.1.
    const elsewhere = await openRaw('127.0.0.2')
    expect(elsewhere.frames[0]?.event).toBe('pusher:connection_established')

    // Every socket that was let in still works: subscribe and receive.
    for (const socket of [...accepted, elsewhere]) socket.send({ event: 'pusher:subscribe', data: { channel: 'crowd' } })
    await Promise.all([...accepted, elsewhere].map((socket) => socket.waitFor((frame) => frame.event === 'pusher_internal:subscription_succeeded')))
    await sdk.trigger('crowd', 'hello', { to: 'everyone' })
    await Promise.all([...accepted, elsewhere].map((socket) => socket.waitFor((frame) => frame.event === 'hello')))
    await bystanderStillReceives()

    // The limit counts live sockets: closing one lets one more in.
    const leaving = accepted.pop() as RawSocket
    leaving.close()
    await leaving.closed()
    await until(async () => {
      const probe = await openRaw()
      const ok = probe.frames[0]?.event === 'pusher:connection_established'
      if (ok) accepted.push(probe)
      else await probe.closed()
      return ok
    }, 'a slot freed by a closed socket')

    for (const socket of [...accepted, elsewhere]) socket.close()
    await Promise.all([...accepted, elsewhere].map((socket) => socket.closed()))
  }, 60_000)
})
