/**
 * The realtime side of the REST api (docs/design.md §4–§5): GET /api/config,
 * channel authorisation (JSON and form-encoded, as pusher-js posts it), user
 * sign-in, and signed webhooks feeding presence. Signatures are checked here
 * with node:crypto and the server's secret, independently of the server's code.
 */
import { createHmac } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ConfigResponse, User } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { errorOf, Rest, type Account, type Reply } from '../../helpers/rest'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', ACTIVITY_TIMEOUT: '45' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

const hmac = (payload: string, secret = server.credentials.secret) =>
  createHmac('sha256', secret).update(payload).digest('hex')

let socketCounter = 0
const socketId = () => `${1000 + ++socketCounter}.${process.pid}`

interface ChannelAuth {
  auth: string
  channel_data?: string
}

type Encoding = 'json' | 'form'

function authorize(token: string | undefined, body: Record<string, string>, encoding: Encoding = 'json') {
  if (encoding === 'json') return rest.call<ChannelAuth>('POST', '/api/pusher/auth', { ...(token ? { token } : {}), body })
  return rest.call<ChannelAuth>('POST', '/api/pusher/auth', {
    ...(token ? { token } : {}),
    raw: new URLSearchParams(body).toString(),
    contentType: 'application/x-www-form-urlencoded',
  })
}

describe('GET /api/config', () => {
  test('the embedded realtime server: key, cluster, same origin (this address and port), no TLS, the activity timeout; no token needed', async () => {
    const reply = await rest.get<ConfigResponse>('/api/config')
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({
      pusher: { key: server.credentials.key, cluster: 'parley', wsHost: '127.0.0.1', wsPort: server.port, forceTLS: false, sameOrigin: true },
      activityTimeout: 45,
      limits: { maxUploadBytes: 100 * 1024 * 1024 },
      registration: 'open',
    })
  })
})

