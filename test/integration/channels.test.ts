/** Channel subscriptions: public, private, private-encrypted (relay) and presence, with their auth rules. */
import type { PresenceChannel } from 'pusher-js'
import PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { channelAuth } from '../../src/server/realtime/signature'
import { connected, nextEvent, pusherClient, RawSocket, sdkFor, subscribed } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer({ MAX_PRESENCE_MEMBERS: '3', MAX_SUBSCRIPTIONS_PER_SOCKET: '5' })
})
afterAll(async () => {
  await server.stop()
})

type Frame = RawSocket['frames'][number]
const isError = (channel: string) => (f: Frame) => f.event === 'pusher:subscription_error' && f.channel === channel
const succeeded = (channel: string) => (f: Frame) =>
  f.event === 'pusher_internal:subscription_succeeded' && f.channel === channel

describe('public and private channels', () => {
  test('public channels need no auth', async () => {
    const { socket } = await RawSocket.open(server)
    socket.send({ event: 'pusher:subscribe', data: { channel: 'news' } })
    await socket.waitFor(succeeded('news'))
    socket.close()
  })

  test('private channel with a valid signature succeeds; without, or signed for another socket or channel, fails', async () => {
    const { socket, socketId } = await RawSocket.open(server)
    const { socketId: otherSocketId, socket: other } = await RawSocket.open(server)
    const app = server.realtime.app
    const cases: [string, string | undefined][] = [
      ['private-a', undefined],
      ['private-b', channelAuth(app, otherSocketId, 'private-b')],
      ['private-c', channelAuth(app, socketId, 'private-elsewhere')],
      ['private-d', channelAuth({ ...app, secret: 'not-the-secret' }, socketId, 'private-d')],
      ['private-e', channelAuth({ ...app, key: 'other-key' }, socketId, 'private-e')],
    ]
    for (const [channel, auth] of cases) {
      socket.send({ event: 'pusher:subscribe', data: { channel, ...(auth ? { auth } : {}) } })
      const error = await socket.waitFor(isError(channel))
      expect(error.data).toMatchObject({ type: 'AuthError', status: 401 })
    }
    socket.send({ event: 'pusher:subscribe', data: { channel: 'private-ok', auth: channelAuth(app, socketId, 'private-ok') } })
    await socket.waitFor(succeeded('private-ok'))
    expect(server.realtime.channel('private-a')).toBeUndefined()
    expect(server.realtime.channel('private-ok')?.subscribers.size).toBe(1)
    socket.close()
    other.close()
  })

  test.each([
    ['an empty name', ''],
    ['a space', 'bad name'],
    ['a 201-character name', 'a'.repeat(201)],
    ['a # prefix that is not server-to-user', '#secret'],
    ['someone else\u2019s server-to-user channel', '#server-to-user-alice'],
  ])('subscribing to %s fails with subscription_error', async (_label, channel) => {
    const { socket } = await RawSocket.open(server)
    socket.send({ event: 'pusher:subscribe', data: { channel } })
    const error = await socket.waitFor((f) => f.event === 'pusher:subscription_error')
    expect(error.data).toMatchObject({ type: 'AuthError' })
    expect(server.realtime.channel(channel)).toBeUndefined()
    socket.close()
  })

  test('a socket may hold only the configured number of subscriptions', async () => {
    const { socket } = await RawSocket.open(server)
    for (let i = 0; i < 5; i++) {
      socket.send({ event: 'pusher:subscribe', data: { channel: `many-${i}` } })
      await socket.waitFor(succeeded(`many-${i}`))
    }
    socket.send({ event: 'pusher:subscribe', data: { channel: 'many-5' } })
    expect((await socket.waitFor(isError('many-5'))).data).toMatchObject({ type: 'LimitReached' })
    socket.send({ event: 'pusher:subscribe', data: { channel: 'many-0' } })
    await socket.waitForNext(succeeded('many-0'))
    socket.send({ event: 'pusher:unsubscribe', data: { channel: 'many-0' } })
    socket.send({ event: 'pusher:subscribe', data: { channel: 'many-5' } })
    await socket.waitFor(succeeded('many-5'))
    socket.close()
  })

  test('unsubscribe stops delivery; the channel is vacated when its last subscriber leaves', async () => {
    const client = pusherClient(server, { userId: 'u' })
    await connected(client)
    const channel = await subscribed(client, 'private-unsub')
    const got: unknown[] = []
    channel.bind('tick', (data: unknown) => got.push(data))
    await sdkFor(server).trigger('private-unsub', 'tick', 1)
    await new Promise((resolve) => setTimeout(resolve, 100))
    client.unsubscribe('private-unsub')
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(server.realtime.channel('private-unsub')).toBeUndefined()
    await sdkFor(server).trigger('private-unsub', 'tick', 2)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(got).toEqual([1])
    client.disconnect()
  })
})

