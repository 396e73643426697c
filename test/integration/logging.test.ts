/**
 * Structured logs (docs/design.md §3): the real `npm run server` process at
 * LOG_LEVEL=info, its stdout captured, goes through register, login (right and
 * wrong password), sends (good, malformed, too long), channel and user auth
 * with pusher-js, client events that become webhooks, a webhook receiver that
 * needs basic auth and fails once, signed webhooks in, the signed Pusher HTTP
 * API and /metrics with its token — every secret a distinctive string. None of
 * them may appear in the log; request ids must (a sane X-Request-Id is kept and
 * echoed). In process at LOG_LEVEL=debug: realtime lines carry the socket id,
 * and a failing publish logs neither the signed URL nor the secret.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Pusher from 'pusher'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import { createLogger } from '../../src/server/logger'
import type { AuthResponse, Conversation } from '../../src/shared/api'
import { conversationChannel, userChannel } from '../../src/shared/channels'
import { subscribed } from '../helpers/clients'
import { directConversation, newUser, type MessengerUser } from '../helpers/messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { freePort } from '../kit/ports'

const tag = randomBytes(4).toString('hex')
/** Every string that must never reach a log line. */
const secrets = {
  pusherSecret: `PusherSecret${tag}Value`,
  password: `Password${tag}Value`,
  wrongPassword: `WrongPassword${tag}Value`,
  messageBody: `MessageBody${tag}Value`,
  malformedBody: `MalformedBody${tag}Value`,
  longBody: `LongBody${tag}Value`,
  channelData: `ChannelData${tag}Value`,
  clientEventData: `ClientEvent${tag}Value`,
  webhookIn: `WebhookIn${tag}Value`,
  httpApiData: `HttpApiData${tag}Value`,
  hookPassword: `HookPassword${tag}Value`,
  hookQueryToken: `HookQuery${tag}Value`,
  metricsToken: `MetricsToken${tag}Value`,
}

/** A webhook endpoint behind basic auth that answers 500 once, then 200. */
class HookReceiver {
  readonly requests: { headers: IncomingHttpHeaders; url: string | undefined; body: string }[] = []
  private readonly http: Server = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      this.requests.push({ headers: req.headers, url: req.url, body })
      res.statusCode = this.requests.length === 1 ? 500 : 200
      res.end()
    })
  })

  async start(): Promise<number> {
    await new Promise<void>((resolve) => this.http.listen(0, '127.0.0.1', resolve))
    return (this.http.address() as AddressInfo).port
  }

  close(): Promise<void> {
    return new Promise((resolve) => this.http.close(() => resolve()))
  }
}

async function until(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 25))
  }
}

interface LogLine {
  level: number
  msg: string
  reqId?: string
  socketId?: string
  req?: { method: string; url: string }
  [key: string]: unknown
}

function jsonLines(text: string): LogLine[] {
  return text
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine)
}

function expectNoSecrets(output: string, extra: Record<string, string> = {}): void {
  for (const [name, value] of Object.entries({ ...secrets, ...extra })) {
    expect(output.includes(value), `${name} (${value}) is in the log`).toBe(false)
  }
  expect(output).not.toMatch(/auth_signature|authorization|x-pusher-signature/i)
}

