/**
 * The smaller holes of issue 14, each against a real server: strangers'
 * presence, response headers, the Host header in GET /api/config, NUL in
 * message bodies, and `__proto__` keys answered with an error that names them.
 */
import { get } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { realtimeEndpoint } from '../../../src/main/core/realtime/link'
import type { ConfigResponse, User } from '../../../src/shared/api'
import { Rest, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'

const servers: TestServer[] = []
let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await start({})
  rest = new Rest(server.url)
})

afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()))
})

async function start(env: Record<string, string>): Promise<TestServer> {
  const started = await startTestServer(env)
  servers.push(started)
  return started
}

describe('presence of strangers', () => {
  let me: Account
  let friend: Account
  let stranger: Account

  beforeAll(async () => {
    me = await rest.newUser('pm')
    friend = await rest.newUser('pf')
    stranger = await rest.newUser('ps')
    await rest.conversation(me, [friend])
  })

  const byId = (users: User[], id: string) => users.find((user) => user.id === id)

  test('GET /api/users?ids= gives presence for people I share a conversation with (and me), names only for others', async () => {
    const reply = await rest.get<User[]>(`/api/users?ids=${me.user.id},${friend.user.id},${stranger.user.id}`, me.token)
    expect(reply.status).toBe(200)
    expect(byId(reply.json, me.user.id)).toMatchObject({ online: false, lastSeenAt: null })
    expect(byId(reply.json, friend.user.id)).toMatchObject({ online: false, lastSeenAt: null })
    expect(byId(reply.json, stranger.user.id)).toEqual({
      id: stranger.user.id,
      username: stranger.username,
      displayName: stranger.user.displayName,
    })
  })

  test('the directory search (?q=) gives names only for strangers', async () => {
    const reply = await rest.get<User[]>(`/api/users?q=${stranger.username}`, me.token)
    const found = byId(reply.json, stranger.user.id)
    expect(found).toBeDefined()
    expect(found).not.toHaveProperty('online')
    expect(found).not.toHaveProperty('lastSeenAt')
    const friendFound = byId((await rest.get<User[]>(`/api/users?q=${friend.username}`, me.token)).json, friend.user.id)
    expect(friendFound).toHaveProperty('online', false)
    expect(friendFound).toHaveProperty('lastSeenAt')
  })

  test('GET /api/me and sign-in carry my own presence', async () => {
    expect((await rest.get<User>('/api/me', me.token)).json).toHaveProperty('online')
    const login = await rest.login(me.username, 'correct-horse-battery')
    expect(login.json.user).toHaveProperty('lastSeenAt')
  })
})

describe('response headers', () => {
  test.each([
    ['GET', '/api/config', undefined, 200],
    ['GET', '/api/me', 'token', 200],
    ['GET', '/api/me', undefined, 401],
    ['GET', '/api/nothing-here', undefined, 404],
    ['POST', '/api/auth/login', undefined, 400],
    ['GET', '/healthz', undefined, 200],
    ['GET', '/apps/x/channels', undefined, 401],
  ] as const)('%s %s (%s) → %i with nosniff and no-store', async (method, path, auth, status) => {
    const account = auth === 'token' ? await rest.newUser('hd') : undefined
    const reply = await rest.call(method, path, { ...(account ? { token: account.token } : {}), ...(method === 'POST' ? { body: {} } : {}) })
    expect(reply.status).toBe(status)
    expect(reply.headers.get('x-content-type-options')).toBe('nosniff')
    expect(reply.headers.get('cache-control')).toBe('no-store')
  })
})