describe('private-encrypted channels', () => {
  test('the server relays the ciphertext it cannot read; pusher-js with encryption decrypts it', async () => {
    const masterKey = Buffer.alloc(32, 7).toString('base64')
    const sdk = sdkFor(server, { encryptionMasterKeyBase64: masterKey })
    const client = new PusherClient(server.realtime.app.key, {
      cluster: 'local',
      wsHost: '127.0.0.1',
      wsPort: server.port,
      forceTLS: false,
      enabledTransports: ['ws'],
      channelAuthorization: {
        transport: 'ajax',
        endpoint: 'unused',
        customHandler: ({ socketId, channelName }, callback) =>
          callback(null, sdk.authorizeChannel(socketId, channelName) as { auth: string; shared_secret?: string }),
      },
    })
    await connected(client)
    const channel = await subscribed(client, 'private-encrypted-vault')
    const { socket, socketId } = await RawSocket.open(server)
    socket.send({
      event: 'pusher:subscribe',
      data: { channel: 'private-encrypted-vault', auth: channelAuth(server.realtime.app, socketId, 'private-encrypted-vault') },
    })
    await socket.waitFor(succeeded('private-encrypted-vault'))

    const decrypted = nextEvent(channel, 'secret')
    await sdk.trigger('private-encrypted-vault', 'secret', { text: 'the plans' })
    expect(await decrypted).toEqual({ text: 'the plans' })
    const relayed = await socket.waitFor((f) => f.event === 'secret')
    expect(JSON.stringify(relayed.data)).not.toContain('the plans')
    expect(relayed.data).toHaveProperty('ciphertext')
    client.disconnect()
    socket.close()
  })
})