describe('the server process at LOG_LEVEL=info', () => {
  const receiver = new HookReceiver()
  let server: ServerProcess
  let output = ''
  const tokens: Record<string, string> = {}
  const echoed: Record<string, string | null> = {}
  const traceId = `trace-${tag}`
  const clients: PusherClient[] = []

  const call = async (path: string, init: { method?: string; token?: string; body?: string; headers?: Record<string, string> } = {}) => {
    const response = await fetch(`${server.url}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        ...(init.token ? { authorization: `Bearer ${init.token}` } : {}),
        ...(init.body !== undefined ? { 'content-type': 'application/json' } : {}),
        ...init.headers,
      },
      body: init.body,
      signal: AbortSignal.timeout(5_000),
    })
    const text = await response.text()
    return { status: response.status, text, headers: response.headers }
  }

  beforeAll(async () => {
    const hookPort = await receiver.start()
    server = await spawnServer({
      LOG_LEVEL: 'info',
      DATA_DIR: mkdtempSync(join(tmpdir(), 'parley-logging-')),
      PUSHER_APP_ID: 'log-app',
      PUSHER_KEY: 'log-key',
      PUSHER_SECRET: secrets.pusherSecret,
      WEBHOOK_URL: `http://hooks:${secrets.hookPassword}@127.0.0.1:${hookPort}/hook?token=${secrets.hookQueryToken}`,
      METRICS_TOKEN: secrets.metricsToken,
    })

    // Accounts: register, login right and wrong, a REST user for realtime.
    const registered = await call('/api/auth/register', {
      method: 'POST',
      body: JSON.stringify({ username: `log${tag}`, password: secrets.password }),
    })
    expect(registered.status).toBe(201)
    tokens.registered = (JSON.parse(registered.text) as AuthResponse).token
    const login = await call('/api/auth/login', {
      method: 'POST',
      body: JSON.stringify({ username: `log${tag}`, password: secrets.password }),
    })
    expect(login.status).toBe(200)
    tokens.login = (JSON.parse(login.text) as AuthResponse).token
    expect(
      (await call('/api/auth/login', { method: 'POST', body: JSON.stringify({ username: `log${tag}`, password: secrets.wrongPassword }) })).status,
    ).toBe(401)

    const alice: MessengerUser = await newUser(server.url, 'alice', secrets.channelData)
    const bob = await newUser(server.url, 'bob')
    tokens.alice = alice.token
    tokens.bob = bob.token
    const conversation: Conversation = await directConversation(alice, bob)

    // Sends: good (with a request id to follow), malformed JSON, too long.
    const sent = await call(`/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      token: alice.token,
      body: JSON.stringify({ clientId: `log-${tag}`, body: secrets.messageBody }),
      headers: { 'x-request-id': traceId },
    })
    expect(sent.status).toBe(201)
    echoed.sane = sent.headers.get('x-request-id')
    const malformed = await call(`/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      token: alice.token,
      body: `{"clientId":"x","body":"${secrets.malformedBody}`,
      headers: { 'x-request-id': 'has spaces <and> brackets' },
    })
    expect(malformed.status).toBe(400)
    echoed.insane = malformed.headers.get('x-request-id')
    const long = await call(`/api/conversations/${conversation.id}/messages`, {
      method: 'POST',
      token: alice.token,
      body: JSON.stringify({ clientId: `long-${tag}`, body: `${secrets.longBody} ${'x'.repeat(5_000)}` }),
    })
    expect(long.status).toBe(400)

    // Realtime: channel auth (presence: channel_data with the display name), user auth, a client event.
    const aliceClient = await alice.connect()
    clients.push(aliceClient)
    await subscribed(aliceClient, userChannel(alice.user.id))
    const room = await subscribed(aliceClient, conversationChannel(conversation.id))
    aliceClient.signin()
    await aliceClient.user.signinDonePromise
    expect(room.trigger('client-typing', { typing: true, note: secrets.clientEventData })).toBe(true)

    // Webhooks in: one signed with the secret, one not.
    const webhookBody = JSON.stringify({
      time_ms: Date.now(),
      events: [{ name: 'member_added', channel: `presence-conversation-${secrets.webhookIn}`, user_id: secrets.webhookIn }],
    })
    const signature = createHmac('sha256', secrets.pusherSecret).update(webhookBody).digest('hex')
    const headers = { 'x-pusher-key': 'log-key', 'content-type': 'application/json' }
    expect((await call('/api/pusher/webhooks', { method: 'POST', body: webhookBody, headers: { ...headers, 'x-pusher-signature': signature } })).status).toBe(200)
    expect((await call('/api/pusher/webhooks', { method: 'POST', body: webhookBody, headers: { ...headers, 'x-pusher-signature': 'f'.repeat(64) } })).status).toBe(401)

    // The signed Pusher HTTP API, as an app server uses it.
    const sdk = new Pusher({ appId: 'log-app', key: 'log-key', secret: secrets.pusherSecret, host: '127.0.0.1', port: String(server.port), useTLS: false })
    await sdk.trigger(userChannel(alice.user.id), 'note', { text: secrets.httpApiData })
    await expect(
      new Pusher({ appId: 'log-app', key: 'log-key', secret: 'wrong-secret-value', host: '127.0.0.1', port: String(server.port), useTLS: false }).trigger(
        'public-x',
        'note',
        { text: secrets.httpApiData },
      ),
    ).rejects.toThrow()

    // Metrics with and without the token.
    expect((await call('/metrics', { token: secrets.metricsToken })).status).toBe(200)
    expect((await call('/metrics', { token: `${secrets.metricsToken}x` })).status).toBe(401)

    expect((await call('/api/auth/logout', { method: 'POST', token: tokens.login })).status).toBe(204)

    // The webhook batch with the client event failed once and was delivered on retry.
    await until(() => receiver.requests.length >= 2, 'the retried webhook batch')
    aliceClient.disconnect()
    await until(() => server.output().includes('webhook delivery failed: retrying'), 'the retry log line')

    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    output = server.output()
  }, 60_000)

  afterAll(async () => {
    clients.forEach((client) => client.disconnect())
    if (server?.child.exitCode === null) server.child.kill('SIGKILL')
    await receiver.close()
  })

  test('no secret, token, password, body, channel_data or signature is in the log', () => {
    expect(output).toContain('"level":30') // the log is there at all
    expectNoSecrets(output, tokens)
  })

  test('the webhook receiver got basic auth from WEBHOOK_URL, and the retry line shows neither it nor the query', () => {
    const expected = `Basic ${Buffer.from(`hooks:${secrets.hookPassword}`).toString('base64')}`
    expect(receiver.requests[0]?.headers.authorization).toBe(expected)
    expect(receiver.requests[0]?.url).toBe(`/hook?token=${secrets.hookQueryToken}`)
    expect(receiver.requests.some((request) => request.body.includes(secrets.clientEventData))).toBe(true)
    const retry = jsonLines(output).find((line) => line.msg === 'webhook delivery failed: retrying')
    expect(retry).toMatchObject({ level: 40, failure: 'HTTP 500', module: 'webhooks' })
  })

  test('every REST log line carries a request id; a sane X-Request-Id is kept and echoed, others replaced', () => {
    const lines = jsonLines(output)
    const requestLines = lines.filter((line) => line.msg === 'incoming request' || line.msg === 'request completed')
    expect(requestLines.length).toBeGreaterThan(20)
    for (const line of requestLines) expect(line.reqId, JSON.stringify(line)).toMatch(/^[A-Za-z0-9._:/+=@-]{1,128}$/)
    expect(echoed.sane).toBe(traceId)
    const traced = lines.filter((line) => line.reqId === traceId)
    expect(traced.map((line) => line.msg)).toEqual(['incoming request', 'request completed'])
    expect(traced[0]?.req).toMatchObject({ method: 'POST' })
    expect(echoed.insane).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/)
    expect(output).not.toContain('has spaces')
    // Request ids are unique per request.
    const incoming = requestLines.filter((line) => line.msg === 'incoming request').map((line) => line.reqId)
    expect(new Set(incoming).size).toBe(incoming.length)
    // Scrapes and the Pusher HTTP API stay out of the request log.
    expect(requestLines.some((line) => /^\/(metrics|apps\/)/.test(line.req?.url ?? ''))).toBe(false)
  })
})

