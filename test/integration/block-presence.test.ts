/**
 * Blocking in groups with the embedded realtime server (docs/design.md §4.6),
 * with real pusher-js clients authorised by the real /api/pusher/auth: in a
 * group of Alice, Bob and Carol, once Alice blocks Bob his sockets get
 * member_removed for her, his member list lacks her (also when he subscribes
 * afresh), and neither her comings and goings nor her typing reach him,
 * while Carol sees all of it; Alice keeps seeing Bob. Unblocking shows her to
 * him again at once. The same across two nodes sharing Redis and PostgreSQL,
 * and a store that fails the lookup refuses the subscription (503).
 */
import type PusherClient from 'pusher-js'
import type { PresenceChannel } from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { conversationChannel, Events, type TypingEvent } from '../../src/shared/channels'
import { nextEvent, subscribed } from '../helpers/clients'
import { connectPusher, groupConversation, newUser, type MessengerUser } from '../helpers/messenger'
import { startTestServer, type TestServer } from '../helpers/server'
import { requirePostgres, requireRedis } from '../kit/services'
import { twoNodes } from '../helpers/two-nodes'

const clients: PusherClient[] = []
afterAll(() => {
  for (const client of clients) client.disconnect()
})

async function connect(user: MessengerUser, baseUrl?: string): Promise<PusherClient> {
  const client = baseUrl === undefined ? await user.connect() : await connectPusher(baseUrl, user.token)
  clients.push(client)
  return client
}

interface Frame {
  event: string
  channel?: string
  data?: { user_id?: string }
  user_id?: string
}

/** Every frame `client` receives from now on, as pusher-js decoded it (pusher-js ignores a member_removed for a stranger: frames do not). */
function framesOf(client: PusherClient): Frame[] {
  const frames: Frame[] = []
  client.connection.bind('message', (frame: Frame) => frames.push(frame))
  return frames
}

/** Of `frames`, those on `channel` that are about `userId`: member_added/removed for them, client events from them. */
function about(frames: readonly Frame[], channel: string, userId: string): Frame[] {
  return frames.filter(
    (f) =>
      f.channel === channel &&
      ((f.event.startsWith('pusher_internal:member_') && f.data?.user_id === userId) || (f.event.startsWith('client-') && f.user_id === userId)),
  )
}

/** Resolve with the next client-typing on `room` sent by `fromUserId`. */
function typingFrom(room: PresenceChannel, fromUserId: string, timeoutMs = 5_000): Promise<TypingEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      room.unbind(Events.typing, handler)
      reject(new Error(`no typing from ${fromUserId} on ${room.name}`))
    }, timeoutMs)
    const handler = (data: TypingEvent, metadata: { user_id?: string }): void => {
      if (metadata?.user_id !== fromUserId) return
      clearTimeout(timer)
      room.unbind(Events.typing, handler)
      resolve(data)
    }
    room.bind(Events.typing, handler)
  })
}

const join = async (client: PusherClient, name: string) => (await subscribed(client, name)) as PresenceChannel

interface Room {
  name: string
  alice: MessengerUser
  bob: MessengerUser
  carol: MessengerUser
  rooms: { alice: PresenceChannel; bob: PresenceChannel[]; carol: PresenceChannel }
}

/** Everyone in the room sees all three. */
async function allPresent(room: Room): Promise<void> {
  for (const channel of [room.rooms.alice, ...room.rooms.bob, room.rooms.carol]) await expect.poll(() => channel.members.count).toBe(3)
}

/** Alice's typing reaches Carol, and Bob's sockets get Carol's, sent after it, but never Alice's. */
async function typingWithheldFromBob(room: Room, bobFrames: Frame[][]): Promise<void> {
  const { alice, carol, rooms } = room
  const atCarol = typingFrom(rooms.carol, alice.user.id)
  expect(rooms.alice.trigger(Events.typing, { typing: true })).toBe(true)
  expect(await atCarol).toEqual({ typing: true })
  const atBob = rooms.bob.map((bobRoom) => typingFrom(bobRoom, carol.user.id))
  rooms.carol.trigger(Events.typing, { typing: true })
  await Promise.all(atBob)
  for (const frames of bobFrames) expect(about(frames, room.name, alice.user.id).filter((f) => f.event === Events.typing)).toEqual([])
}

/** Alice blocks Bob: every socket of his in the room gets member_removed for her and lacks her; Carol and Alice see everyone. */
async function block(room: Room): Promise<void> {
  const { alice, bob, rooms } = room
  const removed = rooms.bob.map((bobRoom) => nextEvent<{ id: string }>(bobRoom, 'pusher:member_removed'))
  expect((await alice.call('PUT', `/api/users/${bob.user.id}/block`)).status).toBe(204)
  for (const member of await Promise.all(removed)) expect(member.id).toBe(alice.user.id)
  for (const bobRoom of rooms.bob) {
    expect(bobRoom.members.get(alice.user.id)).toBeNull()
    expect(bobRoom.members.count).toBe(2)
  }
  expect(rooms.carol.members.get(alice.user.id)).not.toBeNull()
  expect(rooms.carol.members.count).toBe(3)
  expect(rooms.alice.members.get(bob.user.id)).not.toBeNull()
  expect(rooms.alice.members.count).toBe(3)
}

