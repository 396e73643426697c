/**
 * Authorization (issue 6, "Hostile input"): nobody reads or subscribes where
 * they do not belong. One test per attack, each on the real product path —
 * accounts and tokens from the REST api, channel auth from /api/pusher/auth,
 * pusher-js or raw sockets on the embedded realtime server — and each proving
 * both the refusal and that nothing leaked (no event reached the attacker, no
 * membership or presence changed).
 *
 * The attacks and where each one's test is:
 *   forged channel auth ............................ here
 *   replayed channel auth (socket A's, on socket B) . here
 *   another user's token (REST, /api/pusher/auth) .. here (edits, deletes and reactions included)
 *   message changes reaching an outsider's channel . here
 *   another user's private-user-* channel .......... here
 *   a conversation's presence channel, non-member .. here
 *   client events on a channel not subscribed ...... here
 *   searching another's conversations (GET /api/search, conversationId not
 *       yours, one left or removed from) ........... test/integration/api/search.test.ts,
 *       "never a hit from someone else’s conversation…"; random input:
 *       test/hostile/search.fuzz.test.ts
 *   HTTP API with a stale timestamp ................ test/integration/http-api.test.ts,
 *       "auth_timestamp more than 600 s away (past or future) is 401; 599 s passes"
 *   webhooks with a bad signature .................. test/integration/api/pusher.test.ts,
 *       "%s → 401 and nothing changes" (wrong, empty, other-secret, other-body,
 *       other-key and missing signatures; nobody comes online)
 * Protocol-level variants (hand-signed, no Parley accounts) are in
 * test/integration/channels.test.ts and client-events.test.ts.
 */
import { createHmac } from 'node:crypto'
import type PusherClient from 'pusher-js'
import type { Channel, PresenceChannel } from 'pusher-js'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import type { Conversation, ConversationPage, Message, User } from '../../src/shared/api'
import { conversationChannel, userChannel } from '../../src/shared/channels'
import { nextEvent, RawSocket } from '../helpers/clients'
import { directConversation, newUser, type MessengerUser } from '../helpers/messenger'
import { startTestServer, type TestServer } from '../helpers/server'
import { sleep } from './support'

let server: TestServer
let alice: MessengerUser
let bob: MessengerUser
let mallory: MessengerUser
let conversation: Conversation
const clients: PusherClient[] = []
const sockets: RawSocket[] = []

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000' })
  alice = await newUser(server.url, 'alice')
  bob = await newUser(server.url, 'bob')
  mallory = await newUser(server.url, 'mallory')
  conversation = await directConversation(alice, bob)
  // Mallory has conversations of her own: her auth requests are real ones.
  await directConversation(mallory, bob)
})
afterEach(() => {
  clients.splice(0).forEach((client) => client.disconnect())
  sockets.splice(0).forEach((socket) => socket.close())
})
afterAll(async () => {
  await server.stop()
})

const presenceX = (): string => conversationChannel(conversation.id)

async function connect(user: MessengerUser): Promise<PusherClient> {
  const client = await user.connect()
  clients.push(client)
  return client
}

async function raw(): Promise<{ socket: RawSocket; socketId: string }> {
  const opened = await RawSocket.open(server)
  sockets.push(opened.socket)
  return opened
}

function subscribedVia(client: PusherClient, name: string): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const channel = client.subscribe(name)
    const timer = setTimeout(() => reject(new Error(`not subscribed to ${name}`)), 5_000)
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer)
      resolve(channel)
    })
    channel.bind('pusher:subscription_error', (error: unknown) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`subscription to ${name} failed`), { detail: error }))
    })
  })
}

/** pusher-js asks /api/pusher/auth with the user's token; resolves with the subscription error it reports. */
function refusedVia(client: PusherClient, name: string): Promise<{ type?: string; status?: number }> {
  return new Promise((resolve, reject) => {
    const channel = client.subscribe(name)
    const timer = setTimeout(() => reject(new Error(`no subscription error for ${name}`)), 5_000)
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer)
      reject(new Error(`subscribed to ${name}, which must be refused`))
    })
    channel.bind('pusher:subscription_error', (error: { type?: string; status?: number }) => {
      clearTimeout(timer)
      resolve(error)
    })
  })
}

interface ChannelAuth {
  auth: string
  channel_data?: string
}

/** What /api/pusher/auth answers `user` for this socket and channel. */
function askAuth(user: MessengerUser, socketId: string, channel: string) {
  return user.call<ChannelAuth>('POST', '/api/pusher/auth', { socket_id: socketId, channel_name: channel })
}

