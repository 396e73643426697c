/**
 * The desktop core on the encrypted per-user channel (docs/design.md §5.1):
 * an api with an external realtime service (a Parley server in realtime-only
 * mode) and PUSHER_ENCRYPTION_MASTER_KEY publishes to
 * `private-encrypted-user-{id}` only. /api/config says so; the core
 * subscribes there with pusher-js's Node build (which carries the
 * decryption) and gets messages, upserts and markers live — while
 * connected, with no sync to fetch them, so nothing else could have brought
 * them.
 */
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cleanupCoreDirs, eventually, startCore, waitConnected, waitForEvent, type TestCore } from '../../helpers/core'
import { startExternalPair, type ExternalPair } from '../../helpers/external-pair'

const credentials = { PUSHER_APP_ID: 'enc-core-app', PUSHER_KEY: 'enc-core-key', PUSHER_SECRET: 'enc-core-secret' }
let pair: ExternalPair
let apiUrl = ''
let alice: TestCore
let bob: TestCore

beforeAll(async () => {
  pair = await startExternalPair(credentials, {
    PUSHER_ENCRYPTION_MASTER_KEY: randomBytes(32).toString('base64'),
    AUTH_RATE_LIMIT: '1000',
  })
  apiUrl = pair.apiUrl
  alice = await startCore(apiUrl)
  bob = await startCore(apiUrl)
}, 60_000)

afterAll(async () => {
  await alice?.stop()
  await bob?.stop()
  await pair?.close()
  cleanupCoreDirs()
})

test('the core subscribes to private-encrypted-user-{id} and decrypts what arrives on it', async () => {
  const config = await (await fetch(`${apiUrl}/api/config`)).json()
  expect(config).toMatchObject({ encryptedUserChannel: true })
  const suffix = process.pid.toString(36)
  await alice.core.register({ serverUrl: apiUrl, username: `encalice${suffix}`, password: 'password-1' })
  const bobId = (await bob.core.register({ serverUrl: apiUrl, username: `encbob${suffix}`, password: 'password-1' })).user?.id ?? ''
  await Promise.all([waitConnected(alice.core), waitConnected(bob.core)])
  const conversation = await alice.core.createConversation({ memberIds: [bobId] })
  // conversation.upsert, live.
  await eventually(async () => (await bob.core.listConversations()).some((c) => c.id === conversation.id), 10_000, 'bob hears of the conversation')
  const arrived = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.body === 'sealed 🔒 text'))
  await alice.core.sendMessage({ conversationId: conversation.id, body: 'sealed 🔒 text' })
  const { messages } = await arrived
  expect(messages.find((m) => m.body === 'sealed 🔒 text')).toMatchObject({ state: 'sent', seq: 1 })
  // The delivered marker comes back to alice on her encrypted channel too.
  await eventually(async () => (await alice.core.listConversations()).find((c) => c.id === conversation.id)?.markers[bobId]?.deliveredSeq === 1, 10_000, 'marker.updated at alice')
  expect((await bob.core.getConnection()).state).toBe('connected')
})