describe('POST /api/pusher/auth', () => {
  let me: Account
  let other: Account
  let outsider: Account
  let conversationId: string

  beforeAll(async () => {
    ;[me, other, outsider] = (await Promise.all([
      rest.newUser('me', '  Márta  '),
      rest.newUser('other'),
      rest.newUser('outsider'),
    ])) as [Account, Account, Account]
    conversationId = (await rest.conversation(me, [other])).id
  })

  test.each(['json', 'form'] as const)('own private-user channel (%s body) → 200 {auth} signed with the secret', async (encoding) => {
    const socket = socketId()
    const channel = `private-user-${me.user.id}`
    const reply = await authorize(me.token, { socket_id: socket, channel_name: channel }, encoding)
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ auth: `${server.credentials.key}:${hmac(`${socket}:${channel}`)}` })
  })

  test.each(['json', 'form'] as const)('presence-conversation as a member (%s body) → 200 {auth, channel_data}', async (encoding) => {
    const socket = socketId()
    const channel = `presence-conversation-${conversationId}`
    const reply = await authorize(me.token, { socket_id: socket, channel_name: channel }, encoding)
    expect(reply.status).toBe(200)
    const channelData = reply.json.channel_data ?? ''
    expect(JSON.parse(channelData)).toEqual({ user_id: me.user.id, user_info: { displayName: 'Márta' } })
    expect(reply.json).toEqual({
      auth: `${server.credentials.key}:${hmac(`${socket}:${channel}:${channelData}`)}`,
      channel_data: channelData,
    })
  })

  test('the other member may join the same presence channel', async () => {
    const socket = socketId()
    const channel = `presence-conversation-${conversationId}`
    const reply = await authorize(other.token, { socket_id: socket, channel_name: channel })
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.json.channel_data ?? '')).toEqual({
      user_id: other.user.id,
      user_info: { displayName: other.username },
    })
  })

  const forbidden: [string, () => string][] = [
    ['another user’s private-user channel', () => `private-user-${other.user.id}`],
    ['a non-member’s presence-conversation channel', () => `presence-conversation-${conversationId}`],
    ['a conversation that does not exist', () => 'presence-conversation-c_doesnotexist'],
    ['an empty conversation id', () => 'presence-conversation-'],
    ['private-user- with no id', () => 'private-user-'],
    ['own id with a suffix', () => `private-user-${outsider.user.id}x`],
    ['a public channel', () => 'public-announcements'],
    ['an arbitrary private channel', () => 'private-anything'],
    ['a private-encrypted user channel', () => `private-encrypted-user-${outsider.user.id}`],
    ['a presence-user channel', () => `presence-user-${outsider.user.id}`],
    ['a private-conversation channel', () => `private-conversation-${conversationId}`],
    ['the server-to-user channel', () => `#server-to-user-${outsider.user.id}`],
  ]

  test.each(forbidden)('%s → 403 forbidden (JSON and form)', async (_label, channel) => {
    for (const encoding of ['json', 'form'] as const) {
      const reply = await authorize(outsider.token, { socket_id: socketId(), channel_name: channel() }, encoding)
      expect(reply.status).toBe(403)
      expect(errorOf(reply).code).toBe('forbidden')
      expect(reply.json).not.toHaveProperty('auth')
    }
  })

  test.each(['json', 'form'] as const)('no token (%s body) → 401', async (encoding) => {
    const reply = await authorize(undefined, { socket_id: socketId(), channel_name: `private-user-${me.user.id}` }, encoding)
    expect(reply.status).toBe(401)
    expect(errorOf(reply).code).toBe('unauthorized')
  })

  test.each([
    ['letters', 'abc'],
    ['one number', '123'],
    ['three parts', '1.2.3'],
    ['a trailing dot', '123.'],
    ['a leading dot', '.456'],
    ['a trailing newline', '123.456\n'],
    ['a semicolon', '123;456'],
    ['a colon (would change the signed string)', '123.456:x'],
    ['empty', ''],
  ])('a malformed socket_id (%s) → 400 (JSON and form)', async (_label, socket) => {
    for (const encoding of ['json', 'form'] as const) {
      const reply = await authorize(me.token, { socket_id: socket, channel_name: `private-user-${me.user.id}` }, encoding)
      expect(reply.status).toBe(400)
      expect(errorOf(reply)).toEqual({ code: 'bad_request', message: expect.stringContaining('socket_id') })
    }
  })

  test.each([
    ['no socket_id', () => ({ channel_name: `private-user-${me.user.id}` })],
    ['no channel_name', () => ({ socket_id: '1.2' })],
    ['an empty channel_name', () => ({ socket_id: '1.2', channel_name: '' })],
    ['a 201-character channel_name', () => ({ socket_id: '1.2', channel_name: `private-user-${'x'.repeat(188)}` })],
  ])('%s → 400', async (_label, body) => {
    const reply = await authorize(me.token, body())
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
  })

  test('socket_id given twice in a form → 400', async () => {
    const reply = await rest.call('POST', '/api/pusher/auth', {
      token: me.token,
      raw: `socket_id=1.2&socket_id=3.4&channel_name=private-user-${me.user.id}`,
      contentType: 'application/x-www-form-urlencoded',
    })
    expect(reply.status).toBe(400)
  })
})

