/**
 * External realtime service over TLS: `npm run server` with PUSHER_HOST and
 * PUSHER_PORT pointing at an HTTPS endpoint (a stand-in for the service's REST
 * API, with a self-signed certificate made by the openssl CLI and trusted
 * through NODE_EXTRA_CA_CERTS). Publishes must arrive there, signed, over TLS;
 * GET /api/config must tell clients to use TLS too — with PUSHER_USE_TLS=true
 * and, secure by default, with PUSHER_USE_TLS unset. Signatures are checked
 * here with node:crypto, independently of the server's code.
 */
import { execFileSync } from 'node:child_process'
import { createHash, createHmac } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:https'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ConfigResponse, Message } from '../../src/shared/api'
import { callApi, directConversation, newUser } from '../helpers/messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { freePort } from '../kit/ports'

const KEY = 'tls-key'
const SECRET = 'tls-secret-value'

/** One event as the service received it, from /events (one per channel) or /batch_events. */
interface ReceivedEvent {
  appId: string
  channel: string
  name: string
  data: string
}

interface Received {
  method: string
  path: string
  query: URLSearchParams
  body: string
}

const dirs: string[] = []
const received: Received[] = []
let service: Server
let servicePort: number
let certPath: string

function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  dirs.push(dir)
  return dir
}

/** Is `request` signed with the app's secret as the Pusher HTTP API requires (auth_signature, body_md5)? */
function signedCorrectly(request: Received): boolean {
  const params = [...request.query.entries()].filter(([key]) => key !== 'auth_signature').sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
  const signed = [request.method, request.path, params.map(([key, value]) => `${key}=${value}`).join('&')].join('\n')
  return (
    request.query.get('auth_key') === KEY &&
    request.query.get('auth_version') === '1.0' &&
    request.query.get('body_md5') === createHash('md5').update(request.body).digest('hex') &&
    request.query.get('auth_signature') === createHmac('sha256', SECRET).update(signed).digest('hex')
  )
}

/** The events in correctly signed publishes to /apps/<appId>/events or /batch_events. */
function eventsReceived(): ReceivedEvent[] {
  const events: ReceivedEvent[] = []
  for (const request of received) {
    const match = /^\/apps\/([^/]+)\/(events|batch_events)$/.exec(request.path)
    if (request.method !== 'POST' || !match?.[1] || !signedCorrectly(request)) continue
    const appId = match[1]
    const body = JSON.parse(request.body) as
      | { name: string; data: string; channels?: string[]; channel?: string }
      | { batch: { channel: string; name: string; data: string }[] }
    if ('batch' in body) {
      for (const event of body.batch) events.push({ appId, ...event })
    } else {
      for (const channel of body.channels ?? (body.channel ? [body.channel] : [])) {
        events.push({ appId, channel, name: body.name, data: body.data })
      }
    }
  }
  return events
}

beforeAll(async () => {
  const certDir = tempDir('parley-tls-cert-')
  const keyPath = join(certDir, 'key.pem')
  certPath = join(certDir, 'cert.pem')
  execFileSync(
    '/usr/bin/openssl',
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1']
      .concat(['-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', keyPath, '-out', certPath]),
    { stdio: 'pipe' },
  )
  service = createServer({ key: readFileSync(keyPath), cert: readFileSync(certPath) }, (req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://127.0.0.1')
      received.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, body })
      res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
    })
  })
  await new Promise<void>((resolve) => service.listen(0, '127.0.0.1', resolve))
  servicePort = (service.address() as AddressInfo).port
})

afterAll(async () => {
  service?.closeAllConnections()
  await new Promise((resolve) => (service ? service.close(resolve) : resolve(undefined)))
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
})

describe.each([
  { label: 'PUSHER_USE_TLS=true', appId: 'tls-on', useTls: 'true' },
  // Empty counts as unset (and overrides any PUSHER_USE_TLS in the test runner's environment).
  { label: 'PUSHER_USE_TLS unset (TLS is the default)', appId: 'tls-default', useTls: '' },
])('an external service over HTTPS, $label', ({ appId, useTls }) => {
  let api: ServerProcess

  beforeAll(async () => {
    api = await spawnServer({
      PUSHER_APP_ID: appId,
      PUSHER_KEY: KEY,
      PUSHER_SECRET: SECRET,
      PORT: String(await freePort()),
      DATA_DIR: tempDir('parley-tls-'),
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(servicePort),
      PUSHER_USE_TLS: useTls,
      AUTH_RATE_LIMIT: '1000',
      NODE_EXTRA_CA_CERTS: certPath,
    })
  }, 60_000)

  afterAll(() => {
    if (api?.child.exitCode === null) api.child.kill('SIGKILL')
  })

  test('GET /api/config tells clients to use TLS to the service, as the publisher does', async () => {
    const config = await callApi<ConfigResponse>(api.url, 'GET', '/api/config')
    expect(config.status).toBe(200)
    expect(config.body.pusher).toMatchObject({ key: KEY, wsHost: '127.0.0.1', wsPort: servicePort, forceTLS: true })
  })

  test('a sent message reaches the service as a signed message.created on each member’s private-user channel', async () => {
    const alice = await newUser(api.url, 'alice')
    const bob = await newUser(api.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const sent: Message = await alice.send(conversation.id, 'over https')

    const mine = () =>
      eventsReceived().filter(
        (event) =>
          event.appId === appId &&
          event.name === 'message.created' &&
          (JSON.parse(event.data) as { message?: { id?: string } }).message?.id === sent.id,
      )
    const deadline = Date.now() + 10_000
    while (mine().length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50))
    expect(
      mine().map((event) => event.channel).sort(),
      `the service got ${received.length} request(s); server output:\n${api.output()}`,
    ).toEqual([`private-user-${alice.user.id}`, `private-user-${bob.user.id}`].sort())
    const event = mine().find((e) => e.channel === `private-user-${bob.user.id}`)
    expect(JSON.parse(event?.data ?? '{}')).toMatchObject({ message: { id: sent.id, body: 'over https', conversationId: conversation.id } })
    // The conversation's creation went the same way.
    expect(eventsReceived()).toContainEqual(expect.objectContaining({ appId, channel: `private-user-${bob.user.id}`, name: 'conversation.upsert' }))
  })

  test('SIGTERM shuts the server down cleanly, keep-alive TLS agent included', async () => {
    api.child.kill('SIGTERM')
    expect(await api.exited, api.output()).toBe(0)
  })
})
