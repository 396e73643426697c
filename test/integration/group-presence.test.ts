/**
 * Leaving a group ends presence at once (docs/design.md §4.6), with real
 * pusher-js clients authorised by the real /api/pusher/auth: when Alice
 * removes Bob, Alice sees member_removed for him, every device of Bob's gets
 * conversation.removed on its own channel, his re-subscription is refused and
 * the conversation is 404 to him. The same across two nodes sharing Redis and
 * PostgreSQL. A mute goes to the muter's own devices only.
 */
import type { Channel, PresenceChannel } from 'pusher-js'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import {
  conversationChannel,
  userChannel,
  type ConversationRemovedEvent,
  type ConversationUpsertEvent,
  type MessageCreatedEvent,
} from '../../src/shared/channels'
import { nextEvent, RawSocket, subscribed } from '../helpers/clients'
import { groupConversation, newUser, type MessengerUser } from '../helpers/messenger'
import { startTestServer, type TestServer } from '../helpers/server'
import { requirePostgres, requireRedis } from '../kit/services'
import { twoNodes } from '../helpers/two-nodes'

const clients: PusherClient[] = []
afterAll(() => {
  for (const client of clients) client.disconnect()
})

async function connect(user: MessengerUser): Promise<PusherClient> {
  const client = await user.connect()
  clients.push(client)
  return client
}