describe('POST /api/pusher/auth-batch', () => {
  let me: Account
  let friend: Account
  let blocker: Account
  let group: string
  let direct: string
  let blockedDirect: string
  let foreign: string

  type BatchAnswer = { channels: Record<string, ChannelAuth | { error: { status: number; code: string; message: string } }> }
  const batch = (token: string, body: unknown) => rest.call<BatchAnswer>('POST', '/api/pusher/auth-batch', { token, body })

  beforeAll(async () => {
    ;[me, friend, blocker] = (await Promise.all([rest.newUser('batcher', 'Bat Cher'), rest.newUser('batchfriend'), rest.newUser('batchblocker')])) as [
      Account,
      Account,
      Account,
    ]
    group = (await rest.conversation(me, [friend, blocker])).id
    direct = (await rest.conversation(me, [friend])).id
    blockedDirect = (await rest.conversation(me, [blocker])).id
    foreign = (await rest.conversation(friend, [blocker])).id
    expect((await rest.call('PUT', `/api/users/${me.user.id}/block`, { token: blocker.token })).status).toBe(204)
  })

  test('each channel answered as the single-channel route would: signed auths for my channel and my conversations, 403 blocked, 403 forbidden', async () => {
    const socket = socketId()
    const mine = `private-user-${me.user.id}`
    const names = [mine, `presence-conversation-${group}`, `presence-conversation-${direct}`, `presence-conversation-${blockedDirect}`, `presence-conversation-${foreign}`, 'private-anything']
    const reply = await batch(me.token, { socket_id: socket, channel_names: names })
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.json.channels).sort()).toEqual([...names].sort())
    expect(reply.json.channels[mine]).toEqual({ auth: `${server.credentials.key}:${hmac(`${socket}:${mine}`)}` })
    for (const id of [group, direct]) {
      const name = `presence-conversation-${id}`
      const answer = reply.json.channels[name] as ChannelAuth
      const channelData = answer.channel_data ?? ''
      expect(JSON.parse(channelData)).toEqual({ user_id: me.user.id, user_info: { displayName: 'Bat Cher' } })
      expect(answer.auth).toBe(`${server.credentials.key}:${hmac(`${socket}:${name}:${channelData}`)}`)
      // The same answer as the single-channel route gives.
      const single = await authorize(me.token, { socket_id: socket, channel_name: name })
      expect(single.json).toEqual(answer)
    }
    expect(reply.json.channels[`presence-conversation-${blockedDirect}`]).toEqual({ error: { status: 403, code: 'blocked', message: expect.any(String) } })
    expect(reply.json.channels[`presence-conversation-${foreign}`]).toEqual({ error: { status: 403, code: 'forbidden', message: expect.any(String) } })
    expect(reply.json.channels['private-anything']).toEqual({ error: { status: 403, code: 'forbidden', message: expect.any(String) } })
    // The single route refuses the blocked one the same way.
    const refused = await authorize(me.token, { socket_id: socket, channel_name: `presence-conversation-${blockedDirect}` })
    expect(refused.status).toBe(403)
    expect(errorOf(refused).code).toBe('blocked')
  })

  test('a name given twice is answered once; names like __proto__ are answered as names; 100 names are accepted', async () => {
    const name = `presence-conversation-${group}`
    const twice = await batch(me.token, { socket_id: socketId(), channel_names: [name, name] })
    expect(Object.keys(twice.json.channels)).toEqual([name])
    const odd = await batch(me.token, { socket_id: socketId(), channel_names: ['__proto__', 'constructor', 'presence-conversation-__proto__'] })
    expect(odd.status).toBe(200)
    expect(Object.keys(odd.json.channels).sort()).toEqual(['__proto__', 'constructor', 'presence-conversation-__proto__'])
    for (const answer of Object.values(odd.json.channels)) expect(answer).toEqual({ error: { status: 403, code: 'forbidden', message: expect.any(String) } })
    const many = Array.from({ length: 100 }, (_, i) => `presence-conversation-c_nope${i}`)
    const reply = await batch(me.token, { socket_id: socketId(), channel_names: many })
    expect(reply.status).toBe(200)
    expect(Object.values(reply.json.channels).every((answer) => 'error' in answer && answer.error.code === 'forbidden')).toBe(true)
  })

  test.each([
    ['no names', () => ({ socket_id: '1.2', channel_names: [] })],
    ['101 names', () => ({ socket_id: '1.2', channel_names: Array.from({ length: 101 }, (_, i) => `presence-conversation-c_${i}`) })],
    ['a name that is not a string', () => ({ socket_id: '1.2', channel_names: [42] })],
    ['an empty name', () => ({ socket_id: '1.2', channel_names: [''] })],
    ['a 201-character name', () => ({ socket_id: '1.2', channel_names: [`private-user-${'x'.repeat(188)}`] })],
    ['names not in an array', () => ({ socket_id: '1.2', channel_names: 'private-user-x' })],
    ['a malformed socket_id', () => ({ socket_id: '1.2:x', channel_names: ['private-user-x'] })],
  ])('%s → 400, nothing signed', async (_label, body) => {
    const reply = await batch(me.token, body())
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
  })

  test('no token → 401', async () => {
    const reply = await rest.call('POST', '/api/pusher/auth-batch', { body: { socket_id: '1.2', channel_names: [`private-user-${me.user.id}`] } })
    expect(reply.status).toBe(401)
  })
})