async function subscribeRaw(socket: RawSocket, channel: string, auth?: ChannelAuth): Promise<RawSocket['frames'][number]> {
  socket.send({ event: 'pusher:subscribe', data: { channel, ...auth } })
  return socket.waitForNext(
    (frame) =>
      frame.channel === channel &&
      (frame.event === 'pusher_internal:subscription_succeeded' || frame.event === 'pusher:subscription_error'),
  )
}

function expectAuthError(reply: RawSocket['frames'][number]): void {
  expect(reply.event).toBe('pusher:subscription_error')
  expect(reply.data).toMatchObject({ type: 'AuthError' })
}

/** Socket ids subscribed to a channel on the server (empty when the channel does not exist). */
function subscribersOf(name: string): string[] {
  return [...(server.realtime.channel(name)?.subscribers.keys() ?? [])]
}

function membersOf(name: string): string[] {
  return [...(server.realtime.channel(name)?.members?.keys() ?? [])]
}

/** Bob sends Alice a message; resolves once Alice's own channel has it (so anything else would have arrived too). */
async function bobWritesToAlice(aliceInbox: Channel, text: string): Promise<Message> {
  const arrived = nextEvent<{ message: Message }>(aliceInbox, 'message.created')
  const sent = await bob.send(conversation.id, text)
  expect((await arrived).message.id).toBe(sent.id)
  return sent
}

function eventsOn(socket: RawSocket, name: string): string[] {
  return socket.frames.filter((frame) => frame.channel === name && !frame.event.startsWith('pusher')).map((frame) => frame.event)
}

async function onlineOf(user: User): Promise<boolean> {
  const reply = await alice.call<User[]>('GET', `/api/users?ids=${user.id}`)
  expect(reply.status).toBe(200)
  return reply.body[0]?.online ?? false
}

test('forged channel auth (not signed with the app secret) is refused for private-user and presence channels', async () => {
  const aliceClient = await connect(alice)
  const inbox = await subscribedVia(aliceClient, userChannel(alice.user.id))
  const room = await subscribedVia(aliceClient, presenceX())
  const joined: unknown[] = []
  room.bind('pusher:member_added', (member: unknown) => joined.push(member))

  const { socket, socketId } = await raw()
  const key = server.credentials.key
  const hmac = (secret: string, payload: string) => createHmac('sha256', secret).update(payload).digest('hex')
  const channelData = JSON.stringify({ user_id: alice.user.id, user_info: { displayName: 'Alice' } })
  const forgeries: [string, ChannelAuth][] = [
    ['private-user, a guessed secret', { auth: `${key}:${hmac('guessed-secret', `${socketId}:${userChannel(alice.user.id)}`)}` }],
    ['private-user, random hex', { auth: `${key}:${'ab'.repeat(32)}` }],
    ['private-user, the key alone', { auth: key }],
    ['private-user, no auth at all', { auth: '' }],
    [
      'presence as Alice, a guessed secret',
      { auth: `${key}:${hmac('guessed-secret', `${socketId}:${presenceX()}:${channelData}`)}`, channel_data: channelData },
    ],
    ['presence as Alice, random hex', { auth: `${key}:${'cd'.repeat(32)}`, channel_data: channelData }],
  ]
  for (const [label, auth] of forgeries) {
    const channel = label.startsWith('presence') ? presenceX() : userChannel(alice.user.id)
    const reply = await subscribeRaw(socket, channel, auth)
    expect(reply.event, label).toBe('pusher:subscription_error')
    expect(reply.data, label).toMatchObject({ type: 'AuthError', status: 401 })
  }

  expect(subscribersOf(userChannel(alice.user.id))).not.toContain(socketId)
  expect(subscribersOf(presenceX())).not.toContain(socketId)
  expect(membersOf(presenceX())).toEqual([alice.user.id])
  await bobWritesToAlice(inbox, 'for Alice only')
  expect(eventsOn(socket, userChannel(alice.user.id))).toEqual([])
  expect(joined).toEqual([])
})

test('replayed channel auth: what /api/pusher/auth signed for socket A is refused on socket B, even for the same user', async () => {
  const a = await raw()
  const inboxAuth = await askAuth(alice, a.socketId, userChannel(alice.user.id))
  const roomAuth = await askAuth(alice, a.socketId, presenceX())
  expect(inboxAuth.status).toBe(200)
  expect(roomAuth.status).toBe(200)
  expect((await subscribeRaw(a.socket, userChannel(alice.user.id), inboxAuth.body)).event).toBe(
    'pusher_internal:subscription_succeeded',
  )
  expect((await subscribeRaw(a.socket, presenceX(), roomAuth.body)).event).toBe('pusher_internal:subscription_succeeded')

  // Mallory's socket, and a second socket of Alice's own: the same strings, another socket id.
  const b = await raw()
  const c = await raw()
  for (const other of [b, c]) {
    expectAuthError(await subscribeRaw(other.socket, userChannel(alice.user.id), inboxAuth.body))
    expectAuthError(await subscribeRaw(other.socket, presenceX(), roomAuth.body))
  }

  expect(subscribersOf(userChannel(alice.user.id))).toEqual([a.socketId])
  expect(subscribersOf(presenceX())).toEqual([a.socketId])
  const sent = await bob.send(conversation.id, 'replay me')
  const created = await a.socket.waitFor((frame) => frame.event === 'message.created')
  expect((created.data as { message: Message }).message.id).toBe(sent.id)
  expect(eventsOn(b.socket, userChannel(alice.user.id))).toEqual([])
  expect(eventsOn(c.socket, userChannel(alice.user.id))).toEqual([])
})

