/**
 * A session that ends takes its realtime sockets with it (issue 14, "Logout
 * does not end realtime"): after logout, or once a token expired, a socket it
 * authorised is closed and receives nothing more — while the user's other
 * sessions stay connected. pusher-js clients authorised by the real
 * /api/pusher/auth and /api/pusher/user-auth endpoints, as the app is.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import Pusher from 'pusher-js'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../../src/server/app'
import { loadConfig } from '../../../src/server/config'
import type { AuthResponse } from '../../../src/shared/api'
import { userChannel, type MessageCreatedEvent } from '../../../src/shared/channels'
import { nextEvent, subscribed } from '../../helpers/clients'
import { callApi, directConversation, newUser, type MessengerUser } from '../../helpers/messenger'

const DAY_MS = 24 * 60 * 60 * 1000
let clock = Date.now()
let server: ParleyServer
let dataDir: string
const clients: PusherClient[] = []

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'parley-session-end-'))
  server = await startServer(
    loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', TOKEN_TTL_DAYS: '1' }),
    pino({ level: 'silent' }),
    { now: () => clock },
  )
})

afterAll(async () => {
  clients.forEach((client) => client.disconnect())
  await server?.close()
  rmSync(dataDir, { recursive: true, force: true })
})

/** A second session of the same account (another device). */
async function secondDevice(user: MessengerUser): Promise<MessengerUser> {
  const login = await callApi<AuthResponse>(server.url, 'POST', '/api/auth/login', {
    body: { username: user.user.username, password: 'correct-horse' },
  })
  expect(login.status).toBe(200)
  const token = login.body.token
  return {
    ...user,
    token,
    call: (method, path, body) => callApi(server.url, method, path, { token, body }),
    connect: () => connectAs(token),
  }
}

/** newUser's connect() closes over the registration token: the same client, authorised with `token`. */
async function connectAs(token: string): Promise<PusherClient> {
  const config = (await callApi<{ pusher: { key: string; wsHost: string; wsPort: number } }>(server.url, 'GET', '/api/config')).body
  const client = new Pusher(config.pusher.key, {
    cluster: 'parley',
    wsHost: config.pusher.wsHost,
    wsPort: config.pusher.wsPort,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: { endpoint: `${server.url}/api/pusher/auth`, transport: 'ajax', headers: { Authorization: `Bearer ${token}` } },
    userAuthentication: { endpoint: `${server.url}/api/pusher/user-auth`, transport: 'ajax', headers: { Authorization: `Bearer ${token}` } },
  })
  clients.push(client)
  return client
}

/** Resolves when pusher-js reports the server closed its connection (any state but connected). */
function dropped(client: PusherClient, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`still ${client.connection.state} after ${timeoutMs} ms`)), timeoutMs)
    client.connection.bind('state_change', ({ current }: { current: string }) => {
      if (current === 'connected' || current === 'connecting') return
      clearTimeout(timer)
      resolve(current)
    })
  })
}

/** Each user's pusher-js client, subscribed to their private channel. */
async function inboxes(users: MessengerUser[]) {
  return Promise.all(
    users.map(async (user) => {
      const client = await user.connect()
      return { client, inbox: await subscribed(client, userChannel(user.user.id)) }
    }),
  )
}

describe('logout', () => {
  test('closes the sockets its session authorised; the same user’s other session keeps receiving', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const laptop = await secondDevice(alice)
    const [phoneSide, laptopSide] = await inboxes([alice, laptop])
    if (phoneSide === undefined || laptopSide === undefined) throw new Error('no clients')
    clients.push(phoneSide.client, laptopSide.client)
    const before = server.realtime?.stats().connections ?? 0

    const closed = dropped(phoneSide.client)
    const phoneEvents: unknown[] = []
    phoneSide.inbox.bind('message.created', (event: unknown) => phoneEvents.push(event))
    expect((await alice.call('POST', '/api/auth/logout')).status).toBe(204)
    expect(await closed).not.toBe('connected')
    expect(server.realtime?.stats().connections).toBe(before - 1)

    const arrived = nextEvent<MessageCreatedEvent>(laptopSide.inbox, 'message.created')
    const sent = await bob.send(conversation.id, 'only the laptop should see this')
    expect((await arrived).message.id).toBe(sent.id)
    expect(phoneEvents).toEqual([])
    expect(laptopSide.client.connection.state).toBe('connected')
  })

  test('a socket that only signed in (user auth) is closed too', async () => {
    const carol = await newUser(server.url, 'carol')
    const client = await carol.connect()
    clients.push(client)
    client.signin()
    await client.user.signinDonePromise
    expect(client.user.user_data).toMatchObject({ id: carol.user.id })
    const closed = dropped(client)
    expect((await carol.call('POST', '/api/auth/logout')).status).toBe(204)
    expect(await closed).not.toBe('connected')
  })
})

describe('token expiry', () => {
  test('the sweep ends expired sessions: their sockets are closed and their rows deleted', async () => {
    const dave = await newUser(server.url, 'dave')
    const [side] = await inboxes([dave])
    if (side === undefined) throw new Error('no client')
    clients.push(side.client)
    const closed = dropped(side.client)
    expect(await server.sessions?.sweep()).toBe(0)
    expect(side.client.connection.state).toBe('connected')

    clock += 2 * DAY_MS
    expect((await dave.call('GET', '/api/me')).status).toBe(401)
    expect(await server.sessions?.sweep()).toBeGreaterThanOrEqual(1)
    expect(await closed).not.toBe('connected')
    expect(await server.store?.hasLiveSession(dave.user.id, clock)).toBe(false)
  })
})

describe('a binding that arrives after its session ended', () => {
  test('closes the socket at once (another node may hear of the binding late)', async () => {
    const erin = await newUser(server.url, 'erin')
    const client = await erin.connect()
    clients.push(client)
    const closed = dropped(client)
    const realtime = server.realtime
    if (realtime === null) throw new Error('embedded realtime server expected')
    realtime.endSessions(['a-session-that-just-ended'])
    realtime.bindSession(client.connection.socket_id, 'a-session-that-just-ended')
    expect(await closed).not.toBe('connected')
  })
})