describe('POST /api/pusher/user-auth', () => {
  let me: Account
  beforeAll(async () => {
    me = await rest.newUser('signin', 'Sig Nin')
  })

  test.each(['json', 'form'] as const)('→ 200 {auth, user_data} (%s body), user_data {id: me, user_info}', async (encoding) => {
    const socket = socketId()
    const options =
      encoding === 'json'
        ? { token: me.token, body: { socket_id: socket } }
        : { token: me.token, raw: `socket_id=${socket}`, contentType: 'application/x-www-form-urlencoded' }
    const reply = await rest.call<{ auth: string; user_data: string }>('POST', '/api/pusher/user-auth', options)
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.json).sort()).toEqual(['auth', 'user_data'])
    const userData = JSON.parse(reply.json.user_data) as { id: string; user_info?: unknown }
    expect(userData.id).toBe(me.user.id)
    expect(userData.user_info).toEqual({ displayName: 'Sig Nin' })
    expect(reply.json.auth).toBe(`${server.credentials.key}:${hmac(`${socket}::user::${reply.json.user_data}`)}`)
  })

  test('no token → 401; a malformed socket_id → 400', async () => {
    const anonymous = await rest.call('POST', '/api/pusher/user-auth', { body: { socket_id: '1.2' } })
    expect(anonymous.status).toBe(401)
    expect(errorOf(anonymous).code).toBe('unauthorized')
    for (const socket of ['abc', '', '1.2.3', '1.2\n']) {
      const bad = await rest.call('POST', '/api/pusher/user-auth', { token: me.token, body: { socket_id: socket } })
      expect(bad.status).toBe(400)
      expect(errorOf(bad).code).toBe('bad_request')
    }
    const missing = await rest.call('POST', '/api/pusher/user-auth', { token: me.token, body: {} })
    expect(missing.status).toBe(400)
  })
})