test('another user’s token: Mallory’s valid token reaches nothing of Alice’s on REST or /api/pusher/auth', async () => {
  const target = await bob.send(conversation.id, 'Mallory must not change this')
  const before = await alice.call<{ messages: Message[] }>('GET', `/api/conversations/${conversation.id}/messages?after=0&limit=200`)
  const path = `/api/conversations/${conversation.id}`
  const thumbsUp = encodeURIComponent('👍')
  const rest: [string, string, unknown][] = [
    ['GET', path, undefined],
    ['GET', `${path}/messages?after=0`, undefined],
    ['GET', `${path}/messages?changedAfter=0`, undefined],
    ['POST', `${path}/messages`, { clientId: 'mallory-1', body: 'injected' }],
    ['PATCH', `${path}/messages/${target.id}`, { body: 'edited by Mallory' }],
    ['DELETE', `${path}/messages/${target.id}`, undefined],
    ['PUT', `${path}/messages/${target.id}/reactions/${thumbsUp}`, undefined],
    ['DELETE', `${path}/messages/${target.id}/reactions/${thumbsUp}`, undefined],
    ['POST', `${path}/read`, { seq: 1 }],
    ['POST', `${path}/delivered`, { seq: 1 }],
  ]
  // The batch route answers per conversation: hers is refused exactly like one that does not exist.
  const batch = await mallory.call<{ markers: Record<string, unknown> }>('POST', '/api/conversations/delivered-batch', {
    markers: [{ conversationId: conversation.id, seq: 1 }],
  })
  expect(batch.status).toBe(200)
  expect(batch.body.markers[conversation.id]).toEqual({ error: { status: 404, code: 'not_found', message: expect.stringContaining('No conversation') } })
  for (const [method, url, body] of rest) {
    const reply = await mallory.call<{ error: { code: string } }>(method, url, body)
    // A conversation she is not in answers exactly like one that does not exist.
    expect(reply.status, `${method} ${url}`).toBe(404)
    expect(reply.body.error.code).toBe('not_found')
  }
  const listed = await mallory.call<ConversationPage>('GET', '/api/conversations')
  expect(listed.status).toBe(200)
  expect(listed.body.conversations.map((c) => c.id)).not.toContain(conversation.id)
  const after = await alice.call<{ messages: Message[] }>('GET', `/api/conversations/${conversation.id}/messages?after=0&limit=200`)
  expect(after.body).toEqual(before.body)
  const markers = (await alice.call<Conversation>('GET', path)).body.markers
  expect(Object.keys(markers).sort()).toEqual([alice.user.id, bob.user.id].sort())

  for (const channel of [userChannel(alice.user.id), userChannel(bob.user.id), presenceX()]) {
    const reply = await askAuth(mallory, '123.456', channel)
    expect(reply.status, channel).toBe(403)
  }
  // User sign-in is always for the token's owner, whatever the body claims.
  const signin = await mallory.call<{ user_data: string }>('POST', '/api/pusher/user-auth', {
    socket_id: '123.456',
    user_id: alice.user.id,
    id: alice.user.id,
  })
  expect(signin.status).toBe(200)
  expect((JSON.parse(signin.body.user_data) as { id: string }).id).toBe(mallory.user.id)
})

test('changes to a message (edit, reaction, delete) reach the members’ channels and never an outsider’s', async () => {
  const aliceInbox = await subscribedVia(await connect(alice), userChannel(alice.user.id))
  const malloryInbox = await subscribedVia(await connect(mallory), userChannel(mallory.user.id))
  const seenByMallory: string[] = []
  malloryInbox.bind_global((event: string) => {
    if (!event.startsWith('pusher')) seenByMallory.push(event)
  })
  const sent = await bobWritesToAlice(aliceInbox, 'about to change')
  const path = `/api/conversations/${conversation.id}/messages/${sent.id}`
  for (const [who, method, url, body] of [
    [bob, 'PATCH', path, { body: 'changed' }],
    [alice, 'PUT', `${path}/reactions/${encodeURIComponent('🎉')}`, undefined],
    [bob, 'DELETE', path, undefined],
  ] as const) {
    const updated = nextEvent<{ message: Message }>(aliceInbox, 'message.updated')
    expect((await who.call(method, url, body)).status, `${method} ${url}`).toBe(200)
    expect((await updated).message.id).toBe(sent.id)
  }
  // Mallory's own channel is subscribed and live: a message in her own conversation reaches it.
  const own = nextEvent<{ message: Message }>(malloryInbox, 'message.created')
  await bob.send((await directConversation(mallory, bob)).id, 'for Mallory')
  await own
  expect(seenByMallory).toEqual(['message.created'])
})

