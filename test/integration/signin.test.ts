/** User sign-in, server-to-user delivery and watchlist online/offline events. */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { userAuth } from '../../src/server/realtime/signature'
import { connected, pusherClient, RawSocket, sdkFor } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.stop()
})

interface WatchlistEvent {
  name: 'online' | 'offline'
  user_ids: string[]
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('pusher-js signs in and receives server-to-user events on every one of its connections', async () => {
  const laptop = pusherClient(server, { userId: 'dora' })
  const desktop = pusherClient(server, { userId: 'dora' })
  const stranger = pusherClient(server, { userId: 'eve' })
  const clients = [laptop, desktop, stranger]
  await Promise.all(clients.map((client) => connected(client)))
  clients.forEach((client) => client.signin())
  await Promise.all(clients.map((client) => client.user.signinDonePromise))
  expect(laptop.user.user_data).toMatchObject({ id: 'dora' })
  await pause(100) // the #server-to-user subscription follows signin_success

  const got: string[] = []
  laptop.user.bind('note', (data: { text: string }) => got.push(`laptop:${data.text}`))
  desktop.user.bind('note', (data: { text: string }) => got.push(`desktop:${data.text}`))
  stranger.user.bind('note', (data: { text: string }) => got.push(`stranger:${data.text}`))
  await sdkFor(server).sendToUser('dora', 'note', { text: 'hi' })
  await pause(200)
  expect(got.sort()).toEqual(['desktop:hi', 'laptop:hi'])
  clients.forEach((client) => client.disconnect())
})

test('a forged sign-in gets error 4009 and the socket is closed', async () => {
  const { socket, socketId } = await RawSocket.open(server)
  const userData = JSON.stringify({ id: 'admin' })
  socket.send({
    event: 'pusher:signin',
    data: { user_data: userData, auth: userAuth({ ...server.realtime.app, secret: 'guessed-secret' }, socketId, userData) },
  })
  const error = await socket.waitFor((f) => f.event === 'pusher:error')
  expect(error.data).toMatchObject({ code: 4009 })
  expect(await socket.closed()).toBe(4009)
  expect(server.realtime.isUserOnline('admin')).toBe(false)
})

test.each([
  ['user_data without id', JSON.stringify({ name: 'x' })],
  ['user_data with an empty id', JSON.stringify({ id: '' })],
  ['user_data that is not JSON', '{not json'],
])('sign-in with %s (validly signed) is refused', async (_label, userData) => {
  const { socket, socketId } = await RawSocket.open(server)
  socket.send({ event: 'pusher:signin', data: { user_data: userData, auth: userAuth(server.realtime.app, socketId, userData) } })
  expect(await socket.closed()).toBe(4009)
})

test('subscribing to #server-to-user-{id} needs a sign-in as that user', async () => {
  const { socket, socketId } = await RawSocket.open(server)
  socket.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-fred' } })
  expect((await socket.waitFor((f) => f.event === 'pusher:subscription_error')).data).toMatchObject({ status: 403 })
  const userData = JSON.stringify({ id: 'fred' })
  socket.send({ event: 'pusher:signin', data: { user_data: userData, auth: userAuth(server.realtime.app, socketId, userData) } })
  await socket.waitFor((f) => f.event === 'pusher:signin_success')
  socket.send({ event: 'pusher:subscribe', data: { channel: '#server-to-user-fred' } })
  await socket.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === '#server-to-user-fred')
  socket.close()
})

test('watchlist: initial state after sign-in, then online and offline as watched users come and go', async () => {
  const early = pusherClient(server, { userId: 'gina' })
  await connected(early)
  early.signin()
  await early.user.signinDonePromise

  const watcher = pusherClient(server, { userId: 'hank', watchlist: ['gina', 'ivan'] })
  const events: WatchlistEvent[] = []
  watcher.user.watchlist.bind('online', (e: WatchlistEvent) => events.push(e))
  watcher.user.watchlist.bind('offline', (e: WatchlistEvent) => events.push(e))
  await connected(watcher)
  watcher.signin()
  await watcher.user.signinDonePromise
  await pause(100)
  expect(events).toEqual([
    { name: 'online', user_ids: ['gina'] },
    { name: 'offline', user_ids: ['ivan'] },
  ])

  // ivan's first connection makes him online; his second adds nothing.
  const ivan1 = pusherClient(server, { userId: 'ivan' })
  const ivan2 = pusherClient(server, { userId: 'ivan' })
  for (const client of [ivan1, ivan2]) {
    await connected(client)
    client.signin()
    await client.user.signinDonePromise
  }
  await pause(100)
  expect(events.slice(2)).toEqual([{ name: 'online', user_ids: ['ivan'] }])

  ivan1.disconnect()
  await pause(150)
  expect(events.slice(3)).toEqual([])
  ivan2.disconnect()
  early.disconnect()
  await pause(200)
  expect(events.slice(3)).toEqual(
    expect.arrayContaining([
      { name: 'offline', user_ids: ['ivan'] },
      { name: 'offline', user_ids: ['gina'] },
    ]),
  )
  expect(events).toHaveLength(5)
  watcher.disconnect()
})

test('hooks report userOnline/userOffline per user, not per socket', async () => {
  const seen: string[] = []
  const offs = [
    server.realtime.hooks.on('userOnline', ({ userId }) => userId === 'jo' && seen.push(`online:${userId}`)),
    server.realtime.hooks.on('userOffline', ({ userId }) => userId === 'jo' && seen.push(`offline:${userId}`)),
  ]
  const a = pusherClient(server, { userId: 'jo' })
  const b = pusherClient(server, { userId: 'jo' })
  for (const client of [a, b]) {
    await connected(client)
    client.signin()
    await client.user.signinDonePromise
  }
  a.disconnect()
  await pause(100)
  expect(seen).toEqual(['online:jo'])
  b.disconnect()
  await pause(100)
  expect(seen).toEqual(['online:jo', 'offline:jo'])
  offs.forEach((off) => off())
})