describe('POST /api/pusher/webhooks', () => {
  function webhook(events: unknown[], headers: (body: string) => Record<string, string> = signed): Promise<Reply<unknown>> {
    const body = JSON.stringify({ time_ms: Date.now(), events })
    return rest.call('POST', '/api/pusher/webhooks', { raw: body, headers: headers(body) })
  }
  function signed(body: string): Record<string, string> {
    return { 'x-pusher-key': key(), 'x-pusher-signature': hmac(body) }
  }

  /** How `viewer` sees `user` in the directory: they share a conversation, so with presence. */
  async function directoryEntry(viewer: Account, user: Account): Promise<User> {
    if (!contacts.has(user.user.id)) {
      await rest.conversation(user, [viewer])
      contacts.add(user.user.id)
    }
    const reply = await rest.get<User[]>(`/api/users?q=${user.username}`, viewer.token)
    const entry = reply.json.find((candidate) => candidate.id === user.user.id)
    if (!entry) throw new Error(`${user.username} is not in the directory`)
    return entry
  }

  let viewer: Account
  const contacts = new Set<string>()
  beforeAll(async () => {
    viewer = await rest.newUser('viewer')
  })

  test('signed member_added makes the user online; member_removed makes them offline with lastSeenAt ≈ now', async () => {
    const user = await rest.newUser('wh')
    const channel = 'presence-conversation-c_webhooktest1'
    expect(await directoryEntry(viewer, user)).toMatchObject({ online: false, lastSeenAt: null })

    const added = await webhook([{ name: 'member_added', channel, user_id: user.user.id }])
    expect(added.status).toBe(200)
    expect(await directoryEntry(viewer, user)).toMatchObject({ online: true, lastSeenAt: null })
    expect((await rest.get<User>('/api/me', user.token)).json.online).toBe(true)

    const before = Date.now()
    const removed = await webhook([{ name: 'member_removed', channel, user_id: user.user.id }])
    expect(removed.status).toBe(200)
    await server.presence?.flush()
    const after = Date.now()
    const entry = await directoryEntry(viewer, user)
    expect(entry.online).toBe(false)
    expect(entry.lastSeenAt).toBeGreaterThanOrEqual(before)
    expect(entry.lastSeenAt).toBeLessThanOrEqual(after)
  })

  test('online while in any conversation’s presence channel; offline when the last one is left', async () => {
    const user = await rest.newUser('wh2')
    const [one, two] = ['presence-conversation-c_whA', 'presence-conversation-c_whB']
    await webhook([
      { name: 'member_added', channel: one, user_id: user.user.id },
      { name: 'member_added', channel: two, user_id: user.user.id },
    ])
    await webhook([{ name: 'member_removed', channel: one, user_id: user.user.id }])
    await server.presence?.flush()
    expect(await directoryEntry(viewer, user)).toMatchObject({ online: true, lastSeenAt: null })
    await webhook([{ name: 'member_removed', channel: two, user_id: user.user.id }])
    await server.presence?.flush()
    const entry = await directoryEntry(viewer, user)
    expect(entry.online).toBe(false)
    expect(entry.lastSeenAt).toEqual(expect.any(Number))
  })

  test('member_added on other channels (not presence-conversation-*) does not make anyone online', async () => {
    const user = await rest.newUser('wh3')
    const reply = await webhook([
      { name: 'member_added', channel: `private-user-${user.user.id}`, user_id: user.user.id },
      { name: 'member_added', channel: 'presence-lobby', user_id: user.user.id },
      { name: 'channel_occupied', channel: 'presence-conversation-c_x' },
    ])
    expect(reply.status).toBe(200)
    expect((await directoryEntry(viewer, user)).online).toBe(false)
  })

  const key = () => server.credentials.key
  const rejected: [string, (body: string) => Record<string, string>][] = [
    ['no signature and no key', () => ({})],
    ['an empty signature', () => ({ 'x-pusher-key': key(), 'x-pusher-signature': '' })],
    ['a wrong signature', () => ({ 'x-pusher-key': key(), 'x-pusher-signature': 'f'.repeat(64) })],
    ['a signature made with another secret', (body) => ({ 'x-pusher-key': key(), 'x-pusher-signature': hmac(body, 'not-the-secret') })],
    ['a signature of another body', () => ({ 'x-pusher-key': key(), 'x-pusher-signature': hmac('{}') })],
    ['an uppercase-hex signature', (body) => ({ 'x-pusher-key': key(), 'x-pusher-signature': hmac(body).toUpperCase() })],
    ['the right signature with another key', (body) => ({ 'x-pusher-key': 'some-other-key', 'x-pusher-signature': hmac(body) })],
    ['the right signature without the key', (body) => ({ 'x-pusher-signature': hmac(body) })],
  ]

  test.each(rejected)('%s → 401 and nothing changes', async (_label, headers) => {
    const user = await rest.newUser('whbad')
    const reply = await webhook([{ name: 'member_added', channel: 'presence-conversation-c_bad', user_id: user.user.id }], headers)
    expect(reply.status).toBe(401)
    expect(errorOf(reply).code).toBe('unauthorized')
    expect((await directoryEntry(viewer, user)).online).toBe(false)
  })

  // BUG: with the right X-Pusher-Key and no X-Pusher-Signature, the pusher SDK's
  // secureCompare(expected, undefined) throws (reads .length of undefined): 500.
  test('no signature with the right key → 401 (not 500) and nothing changes', async () => {
    const user = await rest.newUser('whnosig')
    const reply = await webhook(
      [{ name: 'member_added', channel: 'presence-conversation-c_nosig', user_id: user.user.id }],
      () => ({ 'x-pusher-key': server.credentials.key }),
    )
    expect((await directoryEntry(viewer, user)).online).toBe(false)
    expect(reply.status).toBe(401)
    expect(errorOf(reply).code).toBe('unauthorized')
  })

  test('a correctly signed body that is not a webhook → 400; a signed non-JSON body → 4xx', async () => {
    const notWebhook = JSON.stringify({ events: 'nope' })
    const reply = await rest.call('POST', '/api/pusher/webhooks', { raw: notWebhook, headers: signed(notWebhook) })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')

    const garbage = '{not json'
    const bad = await rest.call('POST', '/api/pusher/webhooks', { raw: garbage, headers: signed(garbage) })
    expect(bad.status).toBeGreaterThanOrEqual(400)
    expect(bad.status).toBeLessThan(500)
    errorOf(bad)
  })
})