describe('presence channels', () => {
  test('subscription_succeeded lists the members; others see member_added and member_removed', async () => {
    const alice = pusherClient(server, { userId: 'alice', userInfo: { displayName: 'Alice' } })
    const bob = pusherClient(server, { userId: 'bob', userInfo: { displayName: 'Bob' } })
    await Promise.all([connected(alice), connected(bob)])
    const aliceRoom = (await subscribed(alice, 'presence-lobby')) as PresenceChannel
    expect(aliceRoom.members.count).toBe(1)
    expect(aliceRoom.members.me).toEqual({ id: 'alice', info: { displayName: 'Alice' } })

    const added = nextEvent<{ id: string; info: unknown }>(aliceRoom, 'pusher:member_added')
    const bobRoom = (await subscribed(bob, 'presence-lobby')) as PresenceChannel
    expect(await added).toEqual({ id: 'bob', info: { displayName: 'Bob' } })
    expect(bobRoom.members.count).toBe(2)
    expect(bobRoom.members.get('alice')).toEqual({ id: 'alice', info: { displayName: 'Alice' } })

    const removed = nextEvent<{ id: string }>(aliceRoom, 'pusher:member_removed')
    bob.disconnect()
    expect((await removed).id).toBe('bob')
    expect(aliceRoom.members.count).toBe(1)
    alice.disconnect()
  })

  test('a second socket of the same user adds no member; only the last one leaving removes them', async () => {
    const watcher = pusherClient(server, { userId: 'watcher' })
    await connected(watcher)
    const room = (await subscribed(watcher, 'presence-tabs')) as PresenceChannel
    const events: string[] = []
    room.bind('pusher:member_added', (m: { id: string }) => events.push(`+${m.id}`))
    room.bind('pusher:member_removed', (m: { id: string }) => events.push(`-${m.id}`))

    const tab1 = pusherClient(server, { userId: 'carol' })
    const tab2 = pusherClient(server, { userId: 'carol' })
    await Promise.all([connected(tab1), connected(tab2)])
    await subscribed(tab1, 'presence-tabs')
    const tab2Room = (await subscribed(tab2, 'presence-tabs')) as PresenceChannel
    expect(tab2Room.members.count).toBe(2)
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect(events).toEqual(['+carol'])

    tab1.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(events).toEqual(['+carol'])
    expect(server.realtime.channel('presence-tabs')?.members?.get('carol')?.sockets.size).toBe(1)

    const gone = nextEvent(room, 'pusher:member_removed')
    tab2.disconnect()
    await gone
    expect(events).toEqual(['+carol', '-carol'])
    watcher.disconnect()
  })

  test('presence needs channel_data signed together with the channel', async () => {
    const { socket, socketId } = await RawSocket.open(server)
    const app = server.realtime.app
    const data = JSON.stringify({ user_id: 'mallory' })
    socket.send({ event: 'pusher:subscribe', data: { channel: 'presence-x', auth: channelAuth(app, socketId, 'presence-x') } })
    expect((await socket.waitFor(isError('presence-x'))).data).toMatchObject({ type: 'AuthError' })
    const forged = JSON.stringify({ user_id: 'admin' })
    socket.send({
      event: 'pusher:subscribe',
      data: { channel: 'presence-y', channel_data: forged, auth: channelAuth(app, socketId, 'presence-y', data) },
    })
    expect((await socket.waitFor(isError('presence-y'))).data).toMatchObject({ type: 'AuthError', status: 401 })
    const noUser = JSON.stringify({ user_info: {} })
    socket.send({
      event: 'pusher:subscribe',
      data: { channel: 'presence-z', channel_data: noUser, auth: channelAuth(app, socketId, 'presence-z', noUser) },
    })
    expect((await socket.waitFor(isError('presence-z'))).data).toMatchObject({ type: 'AuthError', status: 400 })
    expect(server.realtime.channel('presence-y')).toBeUndefined()
    socket.close()
  })

  test('numeric user ids are accepted and reported as strings', async () => {
    const { socket, socketId } = await RawSocket.open(server)
    const data = JSON.stringify({ user_id: 42, user_info: { n: 1 } })
    socket.send({
      event: 'pusher:subscribe',
      data: { channel: 'presence-num', channel_data: data, auth: channelAuth(server.realtime.app, socketId, 'presence-num', data) },
    })
    const ok = await socket.waitFor(succeeded('presence-num'))
    expect(ok.data).toEqual({ presence: { ids: ['42'], hash: { '42': { n: 1 } }, count: 1 } })
    socket.close()
  })

  test('a full presence channel refuses new users (LimitReached) but not more sockets of a member', async () => {
    const clients = ['m1', 'm2', 'm3', 'm4', 'm1'].map((userId) => pusherClient(server, { userId }))
    await Promise.all(clients.map((client) => connected(client)))
    for (const client of clients.slice(0, 3)) await subscribed(client, 'presence-full')
    await expect(subscribed(clients[3]!, 'presence-full')).rejects.toMatchObject({
      detail: { type: 'LimitReached' },
    })
    const again = (await subscribed(clients[4]!, 'presence-full')) as PresenceChannel
    expect(again.members.count).toBe(3)
    clients.forEach((client) => client.disconnect())
  })
})
