/** Client events: who may send them, where, how often, and what the others receive. */
import type { PresenceChannel } from 'pusher-js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { channelAuth } from '../../src/server/realtime/signature'
import { connected, nextEvent, pusherClient, RawSocket, subscribed } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.stop()
})

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('a client event on a presence channel reaches the others with user_id, not the sender', async () => {
  const alice = pusherClient(server, { userId: 'alice' })
  const bob = pusherClient(server, { userId: 'bob' })
  await Promise.all([connected(alice), connected(bob)])
  const aliceRoom = (await subscribed(alice, 'presence-chat')) as PresenceChannel
  const bobRoom = (await subscribed(bob, 'presence-chat')) as PresenceChannel

  const echoed: unknown[] = []
  aliceRoom.bind('client-typing', (data: unknown) => echoed.push(data))
  const received = new Promise<{ data: unknown; metadata: { user_id?: string } }>((resolve) =>
    bobRoom.bind('client-typing', (data: unknown, metadata: { user_id?: string }) => resolve({ data, metadata })),
  )
  expect(aliceRoom.trigger('client-typing', { typing: true })).toBe(true)
  const { data, metadata } = await received
  expect(data).toEqual({ typing: true })
  expect(metadata.user_id).toBe('alice')
  await pause(100)
  expect(echoed).toEqual([])
  alice.disconnect()
  bob.disconnect()
})

test('a client event on a private channel reaches the other subscribers without user_id', async () => {
  const { socket: a, socketId: aId } = await RawSocket.open(server)
  const { socket: b, socketId: bId } = await RawSocket.open(server)
  for (const [socket, id] of [
    [a, aId],
    [b, bId],
  ] as const) {
    socket.send({ event: 'pusher:subscribe', data: { channel: 'private-pair', auth: channelAuth(server.realtime.app, id, 'private-pair') } })
    await socket.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded')
  }
  a.send({ event: 'client-hello', channel: 'private-pair', data: { n: 1 } })
  const frame = await b.waitFor((f) => f.event === 'client-hello')
  expect(frame).toEqual({ event: 'client-hello', channel: 'private-pair', data: { n: 1 } })
  a.close()
  b.close()
})

test.each([
  ['a public channel', 'open-room', false, 'only allowed on private and presence'],
  ['an encrypted channel', 'private-encrypted-box', true, 'only allowed on private and presence'],
  ['a channel the socket is not subscribed to', 'private-elsewhere', false, 'Not subscribed'],
])('client events on %s are refused with pusher:error and go nowhere', async (_label, channel, subscribe, message) => {
  const { socket, socketId } = await RawSocket.open(server)
  const { socket: listener, socketId: listenerId } = await RawSocket.open(server)
  const auth = (id: string) => (channel.startsWith('private-') ? { auth: channelAuth(server.realtime.app, id, channel) } : {})
  listener.send({ event: 'pusher:subscribe', data: { channel, ...auth(listenerId) } })
  await listener.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded')
  if (subscribe) {
    socket.send({ event: 'pusher:subscribe', data: { channel, ...auth(socketId) } })
    await socket.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded')
  }
  socket.send({ event: 'client-sneaky', channel, data: {} })
  const error = await socket.waitFor((f) => f.event === 'pusher:error')
  expect(error.data).toMatchObject({ code: 4300 })
  expect((error.data as { message: string }).message).toContain(message)
  await pause(100)
  expect(listener.frames.some((f) => f.event === 'client-sneaky')).toBe(false)
  socket.close()
  listener.close()
})

test('11 client events in a second: 10 delivered, one 4301 error, the socket stays open', async () => {
  const sender = pusherClient(server, { userId: 'chatty' })
  const receiver = pusherClient(server, { userId: 'patient' })
  await Promise.all([connected(sender), connected(receiver)])
  const senderRoom = await subscribed(sender, 'presence-rate')
  const receiverRoom = await subscribed(receiver, 'presence-rate')
  const errors: { data?: { code?: number } }[] = []
  sender.connection.bind('error', (error: { data?: { code?: number } }) => errors.push(error))
  const received: number[] = []
  receiverRoom.bind('client-n', (data: { n: number }) => received.push(data.n))

  for (let n = 1; n <= 11; n++) senderRoom.trigger('client-n', { n })
  await pause(300)
  expect(received).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10])
  expect(errors.map((e) => e.data?.code)).toEqual([4301])
  expect(sender.connection.state).toBe('connected')

  // After the window has passed, events flow again on the same connection.
  await pause(1_000)
  const next = nextEvent<{ n: number }>(receiverRoom, 'client-n')
  senderRoom.trigger('client-n', { n: 12 })
  expect((await next).n).toBe(12)
  sender.disconnect()
  receiver.disconnect()
})

test('client event data over 10 KB is refused', async () => {
  const { socket, socketId } = await RawSocket.open(server)
  socket.send({ event: 'pusher:subscribe', data: { channel: 'private-big', auth: channelAuth(server.realtime.app, socketId, 'private-big') } })
  await socket.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded')
  socket.send({ event: 'client-big', channel: 'private-big', data: 'x'.repeat(11 * 1024) })
  const error = await socket.waitFor((f) => f.event === 'pusher:error')
  expect(error.data).toMatchObject({ code: 4300 })
  expect(socket.closeCode).toBeNull()
  socket.close()
})