test('another user’s private-user channel: refused by /api/pusher/auth and by the realtime server; nothing reaches the attacker', async () => {
  const aliceClient = await connect(alice)
  const inbox = await subscribedVia(aliceClient, userChannel(alice.user.id))

  // pusher-js as Mallory: the auth endpoint says 403, pusher-js reports it.
  const malloryClient = await connect(mallory)
  expect(await refusedVia(malloryClient, userChannel(alice.user.id))).toMatchObject({ type: 'AuthError', status: 403 })
  const received: string[] = []
  malloryClient.bind_global((event: string) => received.push(event))

  // By hand: Mallory's real auth for her own channel, presented for Alice's.
  const { socket, socketId } = await raw()
  const own = await askAuth(mallory, socketId, userChannel(mallory.user.id))
  expect(own.status).toBe(200)
  expectAuthError(await subscribeRaw(socket, userChannel(alice.user.id), own.body))

  expect(subscribersOf(userChannel(alice.user.id))).toEqual([aliceClient.connection.socket_id])
  await bobWritesToAlice(inbox, 'private to Alice')
  expect(eventsOn(socket, userChannel(alice.user.id))).toEqual([])
  expect(received.filter((event) => !event.startsWith('pusher'))).toEqual([])
})

test('a conversation’s presence channel as a non-member: refused, not listed as a member, not made online', async () => {
  const aliceClient = await connect(alice)
  const room = await subscribedVia(aliceClient, presenceX())
  const joined: unknown[] = []
  room.bind('pusher:member_added', (member: unknown) => joined.push(member))
  expect(await onlineOf(mallory.user)).toBe(false)

  const malloryClient = await connect(mallory)
  expect(await refusedVia(malloryClient, presenceX())).toMatchObject({ type: 'AuthError', status: 403 })

  // By hand: a real presence auth for a conversation of her own, presented for Alice and Bob's.
  const { socket, socketId } = await raw()
  const mine = (await mallory.call<ConversationPage>('GET', '/api/conversations')).body.conversations[0] as Conversation
  const ownRoom = await askAuth(mallory, socketId, conversationChannel(mine.id))
  expect(ownRoom.status).toBe(200)
  expectAuthError(await subscribeRaw(socket, presenceX(), ownRoom.body))

  expect(membersOf(presenceX())).toEqual([alice.user.id])
  expect((room as PresenceChannel).members.count).toBe(1)
  expect(joined).toEqual([])
  expect(await onlineOf(mallory.user)).toBe(false)
})

test('client events on a channel not subscribed: pusher:error 4300, and the members never see them', async () => {
  const aliceClient = await connect(alice)
  const bobClient = await connect(bob)
  const aliceRoom = await subscribedVia(aliceClient, presenceX())
  const bobRoom = await subscribedVia(bobClient, presenceX())
  const typing: { typing: boolean; user_id?: string }[] = []
  aliceRoom.bind('client-typing', (data: { typing: boolean }, meta: { user_id?: string }) => typing.push({ ...data, user_id: meta?.user_id }))

  // Mallory is connected and subscribed to her own channel, but not to theirs.
  const { socket, socketId } = await raw()
  const own = await askAuth(mallory, socketId, userChannel(mallory.user.id))
  expect((await subscribeRaw(socket, userChannel(mallory.user.id), own.body)).event).toBe('pusher_internal:subscription_succeeded')
  for (const channel of [presenceX(), userChannel(alice.user.id)]) {
    socket.send({ event: 'client-typing', channel, data: JSON.stringify({ typing: true }) })
    const error = await socket.waitForNext((frame) => frame.event === 'pusher:error')
    expect(error.data, channel).toMatchObject({ code: 4300 })
  }
  expect(socket.closeCode).toBeNull()

  // A member's own typing event arrives; Mallory's, sent before it, never did.
  await sleep(50)
  const arrived = nextEvent(aliceRoom, 'client-typing')
  bobRoom.trigger('client-typing', { typing: true })
  await arrived
  expect(typing).toEqual([{ typing: true, user_id: bob.user.id }])
})
