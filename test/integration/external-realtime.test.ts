/**
 * External realtime mode: the api publishes to a separate Pusher-compatible
 * service (here Parley's own server in realtime-only mode) and learns presence
 * from its signed webhooks. pusher-js clients connect to that service, as
 * GET /api/config tells them to.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { PresenceChannel } from 'pusher-js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import type { ConfigResponse, User } from '../../src/shared/api'
import { conversationChannel, userChannel, type MessageCreatedEvent } from '../../src/shared/channels'
import { nextEvent, subscribed } from '../helpers/clients'
import { callApi, directConversation, newUser } from '../helpers/messenger'
import { freePort } from '../kit/ports'

const credentials = { PUSHER_APP_ID: 'ext-app', PUSHER_KEY: 'ext-key', PUSHER_SECRET: 'ext-secret-value' }
const dirs: string[] = []
let realtimeOnly: ParleyServer
let apiServer: ParleyServer

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-ext-'))
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

test('the realtime-only server serves no REST api; the api server embeds no realtime server', async () => {
  expect(realtimeOnly.store).toBeNull()
  expect((await fetch(`${realtimeOnly.url}/api/config`)).status).toBe(404)
  expect(apiServer.realtime).toBeNull()
  const config = await callApi<ConfigResponse>(apiServer.url, 'GET', '/api/config')
  expect(config.body.pusher).toMatchObject({ key: 'ext-key', wsHost: '127.0.0.1', wsPort: realtimeOnly.port, forceTLS: false })
})

test('messages published by the api reach pusher-js clients of the external service', async () => {
  const alice = await newUser(apiServer.url, 'alice')
  const bob = await newUser(apiServer.url, 'bob')
  const conversation = await directConversation(alice, bob)
  const bobClient = await bob.connect()
  const inbox = await subscribed(bobClient, userChannel(bob.user.id))
  const created = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
  const sent = await alice.send(conversation.id, 'via the external service')
  expect((await created).message).toEqual(sent)
  bobClient.disconnect()
})

test('presence comes from signed webhooks: online while subscribed, lastSeenAt when gone', async () => {
  const alice = await newUser(apiServer.url, 'alice')
  const bob = await newUser(apiServer.url, 'bob')
  const conversation = await directConversation(alice, bob)
  const bobClient = await bob.connect()
  await subscribed(bobClient, conversationChannel(conversation.id))

  const bobInDirectory = async () =>
    (await alice.call<User[]>('GET', `/api/users?q=${bob.user.username}`)).body.find((u) => u.id === bob.user.id)
  const until = async (check: (user: User | undefined) => boolean) => {
    for (let i = 0; i < 100; i++) {
      const user = await bobInDirectory()
      if (check(user)) return user
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
    throw new Error('presence did not change in time')
  }
  await until((user) => user?.online === true)

  const aliceClient = await alice.connect()
  const room = (await subscribed(aliceClient, conversationChannel(conversation.id))) as PresenceChannel
  expect(room.members.count).toBe(2)

  bobClient.disconnect()
  const gone = await until((user) => user?.online === false)
  expect(gone?.lastSeenAt).toBeGreaterThan(Date.now() - 10_000)
  aliceClient.disconnect()
})

test('when a user’s last session ends, the api has the service close their signed-in sockets (terminate_connections)', async () => {
  const frank = await newUser(apiServer.url, 'frank')
  const second = await callApi<{ token: string }>(apiServer.url, 'POST', '/api/auth/login', {
    body: { username: frank.user.username, password: 'correct-horse' },
  })
  expect(second.status).toBe(200)
  const client = await frank.connect()
  client.signin()
  await client.user.signinDonePromise
  await subscribed(client, userChannel(frank.user.id))
  const states: string[] = []
  client.connection.bind('state_change', ({ current }: { current: string }) => states.push(current))

  // One of two sessions ends: the service can only close all of a user's sockets, so it is not asked yet.
  expect((await frank.call('POST', '/api/auth/logout')).status).toBe(204)
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(client.connection.state).toBe('connected')

  expect((await callApi(apiServer.url, 'POST', '/api/auth/logout', { token: second.body.token })).status).toBe(204)
  for (let i = 0; i < 100 && client.connection.state === 'connected'; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  expect(client.connection.state).not.toBe('connected')
  expect(states).not.toContain('connecting')
  client.disconnect()
})