/** Alice unblocks Bob: every socket of his in the room gets member_added for her, with her user_info, and her typing again. */
async function unblock(room: Room): Promise<void> {
  const { alice, bob, rooms } = room
  const added = rooms.bob.map((bobRoom) => nextEvent<{ id: string; info: unknown }>(bobRoom, 'pusher:member_added'))
  expect((await alice.call('DELETE', `/api/users/${bob.user.id}/block`)).status).toBe(204)
  for (const member of await Promise.all(added)) expect(member).toEqual({ id: alice.user.id, info: { displayName: alice.user.displayName } })
  for (const bobRoom of rooms.bob) expect(bobRoom.members.count).toBe(3)
  const atBob = rooms.bob.map((bobRoom) => typingFrom(bobRoom, alice.user.id))
  rooms.alice.trigger(Events.typing, { typing: false })
  expect(await Promise.all(atBob)).toEqual(rooms.bob.map(() => ({ typing: false })))
  expect(rooms.alice.members.count).toBe(3)
}

describe('one node', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  test('Alice blocks Bob in their group: he stops seeing her, her comings and goings and her typing; Carol and Alice see all; unblocking restores', async () => {
    const [alice, bob, carol] = await Promise.all([newUser(server.url, 'alice'), newUser(server.url, 'bob'), newUser(server.url, 'carol')])
    const name = conversationChannel((await groupConversation(alice, [bob, carol])).id)
    const [aliceClient, bobClient, carolClient] = await Promise.all([connect(alice), connect(bob), connect(carol)])
    const bobFrames = framesOf(bobClient)
    const rooms = { alice: await join(aliceClient, name), bob: [await join(bobClient, name)], carol: await join(carolClient, name) }
    const room: Room = { name, alice, bob, carol, rooms }
    await allPresent(room)

    await block(room)
    const sinceBlock = about(bobFrames, name, alice.user.id).length
    await typingWithheldFromBob(room, [bobFrames])
    // One-way: Bob's typing still reaches Alice.
    const atAlice = typingFrom(rooms.alice, bob.user.id)
    rooms.bob[0]!.trigger(Events.typing, { typing: true })
    expect(await atAlice).toEqual({ typing: true })

    // Alice leaves the room and comes back: Carol sees both, Bob neither (Carol's typing after it proves it).
    const leftForCarol = nextEvent<{ id: string }>(rooms.carol, 'pusher:member_removed')
    aliceClient.unsubscribe(name)
    expect((await leftForCarol).id).toBe(alice.user.id)
    const backForCarol = nextEvent<{ id: string }>(rooms.carol, 'pusher:member_added')
    rooms.alice = await join(aliceClient, name)
    expect((await backForCarol).id).toBe(alice.user.id)
    expect(rooms.alice.members.get(bob.user.id)).not.toBeNull()
    await typingWithheldFromBob(room, [bobFrames])
    expect(about(bobFrames, name, alice.user.id).slice(sinceBlock)).toEqual([])

    // Bob subscribing afresh, on a new connection: the list he gets lacks Alice.
    const bobAgain = await connect(bob)
    const freshFrames = framesOf(bobAgain)
    const fresh = await join(bobAgain, name)
    expect(fresh.members.count).toBe(2)
    expect(fresh.members.get(alice.user.id)).toBeNull()
    expect(fresh.members.me?.id).toBe(bob.user.id)
    const succeeded = freshFrames.find((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === name)
    expect(JSON.stringify(succeeded?.data)).not.toContain(alice.user.id)
    rooms.bob.push(fresh)
    await typingWithheldFromBob(room, [bobFrames, freshFrames])

    await unblock(room)
    expect(rooms.carol.members.count).toBe(3)
  })

  test('a store that fails the blockers lookup refuses the presence subscription (503) rather than admit it unfiltered', async () => {
    const [alice, bob] = await Promise.all([newUser(server.url, 'alice'), newUser(server.url, 'bob')])
    const name = conversationChannel((await groupConversation(alice, [bob])).id)
    const lookup = server.realtime.presenceBlockers
    server.realtime.presenceBlockers = () => Promise.reject(new Error('store down'))
    try {
      const client = await connect(bob)
      await expect(subscribed(client, name)).rejects.toMatchObject({ detail: { type: 'ServerError', status: 503 } })
      expect(await server.realtime.presenceUserIds(name)).toEqual([])
    } finally {
      server.realtime.presenceBlockers = lookup
    }
    // The next subscribe asks again.
    const client = await connect(bob)
    expect((await join(client, name)).members.count).toBe(1)
  })
})

const missing = (await requireRedis('block-presence two nodes')) ?? (await requirePostgres('block-presence two nodes'))

describe.skipIf(missing !== null)('two nodes sharing Redis and PostgreSQL', () => {
  const { nodes } = twoNodes('block_presence')
  afterAll(() => {
    for (const client of clients) client.disconnect()
  })

  test('Alice blocks Bob through node A: his sockets on both nodes stop seeing her and her typing at once; unblocking restores', async () => {
    const [nodeA, nodeB] = nodes as [TestServer, TestServer]
    const alice = await newUser(nodeA.url, 'alice')
    const [bob, carol] = await Promise.all([newUser(nodeB.url, 'bob'), newUser(nodeB.url, 'carol')])
    const name = conversationChannel((await groupConversation(alice, [bob, carol])).id)
    const [aliceClient, bobOnB, bobOnA, carolClient] = await Promise.all([connect(alice), connect(bob), connect(bob, nodeA.url), connect(carol)])
    const bobFrames = [framesOf(bobOnB), framesOf(bobOnA)]
    const rooms = {
      alice: await join(aliceClient, name),
      bob: [await join(bobOnB, name), await join(bobOnA, name)],
      carol: await join(carolClient, name),
    }
    const room: Room = { name, alice, bob, carol, rooms }
    await allPresent(room)

    await block(room)
    await typingWithheldFromBob(room, bobFrames)
    await unblock(room)
    expect(rooms.carol.members.count).toBe(3)
  })
})