/** Subscribing again after leaving: pusher-js asks /api/pusher/auth, which refuses (403). */
function refusedSubscription(client: PusherClient, name: string): Promise<{ status: number }> {
  client.unsubscribe(name)
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no subscription_error for ${name}`)), 5_000)
    const channel = client.subscribe(name)
    channel.bind('pusher:subscription_succeeded', () => reject(new Error(`subscribed to ${name} again`)))
    channel.bind('pusher:subscription_error', (error: { status: number }) => {
      clearTimeout(timer)
      resolve(error)
    })
  })
}

/** The conversation as a conversation.upsert carries it: the recipient's own view. */
type UpsertedView = ConversationUpsertEvent['conversation']

/** Resolve with the next member_removed on `room`. */
const memberRemoved = (room: Channel) => nextEvent<{ id: string }>(room, 'pusher:member_removed')

describe('one node', () => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer()
  })
  afterAll(async () => {
    await server.stop()
  })

  test('Alice removes Bob: member_removed for Alice, conversation.removed on both of Bob’s devices, re-subscribe 403, GET 404', async () => {
    const [alice, bob, carol] = await Promise.all([newUser(server.url, 'alice'), newUser(server.url, 'bob'), newUser(server.url, 'carol')])
    const conv = await groupConversation(alice, [bob, carol])
    const [aliceClient, bobPhone, bobDesk] = await Promise.all([connect(alice), connect(bob), connect(bob)])
    const aliceInbox = await subscribed(aliceClient, userChannel(alice.user.id))
    const [phoneInbox, deskInbox] = await Promise.all([
      subscribed(bobPhone, userChannel(bob.user.id)),
      subscribed(bobDesk, userChannel(bob.user.id)),
    ])
    const room = (await subscribed(aliceClient, conversationChannel(conv.id))) as PresenceChannel
    const bobRoom = (await subscribed(bobPhone, conversationChannel(conv.id))) as PresenceChannel
    await subscribed(bobDesk, conversationChannel(conv.id))
    await expect.poll(() => room.members.count).toBe(2)
    expect(bobRoom.members.get(alice.user.id)).not.toBeNull()

    const removedForAlice = memberRemoved(room)
    const removedOnPhone = nextEvent<ConversationRemovedEvent>(phoneInbox, 'conversation.removed')
    const removedOnDesk = nextEvent<ConversationRemovedEvent>(deskInbox, 'conversation.removed')
    const systemForAlice = nextEvent<MessageCreatedEvent>(aliceInbox, 'message.created')
    const upsertForAlice = nextEvent<ConversationUpsertEvent>(aliceInbox, 'conversation.upsert')
    const reply = await alice.call('DELETE', `/api/conversations/${conv.id}/members/${bob.user.id}`)
    expect(reply.status).toBe(204)

    expect((await removedForAlice).id).toBe(bob.user.id)
    expect(await removedOnPhone).toEqual({ conversationId: conv.id })
    expect(await removedOnDesk).toEqual({ conversationId: conv.id })
    expect((await systemForAlice).message).toMatchObject({ kind: 'system', system: { type: 'member_removed', userIds: [bob.user.id] } })
    expect((await upsertForAlice).conversation.memberIds).toEqual([alice.user.id, carol.user.id])
    expect(room.members.count).toBe(1)
    // Bob's sockets are out of the channel on the server, though still connected.
    expect(await server.realtime.presenceUserIds(conversationChannel(conv.id))).toEqual([alice.user.id])
    expect(server.realtime.channel(conversationChannel(conv.id))?.subscribers.size).toBe(1)
    expect(bobPhone.connection.state).toBe('connected')

    expect((await refusedSubscription(bobPhone, conversationChannel(conv.id))).status).toBe(403)
    expect((await bob.call('GET', `/api/conversations/${conv.id}`)).status).toBe(404)
    // Bob's own channel still works on the same socket.
    const next = nextEvent<ConversationUpsertEvent>(phoneInbox, 'conversation.upsert')
    await bob.call('POST', '/api/conversations', { memberIds: [alice.user.id] })
    expect((await next).conversation.kind).toBe('direct')
  })

  test('a signature Bob got while a member does not take him back in after removal, on the same socket', async () => {
    const [alice, bob] = await Promise.all([newUser(server.url, 'alice'), newUser(server.url, 'bob')])
    const conv = await groupConversation(alice, [bob])
    const name = conversationChannel(conv.id)
    const { socket, socketId } = await RawSocket.open(server)
    try {
      const signed = await bob.call<{ auth: string; channel_data: string }>('POST', '/api/pusher/auth', { socket_id: socketId, channel_name: name })
      expect(signed.status).toBe(200)
      const subscribe = { event: 'pusher:subscribe', data: { channel: name, auth: signed.body.auth, channel_data: signed.body.channel_data } }
      socket.send(subscribe)
      await socket.waitFor((f) => f.event === 'pusher_internal:subscription_succeeded' && f.channel === name)
      socket.send({ event: 'pusher:unsubscribe', data: { channel: name } })
      expect((await alice.call('DELETE', `/api/conversations/${conv.id}/members/${bob.user.id}`)).status).toBe(204)

      // The same frame again: the signature still checks out for this socket, the membership does not.
      socket.send(subscribe)
      const refused = await socket.waitForNext((f) => f.event === 'pusher:subscription_error' && f.channel === name)
      expect(refused.data).toMatchObject({ type: 'AuthError', status: 403 })
      expect(await server.realtime.presenceUserIds(name)).toEqual([])
    } finally {
      socket.close()
    }
  })

  test('leaving from one device tells the others; a mute goes to the muter’s devices only', async () => {
    const [alice, bob] = await Promise.all([newUser(server.url, 'alice'), newUser(server.url, 'bob')])
    const conv = await groupConversation(alice, [bob])
    const [aliceClient, bobDesk] = await Promise.all([connect(alice), connect(bob)])
    const aliceInbox = await subscribed(aliceClient, userChannel(alice.user.id))
    const deskInbox = await subscribed(bobDesk, userChannel(bob.user.id))
    const room = (await subscribed(aliceClient, conversationChannel(conv.id))) as PresenceChannel
    await subscribed(bobDesk, conversationChannel(conv.id))
    await expect.poll(() => room.members.count).toBe(2)

    const aliceUpserts: ConversationUpsertEvent[] = []
    aliceInbox.bind('conversation.upsert', (event: ConversationUpsertEvent) => aliceUpserts.push(event))
    const mutedOnDesk = nextEvent<ConversationUpsertEvent>(deskInbox, 'conversation.upsert')
    expect((await bob.call('PUT', `/api/conversations/${conv.id}/settings`, { mutedUntil: 253_402_300_799_000 })).status).toBe(200)
    expect((await mutedOnDesk).conversation.mutedUntil).toBe(253_402_300_799_000)

    const removedOnDesk = nextEvent<ConversationRemovedEvent>(deskInbox, 'conversation.removed')
    const removedForAlice = memberRemoved(room)
    const leftForAlice = nextEvent<ConversationUpsertEvent>(aliceInbox, 'conversation.upsert')
    expect((await bob.call('DELETE', `/api/conversations/${conv.id}/members/${bob.user.id}`)).status).toBe(204)
    expect(await removedOnDesk).toEqual({ conversationId: conv.id })
    expect((await removedForAlice).id).toBe(bob.user.id)
    // Events of a conversation leave in order: Alice's first upsert is the leave, not Bob's mute.
    expect((await leftForAlice).conversation.memberIds).toEqual([alice.user.id])
    expect(aliceUpserts).toHaveLength(1)
    expect(aliceUpserts[0]!.conversation.mutedUntil).toBeNull()
  })

  test('rename, promote, demote and add each send conversation.upsert with the new state to every member’s channel, the newcomer’s too', async () => {
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map((name) => newUser(server.url, name)))
    const people = [alice!, bob!, carol!, dave!]
    const ids = people.map((person) => person.user.id)
    const conv = await groupConversation(alice!, [bob!, carol!])
    const inboxes = await Promise.all(people.map(async (person) => subscribed(await connect(person), userChannel(person.user.id))))
    // Every upsert each one gets, to check at the end that each change came once and Dave heard nothing before his.
    const received = inboxes.map((inbox) => {
      const views: UpsertedView[] = []
      inbox.bind('conversation.upsert', (event: ConversationUpsertEvent) => views.push(event.conversation))
      return views
    })

    /** Make the change (200) and resolve with the conversation.upsert it sends each of `who`, in that order. */
    async function upsertsOf(change: Promise<{ status: number }>, who: number[]): Promise<UpsertedView[]> {
      const next = who.map((i) => nextEvent<ConversationUpsertEvent>(inboxes[i]!, 'conversation.upsert'))
      expect((await change).status).toBe(200)
      return (await Promise.all(next)).map((event) => event.conversation)
    }
    const members = [0, 1, 2]
    const roles = (bobsRole: string) => [
      { userId: ids[0], role: 'owner' },
      { userId: ids[1], role: bobsRole },
      { userId: ids[2], role: 'member' },
    ]

    const renamed = await upsertsOf(alice!.call('PATCH', `/api/conversations/${conv.id}`, { title: 'Renamed' }), members)
    for (const view of renamed) {
      expect(view).toMatchObject({ id: conv.id, title: 'Renamed', lastSeq: 1, members: roles('member') })
      expect(view.lastMessage?.system).toEqual({ type: 'title_changed', actorId: ids[0], title: 'Renamed' })
    }

    const promoted = await upsertsOf(alice!.call('PATCH', `/api/conversations/${conv.id}/members/${ids[1]}`, { role: 'admin' }), members)
    for (const view of promoted) {
      expect(view).toMatchObject({ title: 'Renamed', lastSeq: 2, members: roles('admin') })
      expect(view.lastMessage?.system).toEqual({ type: 'role_changed', actorId: ids[0], userIds: [ids[1]], role: 'admin' })
    }

    const demoted = await upsertsOf(alice!.call('PATCH', `/api/conversations/${conv.id}/members/${ids[1]}`, { role: 'member' }), members)
    for (const view of demoted) {
      expect(view).toMatchObject({ lastSeq: 3, members: roles('member') })
      expect(view.lastMessage?.system).toEqual({ type: 'role_changed', actorId: ids[0], userIds: [ids[1]], role: 'member' })
    }

    const added = await upsertsOf(alice!.call('POST', `/api/conversations/${conv.id}/members`, { userIds: [ids[3]] }), [0, 1, 2, 3])
    for (const view of added) {
      expect(view).toMatchObject({ id: conv.id, title: 'Renamed', lastSeq: 4, memberIds: ids, members: [...roles('member'), { userId: ids[3], role: 'member' }] })
      expect(view.lastMessage?.system).toEqual({ type: 'member_added', actorId: ids[0], userIds: [ids[3]] })
    }
    // Each view is its viewer's own: the newcomer has read up to the message that added him.
    expect(added[3]).toMatchObject({ readSeq: 4, unreadCount: 0 })

    // One upsert per change for the members; Dave's channel carried only the add (the earlier ones would have come first).
    expect(received.map((views) => views.map((view) => view.lastSeq))).toEqual([[1, 2, 3, 4], [1, 2, 3, 4], [1, 2, 3, 4], [4]])
  })

  test('ending presence of unknown channels and users does nothing and never throws', () => {
    expect(server.realtime.endPresence('presence-conversation-c_nothing', 'u_nobody')).toBe(0)
    expect(server.realtime.endPresence('private-user-x', 'u_nobody')).toBe(0)
    expect(server.realtime.endPresence('not a channel', '')).toBe(0)
  })
})

const missing = (await requireRedis('group-presence two nodes')) ?? (await requirePostgres('group-presence two nodes'))

describe.skipIf(missing !== null)('two nodes sharing Redis and PostgreSQL', () => {
  const { nodes } = twoNodes('group_presence')
  afterAll(() => {
    for (const client of clients) client.disconnect()
  })

  test('Alice on node A removes Bob, whose sockets are on node B: Alice sees member_removed, Bob conversation.removed', async () => {
    const [nodeA, nodeB] = nodes as [TestServer, TestServer]
    const alice = await newUser(nodeA.url, 'alice')
    const bob = await newUser(nodeB.url, 'bob')
    const conv = await groupConversation(alice, [bob])
    const [aliceClient, bobClient] = await Promise.all([connect(alice), connect(bob)])
    const bobInbox = await subscribed(bobClient, userChannel(bob.user.id))
    const room = (await subscribed(aliceClient, conversationChannel(conv.id))) as PresenceChannel
    await subscribed(bobClient, conversationChannel(conv.id))
    await expect.poll(() => room.members.count).toBe(2)

    const removedForAlice = memberRemoved(room)
    const removedForBob = nextEvent<ConversationRemovedEvent>(bobInbox, 'conversation.removed')
    expect((await alice.call('DELETE', `/api/conversations/${conv.id}/members/${bob.user.id}`)).status).toBe(204)
    expect((await removedForAlice).id).toBe(bob.user.id)
    expect(await removedForBob).toEqual({ conversationId: conv.id })
    expect(nodeB.realtime.channel(conversationChannel(conv.id))).toBeUndefined()
    expect(await nodeA.realtime.presenceUserIds(conversationChannel(conv.id))).toEqual([alice.user.id])
    expect((await refusedSubscription(bobClient, conversationChannel(conv.id))).status).toBe(403)
  })
})
