/**
 * Heartbeat both ways with short timeouts: the server answers pings, pings
 * silent sockets, and drops (4201) those that do not answer, removing them from
 * presence — so a peer that vanished without closing its TCP connection shows
 * offline within activity_timeout + grace.
 */
import type { PresenceChannel } from 'pusher-js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { channelAuth } from '../../src/server/realtime/signature'
import { connected, nextEvent, pusherClient, RawSocket, subscribed } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'
import { TcpProxy } from '../helpers/tcp-proxy'

const ACTIVITY_MS = 1_000
const GRACE_MS = 500

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ ACTIVITY_TIMEOUT: '1', PONG_GRACE: '0.5' })
})
afterAll(async () => {
  await server.stop()
})

test('the server pings a silent socket, and one that answers stays connected', async () => {
  const { socket } = await RawSocket.open(server)
  socket.ws.on('message', (raw) => {
    if (JSON.parse(raw.toString()).event === 'pusher:ping') socket.send({ event: 'pusher:pong', data: {} })
  })
  await socket.waitFor((f) => f.event === 'pusher:ping', ACTIVITY_MS * 3)
  await new Promise((resolve) => setTimeout(resolve, (ACTIVITY_MS + GRACE_MS) * 3))
  expect(socket.frames.filter((f) => f.event === 'pusher:ping').length).toBeGreaterThanOrEqual(3)
  expect(socket.closeCode).toBeNull()
  socket.close()
})

test('a socket that never answers is closed with 4201 and leaves presence for everyone else', async () => {
  const observer = pusherClient(server, { userId: 'observer' })
  await connected(observer)
  const channel = (await subscribed(observer, 'presence-room')) as PresenceChannel

  const { socket: ghost, socketId } = await RawSocket.open(server)
  const channelData = JSON.stringify({ user_id: 'ghost', user_info: { name: 'Ghost' } })
  // The server cannot hear from the ghost later than this frame: its silence counts from no earlier than now.
  const sentAt = Date.now()
  ghost.send({
    event: 'pusher:subscribe',
    data: { channel: 'presence-room', channel_data: channelData, auth: channelAuth(server.realtime.app, socketId, 'presence-room', channelData) },
  })
  await nextEvent(channel, 'pusher:member_added')
  expect(channel.members.get('ghost')).not.toBeNull()

  const removed = await nextEvent<{ id: string }>(channel, 'pusher:member_removed', 10_000)
  const elapsed = Date.now() - sentAt
  expect(removed.id).toBe('ghost')
  expect(await ghost.closed()).toBe(4201)
  // Not before the socket had a chance to answer; well within the promised window.
  expect(elapsed).toBeGreaterThanOrEqual(ACTIVITY_MS + GRACE_MS - 5)
  expect(elapsed).toBeLessThan(ACTIVITY_MS + GRACE_MS + 2_000)
  expect(server.realtime.channel('presence-room')?.members?.has('ghost')).toBe(false)
  observer.disconnect()
})

test('pusher-js answers server pings: it stays connected on the same socket across many activity periods', async () => {
  const client = pusherClient(server, { userId: 'steady' })
  const socketId = await connected(client)
  await new Promise((resolve) => setTimeout(resolve, (ACTIVITY_MS + GRACE_MS) * 4))
  expect(client.connection.state).toBe('connected')
  expect(client.connection.socket_id).toBe(socketId)
  client.disconnect()
})

test('a pusher-js client behind a blackholed link disappears from presence, then rejoins when the link is restored', async () => {
  const proxy = new TcpProxy(server.port)
  const proxyPort = await proxy.start()
  const observer = pusherClient(server, { userId: 'watcher' })
  await connected(observer)
  const room = (await subscribed(observer, 'presence-blackhole')) as PresenceChannel

  // The client's own pong timeout is long: what removes it here is the server's heartbeat.
  const sleeper = pusherClient(server, { userId: 'sleeper' }, { wsPort: proxyPort, pongTimeout: 20_000 })
  await connected(sleeper)
  const joined = nextEvent(room, 'pusher:member_added')
  await subscribed(sleeper, 'presence-blackhole')
  await joined

  proxy.blackhole()
  const removed = await nextEvent<{ id: string }>(room, 'pusher:member_removed', 10_000)
  expect(removed.id).toBe('sleeper')
  expect(sleeper.connection.state).toBe('connected') // it has not noticed yet

  const rejoined = nextEvent<{ id: string }>(room, 'pusher:member_added', 15_000)
  proxy.restore()
  expect((await rejoined).id).toBe('sleeper')
  sleeper.disconnect()
  observer.disconnect()
  await proxy.stop()
})
