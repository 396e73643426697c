/**
 * GET /metrics (docs/design.md §3): after real traffic — pusher-js clients
 * authorised by the real /api/pusher/auth, REST sends, calls to the signed
 * Pusher HTTP API, webhooks to a receiver that fails once — the exposition
 * parses strictly and each series moved by what the traffic did. Every server
 * mode exposes what it has (external realtime: no realtime series; realtime
 * only: no api series). Access: loopback only without METRICS_TOKEN, bearer
 * token with it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../src/server/app'
import { ConfigError, loadConfig } from '../../src/server/config'
import { conversationChannel, userChannel, type MessageCreatedEvent } from '../../src/shared/channels'
import { nextEvent, sdkFor, subscribed } from '../helpers/clients'
import { directConversation, newUser } from '../helpers/messenger'
import { freePort } from '../kit/ports'
import { parseExposition, type Exposition } from '../helpers/prometheus'
import { startTestServer, type TestServer } from '../helpers/server'

async function scrape(baseUrl: string, headers: Record<string, string> = {}): Promise<Exposition> {
  const response = await fetch(`${baseUrl}/metrics`, { headers, signal: AbortSignal.timeout(5_000) })
  expect(response.status).toBe(200)
  expect(response.headers.get('content-type')).toBe('text/plain; version=0.0.4; charset=utf-8')
  return parseExposition(await response.text())
}

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

/** A webhook endpoint that answers 500 to its first request and 200 after. */
class FlakyReceiver {
  requests = 0
  private readonly http: Server = createServer((req, res) => {
    req.resume()
    req.on('end', () => {
      this.requests++
      res.statusCode = this.requests === 1 ? 500 : 200
      res.end()
    })
  })

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve))
    return `http://127.0.0.1:${(this.http.address() as AddressInfo).port}/hook`
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.http.close(() => resolve()))
  }
}

