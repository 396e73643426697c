/**
 * The messenger's realtime behaviour end to end: REST writes reach real
 * pusher-js clients authorised by the real /api/pusher/auth endpoint, presence
 * shows who is online, and lastSeenAt is recorded when the last connection goes.
 */
import Pusher from 'pusher'
import type { PresenceChannel } from 'pusher-js'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { ConversationPage, Message, User } from '../../src/shared/api'
import {
  conversationChannel,
  userChannel,
  type ConversationUpsertEvent,
  type MarkerUpdatedEvent,
  type MessageCreatedEvent,
} from '../../src/shared/channels'
import { nextEvent, subscribed } from '../helpers/clients'
import { directConversation, newUser } from '../helpers/messenger'
import { startTestServer, type TestServer } from '../helpers/server'

// The embedded server gets events in process by default; PUBLISH_VIA_SDK sends them
// through the pusher SDK and the HTTP API instead (the path external services use).
describe.each<{ path: string; env: Record<string, string> }>([
  { path: 'in process', env: {} },
  { path: 'through the pusher SDK', env: { PUBLISH_VIA_SDK: 'true' } },
])('publishing $path', ({ env }) => {
  let server: TestServer
  beforeAll(async () => {
    server = await startTestServer(env)
  })
  afterAll(async () => {
    await server.stop()
  })

  test('a message posted over REST reaches both members on their private-user channels', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const [aliceClient, bobClient] = await Promise.all([alice.connect(), bob.connect()])
    const aliceInbox = await subscribed(aliceClient, userChannel(alice.user.id))
    const bobInbox = await subscribed(bobClient, userChannel(bob.user.id))

    const upsert = nextEvent<ConversationUpsertEvent>(bobInbox, 'conversation.upsert')
    const conversation = await directConversation(alice, bob)
    const bobView = (await upsert).conversation
    expect(bobView.id).toBe(conversation.id)
    expect(bobView.memberIds.sort()).toEqual([alice.user.id, bob.user.id].sort())

    const toBob = nextEvent<MessageCreatedEvent>(bobInbox, 'message.created')
    const toAlice = nextEvent<MessageCreatedEvent>(aliceInbox, 'message.created')
    const sent = await alice.send(conversation.id, 'hello bob')
    expect((await toBob).message).toEqual(sent)
    expect((await toAlice).message).toEqual(sent)
    aliceClient.disconnect()
    bobClient.disconnect()
  })

  test('marker.updated tells the sender that the message was delivered and read', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const aliceClient = await alice.connect()
    const inbox = await subscribed(aliceClient, userChannel(alice.user.id))
    const sent = await alice.send(conversation.id, 'did you get this?')

    const delivered = nextEvent<MarkerUpdatedEvent>(inbox, 'marker.updated')
    await bob.call('POST', `/api/conversations/${conversation.id}/delivered`, { seq: sent.seq })
    expect(await delivered).toEqual({ conversationId: conversation.id, userId: bob.user.id, readSeq: 0, deliveredSeq: 1 })

    const read = nextEvent<MarkerUpdatedEvent>(inbox, 'marker.updated')
    await bob.call('POST', `/api/conversations/${conversation.id}/read`, { seq: sent.seq })
    expect(await read).toEqual({ conversationId: conversation.id, userId: bob.user.id, readSeq: 1, deliveredSeq: 1 })
    aliceClient.disconnect()
  })

  test('presence shows both members with their display names; lastSeenAt is stored when the last connection leaves', async () => {
    const alice = await newUser(server.url, 'alice', 'Alice A.')
    const bob = await newUser(server.url, 'bob', 'Bob B.')
    const conversation = await directConversation(alice, bob)
    const aliceClient = await alice.connect()
    const room = (await subscribed(aliceClient, conversationChannel(conversation.id))) as PresenceChannel

    const bobTab1 = await bob.connect()
    const bobTab2 = await bob.connect()
    const joined = nextEvent<{ id: string; info: unknown }>(room, 'pusher:member_added')
    await subscribed(bobTab1, conversationChannel(conversation.id))
    expect(await joined).toEqual({ id: bob.user.id, info: { displayName: 'Bob B.' } })
    await subscribed(bobTab2, conversationChannel(conversation.id))
    expect(room.members.count).toBe(2)
    expect(room.members.me).toEqual({ id: alice.user.id, info: { displayName: 'Alice A.' } })

    const directory = async () => (await alice.call<User[]>('GET', `/api/users?q=${bob.user.username}`)).body[0]
    expect(await directory()).toMatchObject({ id: bob.user.id, online: true, lastSeenAt: null })

    bobTab1.disconnect()
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(await directory()).toMatchObject({ online: true, lastSeenAt: null })

    const left = nextEvent(room, 'pusher:member_removed')
    const before = Date.now()
    bobTab2.disconnect()
    await left
    await server.presence?.flush()
    const after = await directory()
    expect(after?.online).toBe(false)
    expect(after?.lastSeenAt).toBeGreaterThanOrEqual(before - 1_000)
    expect(after?.lastSeenAt).toBeLessThanOrEqual(Date.now())
    aliceClient.disconnect()
  })

  test('nobody subscribes where they do not belong: another user’s inbox, a conversation they are not in', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const mallory = await newUser(server.url, 'mallory')
    const conversation = await directConversation(alice, bob)
    const client = await mallory.connect()
    for (const name of [userChannel(alice.user.id), conversationChannel(conversation.id), 'private-anything']) {
      await expect(subscribed(client, name)).rejects.toMatchObject({ detail: { status: 403 } })
    }
    expect(server.realtime.channel(userChannel(alice.user.id))).toBeUndefined()
    client.disconnect()
  })

  test('an event over 10 KB goes out without the body; the message is complete over REST', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const bobClient = await bob.connect()
    const inbox = await subscribed(bobClient, userChannel(bob.user.id))
    const created = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
    const body = '😀'.repeat(4_000)
    const sent = await alice.send(conversation.id, body)
    const event = (await created).message
    expect(event.body).toBeUndefined()
    expect(event).toMatchObject({ id: sent.id, seq: 1, conversationId: conversation.id })
    const page = await bob.call<{ messages: Message[] }>('GET', `/api/conversations/${conversation.id}/messages?after=0`)
    expect(page.body.messages[0]?.body).toBe(body)
    bobClient.disconnect()
  })

  test('a failed publish never fails or loses the write', async () => {
    const alice = await newUser(server.url, 'alice')
    const bob = await newUser(server.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const publisher = server.publisher
    if (publisher === null) throw new Error('no publisher')
    await publisher.idle()
    const failedBefore = publisher.failed
    // Point the publisher at a port where nothing listens: every trigger fails.
    publisher.connect(
      new Pusher({ appId: '1', key: 'k', secret: 'secret-secret', host: '127.0.0.1', port: '9', useTLS: false }),
    )
    const sent = await alice.send(conversation.id, 'still stored')
    expect(sent.seq).toBe(1)
    await publisher.idle()
    expect(publisher.failed).toBe(failedBefore + 1)
    const list = await bob.call<ConversationPage>('GET', '/api/conversations')
    expect(list.body.conversations.find((c) => c.id === conversation.id)?.lastMessage?.body).toBe('still stored')
    expect(list.body.conversations.find((c) => c.id === conversation.id)?.unreadCount).toBe(1)
  })
})