describe('in process at LOG_LEVEL=debug', () => {
  const lines: string[] = []
  const destination = { write: (line: string) => void lines.push(line) }
  const dirs: string[] = []
  let server: ParleyServer

  const tempDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'parley-logging-'))
    dirs.push(dir)
    return dir
  }

  beforeAll(async () => {
    server = await startServer(
      loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: tempDir(), PUSHER_APP_ID: 'dbg-app', PUSHER_KEY: 'dbg-key', PUSHER_SECRET: secrets.pusherSecret }),
      createLogger('debug', destination),
    )
  })
  afterAll(async () => {
    await server?.close()
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
  })

  test('realtime lines carry the socket id', async () => {
    const alice = await newUser(server.url, 'alice', secrets.channelData)
    const bob = await newUser(server.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const client = await alice.connect()
    const socketId = client.connection.socket_id
    await subscribed(client, conversationChannel(conversation.id))
    await alice.send(conversation.id, secrets.messageBody)
    client.disconnect()
    await until(() => lines.some((line) => line.includes('"connection closed"')), 'the close line')

    const realtime = jsonLines(lines.join('')).filter((line) => line.module === 'realtime')
    expect(realtime.map((line) => line.msg)).toEqual(expect.arrayContaining(['connection established', 'connection closed']))
    for (const line of realtime) expect(line.socketId, JSON.stringify(line)).toBe(socketId)
    expectNoSecrets(lines.join(''), { alice: alice.token, bob: bob.token })
  })

  test('a publish that fails logs why, without the signed URL, the response body or the secret', async () => {
    const deadPort = await freePort()
    const log: string[] = []
    const external = await startServer(
      loadConfig({
        PORT: '0',
        HOST: '127.0.0.1',
        DATA_DIR: tempDir(),
        PUSHER_APP_ID: 'dbg-app',
        PUSHER_KEY: 'dbg-key',
        PUSHER_SECRET: secrets.pusherSecret,
        PUSHER_HOST: '127.0.0.1',
        PUSHER_PORT: String(deadPort),
        PUSHER_USE_TLS: 'false',
      }),
      createLogger('debug', { write: (line: string) => void log.push(line) }),
    )
    try {
      const alice = await newUser(external.url, 'alice')
      const bob = await newUser(external.url, 'bob')
      const conversation = await directConversation(alice, bob)
      await alice.send(conversation.id, secrets.messageBody)
      await external.publisher?.idle()
      const failed = jsonLines(log.join('')).filter((line) => line.msg === 'publish failed; clients will gap-fill')
      expect(failed.length).toBeGreaterThan(0)
      const err = failed[0]?.err as { message: string; url?: unknown; body?: unknown }
      expect(err.message).toMatch(/Request failed|ECONNREFUSED/)
      expect(err.url).toBeUndefined()
      expect(err.body).toBeUndefined()
      expectNoSecrets(log.join(''), { alice: alice.token, bob: bob.token })
      expect(log.join('')).not.toContain('auth_key=')
    } finally {
      await external.close()
    }
  })
})
