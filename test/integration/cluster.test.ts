/**
 * Several `npm run server` processes sharing Redis (REDIS_URL) and PostgreSQL
 * act as one: events, presence (with de-duplication), online/offline and the
 * watchlist, client events, channel counts and terminate_connections hold
 * across nodes; a node killed without warning has its members removed within
 * the node TTL; and clients behind a balancer move to a surviving node without
 * losing a message. Skips with a message when Redis or PostgreSQL is missing (fails under CI=true).
 */
import { createHash, createHmac } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Redis } from 'ioredis'
import pg from 'pg'
import Pusher from 'pusher'
import PusherClient, { type PresenceChannel } from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { conversationChannel, userChannel, type MessageCreatedEvent } from '../../src/shared/channels'
import { nextEvent, subscribed } from '../helpers/clients'
import { cleanupCoreDirs, eventually, expectCacheEqualsServer, startCore, waitConnected } from '../helpers/core'
import { callApi, directConversation, newUser } from '../helpers/messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { postgresUrl, redisUrl, requirePostgres, requireRedis } from '../kit/services'
import { TcpBalancer } from '../helpers/tcp-balancer'

const app = { id: 'cluster-app', key: 'cluster-key', secret: 'cluster-secret-value' }
const NODE_TTL_S = 2

const missing = (await requireRedis('cluster.test')) ?? (await requirePostgres('cluster.test'))

