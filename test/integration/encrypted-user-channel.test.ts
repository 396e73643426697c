/**
 * The encrypted per-user channel (docs/design.md §5.1): with an external
 * realtime service (here a Parley server in realtime-only mode) and
 * PUSHER_ENCRYPTION_MASTER_KEY, the api publishes to
 * `private-encrypted-user-{id}` through the `pusher` SDK, which encrypts; a
 * pusher-js client authorised by the api decrypts; and what crosses the
 * service — seen by a raw socket subscribed with the api's own auth — is
 * ciphertext, never the message text.
 */
import { randomBytes } from 'node:crypto'
import type PusherClient from 'pusher-js'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ParleyServer } from '../../src/server/app'
import type { Conversation, ConfigResponse, ErrorResponse } from '../../src/shared/api'
import { userChannel, type MessageCreatedEvent } from '../../src/shared/channels'
import { nextEvent, RawSocket, subscribed } from '../helpers/clients'
import { startExternalPair, type ExternalPair } from '../helpers/external-pair'
import { callApi, directConversation, newUser, type MessengerUser } from '../helpers/messenger'

const credentials = { PUSHER_APP_ID: 'enc-app', PUSHER_KEY: 'enc-key', PUSHER_SECRET: 'enc-secret-value' }
const masterKey = randomBytes(32).toString('base64')
const clients: PusherClient[] = []
const sockets: RawSocket[] = []
let pair: ExternalPair
let service: ParleyServer
let api: ParleyServer

beforeAll(async () => {
  pair = await startExternalPair(credentials, { PUSHER_ENCRYPTION_MASTER_KEY: masterKey })
  ;({ service, api } = pair)
})

afterAll(async () => {
  clients.forEach((client) => client.disconnect())
  sockets.forEach((socket) => socket.close())
  await pair?.close()
})

async function connect(user: MessengerUser): Promise<PusherClient> {
  const client = await user.connect()
  clients.push(client)
  return client
}

/** A raw socket on the service, subscribed to `channel` with the auth the api gives `user` for it. */
async function rawObserver(user: MessengerUser, channel: string): Promise<RawSocket> {
  const socket = new RawSocket(`ws://127.0.0.1:${service.port}/app/${credentials.PUSHER_KEY}?protocol=7&client=js&version=8.6.0&flash=false`)
  sockets.push(socket)
  const established = await socket.waitFor((frame) => frame.event === 'pusher:connection_established')
  const socketId = (established.data as { socket_id: string }).socket_id
  const auth = await user.call<{ auth: string; shared_secret?: string }>('POST', '/api/pusher/auth', { socket_id: socketId, channel_name: channel })
  expect(auth.status).toBe(200)
  expect(auth.body.shared_secret).toMatch(/^[A-Za-z0-9+/]+=*$/)
  socket.send({ event: 'pusher:subscribe', data: { channel, auth: auth.body.auth } })
  await socket.waitFor((frame) => frame.event === 'pusher_internal:subscription_succeeded' && frame.channel === channel)
  return socket
}

test('GET /api/config says the per-user channel is encrypted', async () => {
  const config = await callApi<ConfigResponse>(api.url, 'GET', '/api/config')
  expect(config.body.encryptedUserChannel).toBe(true)
  expect(config.body.pusher).toMatchObject({ key: credentials.PUSHER_KEY, wsHost: '127.0.0.1', wsPort: service.port })
})

test('only the encrypted per-user channel is authorised, with its shared secret; the plain one is refused', async () => {
  const alice = await newUser(api.url, 'alice')
  const encrypted = await alice.call<{ auth: string; shared_secret: string }>('POST', '/api/pusher/auth', {
    socket_id: '1.2',
    channel_name: userChannel(alice.user.id, true),
  })
  expect(encrypted.status).toBe(200)
  expect(Buffer.from(encrypted.body.shared_secret, 'base64')).toHaveLength(32)
  const plain = await alice.call<ErrorResponse>('POST', '/api/pusher/auth', { socket_id: '1.2', channel_name: userChannel(alice.user.id) })
  expect(plain.status).toBe(403)
})

test('pusher-js decrypts message.created with its body; the service relays only ciphertext', async () => {
  const alice = await newUser(api.url, 'alice')
  const bob = await newUser(api.url, 'bob')
  const conversation = await directConversation(alice, bob)
  const channel = userChannel(bob.user.id, true)
  const bobClient = await connect(bob)
  const inbox = await subscribed(bobClient, channel)
  const observer = await rawObserver(bob, channel)

  const text = `the service must not read this ${randomBytes(6).toString('hex')}`
  const created = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
  const raw = observer.waitForNext((frame) => frame.event === 'message.created' && frame.channel === channel)
  const sent = await alice.send(conversation.id, text)
  expect((await created).message).toEqual(sent)
  expect((await created).message.body).toBe(text)

  const frame = await raw
  const wire = JSON.stringify(frame)
  expect(wire).not.toContain(text)
  expect(wire).not.toContain(sent.id)
  expect(frame.data).toEqual({ nonce: expect.any(String), ciphertext: expect.any(String) })
})

test('a group’s event reaches every member’s encrypted channel (one SDK call per channel, batched)', async () => {
  const members = await Promise.all(Array.from({ length: 7 }, (_, i) => newUser(api.url, `g${i}`)))
  const [owner, ...others] = members as [MessengerUser, ...MessengerUser[]]
  const group = await owner.call<Conversation>('POST', '/api/conversations', { memberIds: others.map((m) => m.user.id), title: 'seven' })
  expect(group.status).toBe(201)
  const inboxes = await Promise.all(
    others.map(async (member) => subscribed(await connect(member), userChannel(member.user.id, true))),
  )
  const arrivals = inboxes.map((inbox) => nextEvent<MessageCreatedEvent>(inbox, 'message.created'))
  const sent = await owner.send(group.body.id, 'to all seven, sealed')
  for (const arrived of await Promise.all(arrivals)) expect(arrived.message).toEqual(sent)
})

test('an event that would pass 10 KB once encrypted goes without its body (and still arrives); a smaller one keeps it', async () => {
  const alice = await newUser(api.url, 'alice')
  const bob = await newUser(api.url, 'bob')
  const conversation = await directConversation(alice, bob)
  const inbox = await subscribed(await connect(bob), userChannel(bob.user.id, true))

  // 2,800 three-byte characters: 8.4 KB of plain JSON, under 10 KB in the clear, about 11.3 KB sealed.
  const large = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
  const sentLarge = await alice.send(conversation.id, '中'.repeat(2_800))
  expect((await large).message).toMatchObject({ id: sentLarge.id, seq: sentLarge.seq })
  expect((await large).message.body).toBeUndefined()

  const small = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
  const sentSmall = await alice.send(conversation.id, '中'.repeat(1_500))
  expect((await small).message.body).toBe(sentSmall.body)
})
