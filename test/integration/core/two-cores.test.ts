/**
 * Two desktop cores (two users) against a real server process with real
 * pusher-js: messages, delivered and read markers, presence and typing cross
 * over; notifications follow the rules.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  cleanupCoreDirs,
  eventually,
  expectCacheEqualsServer,
  startCore,
  waitConnected,
  waitForEvent,
  type TestCore,
} from '../../helpers/core'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

let server: ServerProcess
let alice: TestCore
let bob: TestCore
const dataDir = mkdtempSync(join(tmpdir(), 'parley-2cores-'))
let conversationId = ''
let bobId = ''

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, ACTIVITY_TIMEOUT: '2', PONG_GRACE: '1', AUTH_RATE_LIMIT: '1000' })
  alice = await startCore(server.url)
  bob = await startCore(server.url)
  const suffix = String(process.pid)
  await alice.core.register({ serverUrl: server.url, username: `alice${suffix}`, password: 'password-1', displayName: 'Alice' })
  const bobSession = await bob.core.register({ serverUrl: server.url, username: `bob${suffix}`, password: 'password-1', displayName: 'Bob' })
  bobId = bobSession.user?.id ?? ''
  await Promise.all([waitConnected(alice.core), waitConnected(bob.core)])
  const conversation = await alice.core.createConversation({ memberIds: [bobId] })
  conversationId = conversation.id
  await eventually(async () => (await bob.core.listConversations()).some((c) => c.id === conversationId), 10_000, 'bob sees the conversation')
}, 60_000)

afterAll(async () => {
  await alice?.stop()
  await bob?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('a message shows at once as pending, becomes sent, and reaches the other core', async () => {
  const arrived = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.body === 'hello bob'))
  const sentEvent = waitForEvent(alice.core, 'messages', (e) => e.messages.some((m) => m.body === 'hello bob' && m.state === 'sent'))
  const pending = await alice.core.sendMessage({ conversationId, body: '  hello bob  ' })
  expect(pending).toMatchObject({ state: 'pending', seq: null, body: 'hello bob' })
  const sent = (await sentEvent).messages.find((m) => m.body === 'hello bob')
  expect(sent).toMatchObject({ key: pending.key, state: 'sent', seq: 1 })
  const received = (await arrived).messages.find((m) => m.body === 'hello bob')
  expect(received).toMatchObject({ seq: 1, senderId: pending.senderId, state: 'sent' })
})

test('delivered comes back automatically; read only when bob marks it', async () => {
  await alice.core.sendMessage({ conversationId, body: 'are you there?' })
  await eventually(async () => {
    const view = (await alice.core.listConversations()).find((c) => c.id === conversationId)
    return (view?.markers[bobId]?.deliveredSeq ?? 0) >= 2
  }, 10_000, 'delivered marker at alice')
  const aliceView = (await alice.core.listConversations()).find((c) => c.id === conversationId)
  expect(aliceView?.markers[bobId]?.readSeq).toBe(0)
  expect((await bob.core.listConversations()).find((c) => c.id === conversationId)?.unreadCount).toBe(2)

  await bob.core.markRead({ conversationId, seq: 2 })
  expect((await bob.core.listConversations()).find((c) => c.id === conversationId)?.unreadCount).toBe(0)
  await eventually(async () => {
    const view = (await alice.core.listConversations()).find((c) => c.id === conversationId)
    return view?.markers[bobId]?.readSeq === 2
  }, 10_000, 'read marker at alice')
})

test('markRead never claims more than the cache holds', async () => {
  await bob.core.markRead({ conversationId, seq: 999 })
  const view = (await bob.core.listConversations()).find((c) => c.id === conversationId)
  expect(view?.readSeq).toBe(view?.lastSeq)
  expect(view?.readSeq).toBeLessThan(999)
})

test('presence: alice sees bob online, then offline with a last-seen time when his app quits', async () => {
  await eventually(async () => (await alice.core.getUsers({ ids: [bobId] }))[0]?.online === true, 10_000, 'bob online')
  const offline = waitForEvent(alice.core, 'users', (users) => users.some((u) => u.id === bobId && !u.online))
  await bob.stop()
  const seen = (await offline).find((u) => u.id === bobId)
  expect(seen?.lastSeenAt).toBeGreaterThan(Date.now() - 10_000)
  bob = await bob.restart()
  await waitConnected(bob.core)
  await eventually(async () => (await alice.core.getUsers({ ids: [bobId] }))[0]?.online === true, 10_000, 'bob back online')
})

test('last seen: a contact who came and went while alice\'s app was closed shows the server\'s time once she is back', async () => {
  const token = alice.core.currentAccount?.api.token ?? ''
  const serverView = async () => {
    const response = await fetch(`${server.url}/api/users?ids=${bobId}`, { headers: { authorization: `Bearer ${token}` } })
    const [user] = (await response.json()) as { online: boolean; lastSeenAt: number | null }[]
    return { online: user?.online === true, lastSeenAt: user?.lastSeenAt ?? 0 }
  }
  const serverLastSeen = async () => (await serverView()).lastSeenAt
  await alice.stop()
  // Bob comes online and leaves again while alice's app is closed.
  bob = await bob.restart()
  await waitConnected(bob.core)
  await eventually(async () => (await serverView()).online, 10_000, 'the server sees bob online')
  const leaving = Date.now()
  await bob.stop()
  await eventually(async () => (await serverLastSeen()) >= leaving, 10_000, 'the server stores when bob left')
  const left = await serverLastSeen()

  // Alice's cache still holds bob's profile from before: her app must not go on showing it.
  alice = await alice.restart()
  await waitConnected(alice.core)
  await eventually(async () => (await alice.core.getUsers({ ids: [bobId] }))[0]?.lastSeenAt === left, 10_000, 'alice sees when bob left')
  expect((await alice.core.getUsers({ ids: [bobId] }))[0]?.online).toBe(false)

  bob = await bob.restart()
  await waitConnected(bob.core)
  await eventually(async () => (await alice.core.getUsers({ ids: [bobId] }))[0]?.online === true, 10_000, 'bob back online')
})

test('typing shows at the other core and clears when the typist stops', async () => {
  const started = waitForEvent(bob.core, 'typing', (e) => e.conversationId === conversationId && e.userIds.length === 1)
  await alice.core.setTyping({ conversationId, typing: true })
  expect((await started).userIds).toHaveLength(1)
  const stopped = waitForEvent(bob.core, 'typing', (e) => e.conversationId === conversationId && e.userIds.length === 0)
  await alice.core.setTyping({ conversationId, typing: false })
  await stopped
})

test('notifications: one for a message while the window is unfocused, none while focused on the conversation', async () => {
  bob.services.notifications.length = 0
  await bob.core.setActiveConversation({ conversationId })
  bob.core.windowFocusChanged(true)
  await alice.core.sendMessage({ conversationId, body: 'while you look' })
  await waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.body === 'while you look'))
  expect(bob.services.notifications).toEqual([])

  bob.core.windowFocusChanged(false)
  await alice.core.sendMessage({ conversationId, body: 'while you are away' })
  await waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.body === 'while you are away'))
  expect(bob.services.notifications).toEqual([{ conversationId, title: 'Alice', body: 'while you are away' }])
  // The badge goes out with the conversation views, at most 50 ms after the messages while sync writes.
  await eventually(() => bob.services.badge > 0, 2_000, 'the badge counts the message')

  const clicked = waitForEvent(bob.core, 'openConversation')
  bob.core.notificationClicked(conversationId)
  expect(await clicked).toEqual({ conversationId })
  const last = (await bob.core.listConversations()).find((c) => c.id === conversationId)?.lastSeq ?? 0
  await bob.core.markRead({ conversationId, seq: last })
  expect(bob.services.closed).toContain(conversationId)
  expect(bob.services.badge).toBe(0)
})

test('both caches equal the server history', async () => {
  for (const side of [alice, bob]) {
    await side.core.currentAccount?.outbox.whenEmpty()
    const token = side.core.currentAccount?.api.token ?? ''
    await expectCacheEqualsServer(side.core, server.url, token, conversationId)
  }
})

test('the window gets `messages` events only for conversations whose messages it loaded and has not released; `on` gets them all', async () => {
  const toWindow: string[] = []
  const off = bob.core.onWindow('messages', (event) => toWindow.push(...event.messages.map((message) => message.body)))
  const say = async (body: string) => {
    const arrived = waitForEvent(bob.core, 'messages', (event) => event.messages.some((message) => message.body === body))
    await alice.core.sendMessage({ conversationId, body })
    await arrived
  }
  try {
    // Whatever earlier tests loaded: the window holds nothing of it now.
    await bob.core.releaseMessages({ conversationIds: [conversationId] })
    await say('while the window holds nothing of it')
    expect(toWindow).toEqual([])

    await bob.core.loadMessages({ conversationId, limit: 50 })
    await say('once the window loaded it')
    await eventually(() => toWindow.includes('once the window loaded it'), 5_000, 'the window gets it')

    await bob.core.releaseMessages({ conversationIds: [conversationId] })
    await say('after the window let it go')
    expect(toWindow).not.toContain('after the window let it go')
    expect(toWindow).not.toContain('while the window holds nothing of it')
    // Loaded again, the page itself brings what the window missed meanwhile.
    const page = await bob.core.loadMessages({ conversationId, limit: 50 })
    expect(page.messages.map((message) => message.body)).toContain('after the window let it go')
  } finally {
    off()
  }
})