describe('embedded server', () => {
  let server: TestServer
  const receiver = new FlakyReceiver()
  const clients: PusherClient[] = []

  beforeAll(async () => {
    server = await startTestServer({ WEBHOOK_URL: await receiver.start() })
  })
  afterAll(async () => {
    clients.forEach((client) => client.disconnect())
    await server.stop()
    await receiver.close()
  })

  test('after pusher-js and REST traffic every series moved as the traffic says', async () => {
    const before = await scrape(server.url)
    // The first scrape shows every series this mode has, at zero.
    for (const name of [
      'parley_realtime_connections',
      'parley_realtime_channels',
      'parley_realtime_subscriptions',
      'parley_realtime_signed_in_users',
      'parley_realtime_messages_in_total',
      'parley_realtime_messages_out_total',
      'parley_messages_stored_total',
      'parley_publishes_total',
      'parley_publish_failures_total',
      'parley_webhook_events_delivered_total',
      'parley_webhook_retries_total',
      'parley_webhook_events_dropped_total',
    ]) {
      expect(before.value(name), name).toBe(0)
    }
    expect(before.family('parley_send_to_publish_seconds').type).toBe('histogram')
    expect(before.value('parley_send_to_publish_seconds', {}, 'parley_send_to_publish_seconds_count')).toBe(0)

    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const [aliceClient, bobClient] = await Promise.all([alice.connect(), bob.connect()])
    clients.push(aliceClient, bobClient)
    const bobInbox = await subscribed(bobClient, userChannel(bob.user.id))
    await subscribed(aliceClient, userChannel(alice.user.id))
    await subscribed(aliceClient, conversationChannel(conversation.id))
    aliceClient.signin()
    await aliceClient.user.signinDonePromise
    // pusher-js subscribes to #server-to-user-{id} right after signin_success.
    await until(async () => (await scrape(server.url)).value('parley_realtime_subscriptions') === 4, 'four subscriptions')

    // Three sends, each received by bob, and one idempotent repeat (stored once).
    for (const text of ['one', 'two', 'three']) {
      const received = nextEvent<MessageCreatedEvent>(bobInbox, 'message.created')
      const sent = await alice.send(conversation.id, text, `metrics-${text}`)
      expect(sent.seq).toBeGreaterThan(0)
      expect((await received).message.body).toBe(text)
    }
    expect((await alice.send(conversation.id, 'three', 'metrics-three')).seq).toBe(3)
    expect((await bob.call('GET', '/api/conversations')).status).toBe(200)
    expect((await bob.call('GET', '/api/no-such-route')).status).toBe(404)
    expect((await fetch(`${server.url}/api/me`)).status).toBe(401)

    // The signed Pusher HTTP API: one good trigger, one with a wrong secret.
    await sdkFor(server).trigger('public-metrics', 'ping', { n: 1 })
    await expect(sdkFor(server, { secret: 'not-the-secret' }).trigger('public-metrics', 'ping', {})).rejects.toThrow()

    // Webhooks (channel_occupied, member_added, …): the first batch fails once and is retried.
    await until(() => receiver.requests >= 2, 'a retried webhook batch', 10_000)
    await server.webhooks?.idle()

    const after = await scrape(server.url)
    const delta = (name: string, labels: Record<string, string> = {}, sample = name): number =>
      after.valueOr0(name, labels, sample) - before.valueOr0(name, labels, sample)

    expect(after.value('parley_realtime_connections')).toBe(2)
    // bob: private-user; alice: private-user, presence, #server-to-user-{id}.
    expect(after.value('parley_realtime_subscriptions')).toBe(4)
    expect(after.value('parley_realtime_channels')).toBe(4)
    expect(after.value('parley_realtime_signed_in_users')).toBe(1)
    // Frames from clients: 4 subscribes and a signin at least (pings may add more).
    expect(delta('parley_realtime_messages_in_total')).toBeGreaterThanOrEqual(5)
    // Three message.created to both members, plus the HTTP API's event (no subscriber: 0).
    expect(delta('parley_realtime_messages_out_total')).toBeGreaterThanOrEqual(6)

    expect(delta('parley_messages_stored_total')).toBe(3)
    const count = (m: Exposition) => m.value('parley_send_to_publish_seconds', {}, 'parley_send_to_publish_seconds_count')
    expect(count(after) - count(before)).toBe(3)
    const sum = after.value('parley_send_to_publish_seconds', {}, 'parley_send_to_publish_seconds_sum')
    expect(sum).toBeGreaterThan(0)
    expect(sum).toBeLessThan(3 * 5) // three sends, each well under 5 s
    // conversation.upsert to each member + three message.created.
    expect(delta('parley_publishes_total')).toBe(5)
    expect(delta('parley_publish_failures_total')).toBe(0)

    const rest = (method: string, route: string, statusClass: string) =>
      delta('parley_rest_requests_total', { method, route, status_class: statusClass })
    expect(rest('POST', '/api/conversations/:id/messages', '2xx')).toBe(4)
    expect(rest('POST', '/api/auth/register', '2xx')).toBe(2)
    expect(rest('POST', '/api/pusher/auth', '2xx')).toBe(3)
    expect(rest('POST', '/api/pusher/user-auth', '2xx')).toBe(1)
    expect(rest('GET', '/api/conversations', '2xx')).toBe(1)
    expect(rest('GET', '/api/me', '4xx')).toBe(1)
    expect(rest('GET', 'unmatched', '4xx')).toBe(1)
    // Scrapes count too (the first one once its response was sent).
    expect(rest('GET', '/metrics', '2xx')).toBeGreaterThanOrEqual(2)
    expect(
      after.value('parley_rest_request_duration_seconds', { method: 'POST', route: '/api/conversations/:id/messages' }, 'parley_rest_request_duration_seconds_count'),
    ).toBe(4)

    const httpApi = (status: string) => delta('parley_pusher_http_api_requests_total', { route: '/apps/:appId/events', status })
    expect(httpApi('200')).toBe(1)
    expect(httpApi('401')).toBe(1)

    expect(delta('parley_webhook_retries_total')).toBeGreaterThanOrEqual(1)
    expect(delta('parley_webhook_events_delivered_total')).toBeGreaterThanOrEqual(1)
    expect(delta('parley_webhook_events_dropped_total')).toBe(0)

    // Process metrics (prom-client's default set).
    expect(after.value('process_resident_memory_bytes')).toBeGreaterThan(10 * 1024 * 1024)
    expect(after.value('nodejs_heap_size_used_bytes')).toBeGreaterThan(0)
    expect(after.value('process_cpu_seconds_total')).toBeGreaterThan(0)
    expect(after.family('nodejs_eventloop_lag_seconds').type).toBe('gauge')
    expect(after.value('nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0)
  })

  test('gauges follow connections going away', async () => {
    clients.splice(0).forEach((client) => client.disconnect())
    await until(async () => (await scrape(server.url)).value('parley_realtime_connections') === 0, 'connections to close')
    const metrics = await scrape(server.url)
    expect(metrics.value('parley_realtime_subscriptions')).toBe(0)
    expect(metrics.value('parley_realtime_channels')).toBe(0)
    expect(metrics.value('parley_realtime_signed_in_users')).toBe(0)
  })
})

describe('external realtime and realtime-only servers', () => {
  const credentials = { PUSHER_APP_ID: 'metrics-app', PUSHER_KEY: 'metrics-key', PUSHER_SECRET: 'metrics-secret-value' }
  const dirs: string[] = []
  let realtimeOnly: ParleyServer
  let apiServer: ParleyServer

  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-metrics-'))
    dirs.push(dir)
    return dir
  }

  beforeAll(async () => {
    const [realtimePort, apiPort] = [await freePort(), await freePort()]
    const log = pino({ level: 'silent' })
    realtimeOnly = await startServer(
      loadConfig({
        ...credentials,
        PORT: String(realtimePort),
        DATA_DIR: tempDir(),
        REALTIME_ONLY: 'true',
        WEBHOOK_URL: `http://127.0.0.1:${apiPort}/api/pusher/webhooks`,
      }),
      log,
    )
    apiServer = await startServer(
      loadConfig({
        ...credentials,
        PORT: String(apiPort),
        DATA_DIR: tempDir(),
        PUSHER_HOST: '127.0.0.1',
        PUSHER_PORT: String(realtimePort),
        PUSHER_USE_TLS: 'false',
      }),
      log,
    )
  })
  afterAll(async () => {
    await apiServer?.close()
    await realtimeOnly?.close()
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
  })

  test('each exposes what it runs: realtime series on one, api series on the other', async () => {
    const alice = await newUser(apiServer.url, 'alice')
    const bob = await newUser(apiServer.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const bobClient = await bob.connect() // to the realtime-only server, as /api/config says
    try {
      const inbox = await subscribed(bobClient, userChannel(bob.user.id))
      const received = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
      await alice.send(conversation.id, 'across servers')
      await received

      const api = await scrape(apiServer.url)
      expect(api.has('parley_realtime_connections')).toBe(false)
      expect(api.has('parley_realtime_messages_out_total')).toBe(false)
      expect(api.has('parley_webhook_retries_total')).toBe(false)
      expect(api.value('parley_messages_stored_total')).toBe(1)
      expect(api.value('parley_send_to_publish_seconds', {}, 'parley_send_to_publish_seconds_count')).toBe(1)
      expect(api.value('parley_publishes_total')).toBeGreaterThanOrEqual(3) // 2 upserts + the message
      expect(api.valueOr0('parley_pusher_http_api_requests_total', { route: '/apps/:appId/events', status: '200' })).toBe(0)
      expect(api.has('process_resident_memory_bytes')).toBe(true)

      const realtime = await scrape(realtimeOnly.url)
      expect(realtime.has('parley_messages_stored_total')).toBe(false)
      expect(realtime.has('parley_publishes_total')).toBe(false)
      expect(realtime.has('parley_send_to_publish_seconds')).toBe(false)
      expect(realtime.value('parley_realtime_connections')).toBe(1)
      expect(realtime.value('parley_realtime_subscriptions')).toBe(1)
      expect(realtime.value('parley_realtime_messages_out_total')).toBeGreaterThanOrEqual(1)
      // The api's publishes arrive over the signed HTTP API (batched or single).
      const calls = ['/apps/:appId/events', '/apps/:appId/batch_events'].reduce(
        (total, route) => total + realtime.valueOr0('parley_pusher_http_api_requests_total', { route, status: '200' }),
        0,
      )
      expect(calls).toBeGreaterThanOrEqual(1)
      expect(realtime.has('parley_webhook_events_delivered_total')).toBe(true)
    } finally {
      bobClient.disconnect()
    }
  })
})

describe('access', () => {
  let open: TestServer
  let guarded: TestServer
  const token = 'metrics-token-0123456789abcdef'

  beforeAll(async () => {
    ;[open, guarded] = await Promise.all([startTestServer(), startTestServer({ METRICS_TOKEN: token })])
  })
  afterAll(async () => {
    await Promise.all([open?.stop(), guarded?.stop()])
  })

  const inject = (server: TestServer, remoteAddress: string, headers: Record<string, string> = {}) =>
    server.fastify.inject({ method: 'GET', url: '/metrics', remoteAddress, headers })

  test('without METRICS_TOKEN: loopback clients only, and not through a proxy', async () => {
    await scrape(open.url) // 127.0.0.1 over a real socket
    expect((await inject(open, '::1')).statusCode).toBe(200)
    expect((await inject(open, '::ffff:127.0.0.1')).statusCode).toBe(200)
    for (const remote of ['10.0.0.7', '192.168.1.20', '::ffff:10.0.0.7', '2001:db8::1']) {
      const reply = await inject(open, remote)
      expect(reply.statusCode, remote).toBe(403)
      expect(reply.json()).toMatchObject({ error: { code: 'forbidden' } })
      expect(reply.body).not.toContain('parley_')
    }
    // A reverse proxy on the same host connects from loopback: its requests are not local.
    for (const header of ['x-forwarded-for', 'forwarded', 'x-real-ip']) {
      const response = await fetch(`${open.url}/metrics`, { headers: { [header]: '203.0.113.9' } })
      expect(response.status, header).toBe(403)
      await response.arrayBuffer()
    }
  })

  test('with METRICS_TOKEN: the bearer token from anywhere, nothing without it', async () => {
    const noToken = await fetch(`${guarded.url}/metrics`)
    expect(noToken.status).toBe(401)
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer realm="metrics"')
    expect(await noToken.text()).not.toContain('parley_')
    const wrong = await fetch(`${guarded.url}/metrics`, { headers: { authorization: `Bearer ${token}x` } })
    expect(wrong.status).toBe(401)
    await wrong.arrayBuffer()

    const metrics = await scrape(guarded.url, { authorization: `Bearer ${token}` })
    expect(metrics.has('parley_realtime_connections')).toBe(true)
    const remote = await inject(guarded, '203.0.113.5', { authorization: `bearer ${token}`, 'x-forwarded-for': '198.51.100.1' })
    expect(remote.statusCode).toBe(200)
    expect((await inject(guarded, '203.0.113.5', { authorization: token })).statusCode).toBe(401)
  })

  test('METRICS_TOKEN must be long enough to be a secret', () => {
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow(ConfigError)
    expect(() => loadConfig({ METRICS_TOKEN: 'short' })).toThrow('METRICS_TOKEN')
    expect(() => loadConfig({ METRICS_TOKEN: 'has a space in it, sixteen+' })).toThrow('METRICS_TOKEN')
  })
})