describe('GET /api/config and the Host header', () => {
  /** GET /api/config with this Host header (fetch would replace it with the real one). */
  function configWithHost(target: TestServer, host: string): Promise<ConfigResponse> {
    return new Promise((resolve, reject) => {
      const request = get({ host: '127.0.0.1', port: target.port, path: '/api/config', headers: { Host: host } }, (response) => {
        let text = ''
        response.on('data', (chunk: Buffer) => (text += chunk.toString()))
        response.on('end', () => resolve(JSON.parse(text) as ConfigResponse))
      })
      request.on('error', reject)
    })
  }

  test('without TRUST_PROXY a forged Host is not echoed: "same origin", with the address the request arrived on', async () => {
    expect((await configWithHost(server, 'evil.example:666')).pusher).toMatchObject({
      wsHost: '127.0.0.1',
      wsPort: server.port,
      forceTLS: false,
      sameOrigin: true,
    })
  })

  test('the app follows "same origin" to wherever it reached the REST api (through a port forward, say)', () => {
    const config: ConfigResponse = {
      pusher: { key: 'k', cluster: 'parley', wsHost: '10.0.0.5', wsPort: 8787, forceTLS: false, sameOrigin: true },
      activityTimeout: 30,
    }
    expect(realtimeEndpoint(config, 'http://127.0.0.1:4000')).toEqual({ wsHost: '127.0.0.1', wsPort: 4000, forceTLS: false })
    expect(realtimeEndpoint(config, 'https://chat.example.com')).toEqual({ wsHost: 'chat.example.com', wsPort: 443, forceTLS: true })
    const { sameOrigin: _sameOrigin, ...named } = config.pusher
    expect(realtimeEndpoint({ ...config, pusher: named }, 'http://127.0.0.1:4000')).toEqual({ wsHost: '10.0.0.5', wsPort: 8787, forceTLS: false })
  })

  test('from a trusted proxy the Host it forwards is used', async () => {
    const proxied = await start({ TRUST_PROXY: '127.0.0.1' })
    expect((await configWithHost(proxied, 'chat.example.com:8443')).pusher).toMatchObject({
      wsHost: 'chat.example.com',
      wsPort: 8443,
    })
  })

  test('with PUBLIC_URL clients are sent there, whatever the request said', async () => {
    const public_ = await start({ PUBLIC_URL: 'https://chat.example.com', TRUST_PROXY: 'true' })
    expect((await configWithHost(public_, 'evil.example')).pusher).toMatchObject({ wsHost: 'chat.example.com', wsPort: 443, forceTLS: true })
    const forwarded = await new Rest(public_.url).call<ConfigResponse>('GET', '/api/config', {
      headers: { 'X-Forwarded-Host': 'evil.example', 'X-Forwarded-Proto': 'http' },
    })
    expect(forwarded.json.pusher).toMatchObject({ wsHost: 'chat.example.com', wsPort: 443, forceTLS: true })
    const withPort = await start({ PUBLIC_URL: 'http://10.1.2.3:8080' })
    expect((await new Rest(withPort.url).get<ConfigResponse>('/api/config')).json.pusher).toMatchObject({
      wsHost: '10.1.2.3',
      wsPort: 8080,
      forceTLS: false,
    })
  })
})

describe('bodies', () => {
  test('a NUL character in a message body (or a group title) is 400 and stores nothing', async () => {
    const [a, b] = (await rest.newUsers(2, 'nul')) as [Account, Account]
    const conversation = await rest.conversation(a, [b])
    const reply = await rest.post<{ error: { message: string } }>(`/api/conversations/${conversation.id}/messages`, a.token, {
      clientId: 'nul-1',
      body: 'before\u0000after',
    })
    expect(reply.status).toBe(400)
    expect(reply.json.error.message).toMatch(/NUL/)
    expect(await rest.allMessages(a, conversation.id)).toEqual([])
    const title = await rest.post<{ error: { message: string } }>('/api/conversations', a.token, { memberIds: [b.user.id], title: 'x\u0000' })
    expect(title.status).toBe(400)
    expect(title.json.error.message).toMatch(/NUL/)
  })

  test.each([
    ['{"__proto__": {"admin": true}, "username": "x", "password": "y"}', '__proto__'],
    ['{"username": "x", "nested": {"__proto__": {}}}', 'nested.__proto__'],
    ['{"constructor": {"prototype": {"admin": true}}}', 'constructor.prototype'],
    ['{"\\u005f_proto__": 1}', '__proto__'],
  ])('a body with a forbidden key (%s) is 400 naming %s', async (raw, named) => {
    const reply = await rest.call<{ error: { code: string; message: string } }>('POST', '/api/auth/login', { raw })
    expect(reply.status).toBe(400)
    expect(reply.json.error.code).toBe('bad_request')
    expect(reply.json.error.message).toContain(`the key ${named}`)
  })

  test('malformed JSON says it is malformed', async () => {
    const reply = await rest.call<{ error: { message: string } }>('POST', '/api/auth/login', { raw: '{"username": ' })
    expect(reply.status).toBe(400)
    expect(reply.json.error.message).toMatch(/^The body is not valid JSON/)
  })
})