describe.skipIf(missing !== null)('several nodes over Redis', () => {
  const run = `${process.pid}_${Date.now().toString(36)}`
  const database = `parley_cluster_${run}`
  const databaseUrl = new URL(postgresUrl)
  databaseUrl.pathname = `/${database}`
  const dirs: string[] = []
  const nodes: ServerProcess[] = []
  const clients: PusherClient[] = []

  const env = () => ({
    DATABASE_URL: databaseUrl.toString(),
    REDIS_URL: redisUrl,
    REDIS_PREFIX: `test_${run}`,
    CLUSTER_NODE_TTL: String(NODE_TTL_S),
    PUSHER_APP_ID: app.id,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    ACTIVITY_TIMEOUT: '2',
    PONG_GRACE: '1',
    SEND_RATE_LIMIT: '100000',
    AUTH_RATE_LIMIT: '100000',
  })

  async function startNode(): Promise<ServerProcess> {
    const dir = mkdtempSync(join(tmpdir(), 'parley-node-'))
    dirs.push(dir)
    const node = await spawnServer({ ...env(), DATA_DIR: dir })
    nodes.push(node)
    return node
  }

  const sdk = (node: ServerProcess) =>
    new Pusher({ appId: app.id, key: app.key, secret: app.secret, host: '127.0.0.1', port: String(node.port), useTLS: false })

  /** A pusher-js client on `node`, authorised by the SDK as an app server would. */
  function clientOn(node: ServerProcess, userId: string, watchlist?: string[]): PusherClient {
    const signer = sdk(node)
    const client = new PusherClient(app.key, {
      cluster: 'local',
      wsHost: '127.0.0.1',
      wsPort: node.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: {
        transport: 'ajax',
        endpoint: 'unused',
        customHandler: ({ socketId, channelName }, callback) =>
          callback(
            null,
            signer.authorizeChannel(
              socketId,
              channelName,
              channelName.startsWith('presence-') ? { user_id: userId, user_info: { name: userId } } : undefined,
            ),
          ),
      },
      userAuthentication: {
        transport: 'ajax',
        endpoint: 'unused',
        customHandler: ({ socketId }, callback) =>
          callback(null, signer.authenticateUser(socketId, { id: userId, ...(watchlist ? { watchlist } : {}) }) as never),
      },
    })
    clients.push(client)
    return client
  }

  const connectedClient = async (node: ServerProcess, userId: string, watchlist?: string[]) => {
    const client = clientOn(node, userId, watchlist)
    await new Promise<void>((resolve) => client.connection.bind('connected', () => resolve()))
    return client
  }

  beforeAll(async () => {
    const admin = new pg.Client({ connectionString: postgresUrl })
    await admin.connect()
    await admin.query(`CREATE DATABASE ${database}`)
    await admin.end()
    await startNode()
    await startNode()
    await startNode()
  }, 90_000)

  afterAll(async () => {
    clients.forEach((client) => client.disconnect())
    nodes.forEach((node) => node.child.kill('SIGKILL'))
    await Promise.all(nodes.map((node) => node.exited))
    const admin = new pg.Client({ connectionString: postgresUrl })
    await admin.connect()
    await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`)
    await admin.end()
    const redis = new Redis(redisUrl)
    const keys = await redis.keys(`test_${run}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
    cleanupCoreDirs()
    dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
  })

  test('an event published on one node reaches subscribers on every node', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess]
    const onB = await connectedClient(b, 'u1')
    const onC = await connectedClient(c, 'u2')
    const channels = [await subscribed(onB, 'news'), await subscribed(onC, 'news')]
    const arrivals = channels.map((channel) => nextEvent(channel, 'flash'))
    await sdk(a).trigger('news', 'flash', { n: 1 })
    expect(await Promise.all(arrivals)).toEqual([{ n: 1 }, { n: 1 }])
  })

  test('presence across nodes: one member per user, added on the first socket anywhere, removed on the last', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess]
    const alice = await connectedClient(a, 'alice')
    const room = (await subscribed(alice, 'presence-lobby')) as PresenceChannel
    const events: string[] = []
    room.bind('pusher:member_added', (m: { id: string }) => events.push(`+${m.id}`))
    room.bind('pusher:member_removed', (m: { id: string }) => events.push(`-${m.id}`))

    const bobOnB = await connectedClient(b, 'bob')
    const bobRoom = (await subscribed(bobOnB, 'presence-lobby')) as PresenceChannel
    expect(bobRoom.members.count).toBe(2)
    await eventually(() => events.length === 1, 5_000, 'member_added')
    const bobOnC = await connectedClient(c, 'bob')
    await subscribed(bobOnC, 'presence-lobby')
    const counts = await (await sdk(c).get({ path: '/channels/presence-lobby', params: { info: 'user_count,subscription_count' } })).json()
    expect(counts).toEqual({ occupied: true, user_count: 2, subscription_count: 3 })
    const users = await (await sdk(b).get({ path: '/channels/presence-lobby/users' })).json()
    expect((users as { users: { id: string }[] }).users.map((u) => u.id).sort()).toEqual(['alice', 'bob'])

    bobOnB.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(events).toEqual(['+bob'])
    bobOnC.disconnect()
    await eventually(() => events.length === 2, 5_000, 'member_removed')
    expect(events).toEqual(['+bob', '-bob'])
  })

  test('client events, watchlist and terminate_connections cross nodes', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess]
    const watcher = await connectedClient(a, 'watcher', ['dana'])
    const seen: { name: string; user_ids: string[] }[] = []
    watcher.user.watchlist.bind('online', (e: { name: string; user_ids: string[] }) => seen.push(e))
    watcher.user.watchlist.bind('offline', (e: { name: string; user_ids: string[] }) => seen.push(e))
    watcher.signin()
    await watcher.user.signinDonePromise

    const dana = await connectedClient(b, 'dana')
    dana.signin()
    await dana.user.signinDonePromise
    await eventually(() => seen.some((e) => e.name === 'online' && e.user_ids.includes('dana')), 5_000, 'online')

    const ringA = await subscribed(watcher, 'private-ring')
    const ringB = await subscribed(dana, 'private-ring')
    const got = nextEvent(ringA, 'client-hi')
    ringB.trigger('client-hi', { from: 'dana' })
    expect(await got).toEqual({ from: 'dana' })

    const closed = new Promise<number | undefined>((resolve) =>
      dana.connection.bind('error', (error: { data?: { code?: number } }) => resolve(error.data?.code)),
    )
    await sdk(c).terminateUserConnections('dana')
    expect(await closed).toBe(4009)
    await eventually(() => seen.some((e) => e.name === 'offline' && e.user_ids.includes('dana')), 5_000, 'offline')
  })

  test('a node killed without warning: its members leave within the node TTL', async () => {
    const [a] = nodes as [ServerProcess]
    const doomed = await startNode()
    const alice = await connectedClient(a, 'alice2')
    const room = (await subscribed(alice, 'presence-doom')) as PresenceChannel
    const ghost = await connectedClient(doomed, 'ghost')
    const joined = nextEvent(room, 'pusher:member_added')
    await subscribed(ghost, 'presence-doom')
    await joined
    const removed = nextEvent<{ id: string }>(room, 'pusher:member_removed', 20_000)
    const killedAt = Date.now()
    doomed.child.kill('SIGKILL')
    expect((await removed).id).toBe('ghost')
    const elapsed = Date.now() - killedAt
    // Bound: the node TTL plus one sweep and a round trip; generous for a busy machine.
    expect(elapsed).toBeLessThan(NODE_TTL_S * 1000 + 8_000)
    const users = await (await sdk(a).get({ path: '/channels/presence-doom/users' })).json()
    expect(users).toEqual({ users: [{ id: 'alice2' }] })
  })

  test('a signed HTTP API request accepted by one node is refused as a replay by every other', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess]
    const params: Record<string, string> = {
      auth_key: app.key,
      auth_timestamp: String(Math.floor(Date.now() / 1000)),
      auth_version: '1.0',
    }
    const body = JSON.stringify({ name: 'once', channels: ['replayed-news'], data: '{}' })
    params.body_md5 = createHash('md5').update(body).digest('hex')
    const query = Object.keys(params)
      .sort()
      .map((key) => `${key}=${params[key]}`)
      .join('&')
    const path = `/apps/${app.id}/events`
    const signature = createHmac('sha256', app.secret).update(`POST\n${path}\n${query}`).digest('hex')
    const post = (node: ServerProcess) =>
      fetch(`${node.url}${path}?${query}&auth_signature=${signature}`, { method: 'POST', body, headers: { 'content-type': 'application/json' } })
    expect((await post(a)).status).toBe(200)
    expect((await post(b)).status).toBe(401)
    expect((await post(c)).status).toBe(401)
  })

  test('logout on one node closes the socket its session authorised on another, and nothing else', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess]
    const grace = await newUser(a.url, 'grace')
    const login = await callApi<{ token: string }>(a.url, 'POST', '/api/auth/login', {
      body: { username: grace.user.username, password: 'correct-horse' },
    })
    /** pusher-js on `node`, authorised by node A's REST api with `token`. */
    const deviceOn = async (node: ServerProcess, token: string) => {
      const client = new PusherClient(app.key, {
        cluster: 'local',
        wsHost: '127.0.0.1',
        wsPort: node.port,
        forceTLS: false,
        enabledTransports: ['ws'],
        channelAuthorization: { endpoint: `${a.url}/api/pusher/auth`, transport: 'ajax', headers: { Authorization: `Bearer ${token}` } },
      })
      clients.push(client)
      await subscribed(client, userChannel(grace.user.id))
      return client
    }
    const phoneOnB = await deviceOn(b, grace.token)
    const laptopOnC = await deviceOn(c, login.body.token)

    expect((await grace.call('POST', '/api/auth/logout')).status).toBe(204)
    await eventually(() => phoneOnB.connection.state !== 'connected', 5_000, 'the logged-out socket on node B closed')
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(laptopOnC.connection.state).toBe('connected')
  })

  test('the messenger across nodes: REST on one node, pusher-js on another; a core behind a balancer survives its node', async () => {
    const [a, b, c] = nodes as [ServerProcess, ServerProcess, ServerProcess]
    const alice = await newUser(a.url, 'alice')
    const bob = await newUser(b.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const bobClient = await bob.connect()
    const inbox = await subscribed(bobClient, userChannel(bob.user.id))
    const created = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
    const sent = await alice.send(conversation.id, 'across nodes')
    expect((await created).message).toEqual(sent)
    const room = (await subscribed(bobClient, conversationChannel(conversation.id))) as PresenceChannel
    expect(room.members.count).toBe(1)
    bobClient.disconnect()

    // Alice's desktop core through a balancer over b and c; kill the node it landed on.
    const balancer = new TcpBalancer([b.port, c.port])
    await balancer.start()
    const url = `http://127.0.0.1:${balancer.port}`
    const core = await startCore(url)
    await core.core.login({ serverUrl: url, username: alice.user.username, password: 'correct-horse' })
    await waitConnected(core.core)
    await eventually(() => core.core.currentAccount?.cache.highestSeq(conversation.id) === 1, 10_000, 'synced')
    for (const node of [b, c]) node.child.kill('SIGKILL')
    const survivor = await startNode()
    ;(balancer as unknown as { backends: number[] }).backends.push(survivor.port)
    // Bob writes through node a (his own node b is gone).
    for (let i = 0; i < 5; i++) {
      const reply = await callApi(a.url, 'POST', `/api/conversations/${conversation.id}/messages`, {
        token: bob.token,
        body: { clientId: `moving-${i}`, body: `while moving ${i}` },
      })
      expect(reply.status).toBe(201)
    }
    await core.core.sendMessage({ conversationId: conversation.id, body: 'from the moved core' })
    await waitConnected(core.core, 30_000)
    await core.core.currentAccount?.outbox.whenEmpty()
    await eventually(() => core.core.currentAccount?.cache.highestSeq(conversation.id) === 7, 20_000, 'caught up')
    await expectCacheEqualsServer(core.core, a.url, alice.token, conversation.id)
    await core.stop()
    await balancer.stop()
  }, 120_000)
})
