/**
 * GET /api/config behind a TLS-terminating reverse proxy (TRUST_PROXY): with
 * the embedded realtime server, clients are told the host, port and scheme
 * they used — which, behind a proxy, only X-Forwarded-Proto/-Host know. Those
 * headers count only from a trusted peer; by default nobody is trusted and
 * they are ignored, since any client could send them.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ConfigResponse } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { Rest } from '../../helpers/rest'

const servers: TestServer[] = []

async function start(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer(env)
  servers.push(server)
  return server
}

afterAll(async () => {
  await Promise.all(servers.map((server) => server.stop()))
})

function configVia(server: TestServer, headers: Record<string, string>) {
  return new Rest(server.url).call<ConfigResponse>('GET', '/api/config', { headers })
}

const proxiedHttps = { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'chat.example.com' }

describe.each([
  { label: 'TRUST_PROXY=true', value: 'true' },
  { label: 'TRUST_PROXY naming the proxy’s address', value: '127.0.0.1' },
  { label: 'TRUST_PROXY naming the proxy’s network among others', value: '10.0.0.0/8, 127.0.0.0/8' },
])('with $label', ({ value }) => {
  let server: TestServer
  beforeAll(async () => {
    server = await start({ TRUST_PROXY: value })
  })

  test('a request forwarded as https → wss on the public host, port 443', async () => {
    const reply = await configVia(server, proxiedHttps)
    expect(reply.status).toBe(200)
    expect(reply.json.pusher).toEqual({
      key: server.credentials.key,
      cluster: 'parley',
      wsHost: 'chat.example.com',
      wsPort: 443,
      forceTLS: true,
    })
  })

  test('an explicit port in X-Forwarded-Host is kept', async () => {
    const reply = await configVia(server, { 'X-Forwarded-Proto': 'https', 'X-Forwarded-Host': 'chat.example.com:8443' })
    expect(reply.json.pusher).toMatchObject({ wsHost: 'chat.example.com', wsPort: 8443, forceTLS: true })
  })

  test('a request forwarded as plain http → ws on port 80', async () => {
    const reply = await configVia(server, { 'X-Forwarded-Proto': 'http', 'X-Forwarded-Host': 'chat.example.com' })
    expect(reply.json.pusher).toMatchObject({ wsHost: 'chat.example.com', wsPort: 80, forceTLS: false })
  })

  test('a request without forwarding headers → the host and port it used, no TLS', async () => {
    const reply = await configVia(server, {})
    expect(reply.json.pusher).toMatchObject({ wsHost: '127.0.0.1', wsPort: server.port, forceTLS: false })
  })
})

describe.each<{ label: string; env: Record<string, string> }>([
  { label: 'TRUST_PROXY unset (the default)', env: {} },
  { label: 'TRUST_PROXY=false', env: { TRUST_PROXY: 'false' } },
  { label: 'TRUST_PROXY naming other addresses than the peer’s', env: { TRUST_PROXY: '10.0.0.0/8,192.168.1.1' } },
])('with $label', ({ env }) => {
  test('forwarding headers are ignored: same origin (the address and port the request arrived on), no TLS', async () => {
    const server = await start(env)
    const reply = await configVia(server, proxiedHttps)
    expect(reply.status).toBe(200)
    expect(reply.json.pusher).toEqual({
      key: server.credentials.key,
      cluster: 'parley',
      wsHost: '127.0.0.1',
      wsPort: server.port,
      forceTLS: false,
      sameOrigin: true,
    })
  })
})
