/**
 * Catching up after the app was closed, against a real server process: the
 * core fetches thousands of missed messages page by page, and what it tells
 * others and the renderer along the way is coalesced — one or two delivered
 * markers instead of one per page, conversation views at most every 50 ms —
 * without ever ending on a stale value. A lone message's delivered marker
 * still goes at once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Conversation } from '../../../src/shared/api'
import type { ChatConversation } from '../../../src/shared/ipc'
import { cleanupCoreDirs, eventually, expectCacheEqualsServer, fastTiming, startCore, waitConnected, type TestCore } from '../../helpers/core'
import { newUser, type MessengerUser } from '../../helpers/messenger'
import { spawnServer, type ServerProcess } from '../../kit/server-process'
import { parseExposition } from '../../helpers/prometheus'

const MISSED = 2_000
const DELIVERED_DELAY_MS = 1_000
const dataDir = mkdtempSync(join(tmpdir(), 'parley-catch-up-'))
let server: ServerProcess
let bob: MessengerUser
let alice: TestCore
let conversationId = ''

/** Delivered-marker requests, one conversation's or many conversations' (delivered-batch). */
async function deliveredPosts(): Promise<number> {
  const response = await fetch(`${server.url}/metrics`)
  const metrics = parseExposition(await response.text())
  const count = (route: string) => metrics.valueOr0('parley_rest_requests_total', { method: 'POST', route, status_class: '2xx' })
  return count('/api/conversations/:id/delivered') + count('/api/conversations/delivered-batch')
}

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, SEND_RATE_LIMIT: '1000000', AUTH_RATE_LIMIT: '1000' })
  bob = await newUser(server.url, 'cub')
  alice = await startCore(server.url, { timing: { ...fastTiming, deliveredDelayMs: DELIVERED_DELAY_MS } })
  const session = await alice.core.register({ serverUrl: server.url, username: `cua${process.pid}`, password: 'password-1' })
  await waitConnected(alice.core)
  conversationId = (await alice.core.createConversation({ memberIds: [bob.user.id] })).id
  // Alice closes the app; bob writes meanwhile.
  await alice.stop()
  for (let n = 0; n < MISSED; n += 100) {
    await Promise.all(Array.from({ length: 100 }, (_, i) => bob.send(conversationId, `missed ${n + i}`, `m${n + i}`)))
  }
  expect(session.user).not.toBeNull()
}, 120_000)

afterAll(async () => {
  await alice?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('ten pages of missed messages: all cached, one or two delivered posts, views at most every 50 ms and the last one current', async () => {
  const postsBefore = await deliveredPosts()
  const restarted = await startCore(server.url, {
    userDataDir: alice.userDataDir,
    services: alice.services,
    timing: { ...fastTiming, deliveredDelayMs: DELIVERED_DELAY_MS },
  })
  alice = restarted
  const views: { at: number; view: ChatConversation; cached: number }[] = []
  restarted.core.on('conversations', (list) => {
    const view = list.find((c) => c.id === conversationId)
    if (view) views.push({ at: performance.now(), view, cached: restarted.core.currentAccount?.cache.highestSeq(conversationId) ?? 0 })
  })
  await eventually(() => restarted.core.currentAccount?.cache.highestSeq(conversationId) === MISSED, 30_000, 'caught up')
  await expectCacheEqualsServer(restarted.core, server.url, bob.token, conversationId)

  // The server hears "delivered up to MISSED" — once the delay has passed.
  await eventually(
    async () => {
      const { body } = await bob.call<Conversation>('GET', `/api/conversations/${conversationId}`)
      return body.markers[restarted.core.currentAccount?.me ?? '']?.deliveredSeq === MISSED
    },
    10_000,
    'delivered marker on the server',
  )
  // One post per page would be ten: the first goes at once, the rest of a catch-up shorter than
  // the delay wait for it and share one.
  const posts = (await deliveredPosts()) - postsBefore
  expect(posts).toBeGreaterThanOrEqual(1)
  expect(posts).toBeLessThanOrEqual(2)

  // Every view went out at least ~50 ms after the one before (timers may fire a millisecond early)…
  expect(views.length).toBeGreaterThan(0)
  for (let i = 1; i < views.length; i++) {
    expect((views[i] as (typeof views)[number]).at - (views[i - 1] as (typeof views)[number]).at).toBeGreaterThanOrEqual(45)
  }
  // …and the last one is current: every missed message unread, none lost in a coalesced interval.
  await eventually(() => views.at(-1)?.view.unreadCount === MISSED, 5_000, 'final view')
  // The badge did not climb page by page: from the listing on, every view says what the server counted,
  // also those that went out while the pages were still coming in (the server's listed count, cache migration 012).
  const listed = views.filter(({ view }) => view.lastSeq === MISSED)
  expect(listed.filter(({ cached }) => cached < MISSED).length).toBeGreaterThan(0)
  expect(listed.map(({ view }) => view.unreadCount)).toEqual(listed.map(() => MISSED))
  expect(views.at(-1)?.view.lastMessage?.seq).toBe(MISSED)
  // The OS badge follows within BADGE_INTERVAL_MS while sync writes (conversation-updates.ts).
  await eventually(() => restarted.services.badge === MISSED, 2_000, 'the badge')
})

test('a user action is not held back by the interval: marking read emits its view at once', async () => {
  const core = alice.core
  let emitted: ChatConversation | undefined
  const off = core.on('conversations', (list) => {
    emitted ??= list.find((c) => c.id === conversationId && c.unreadCount === 0)
  })
  await core.markRead({ conversationId, seq: MISSED })
  off()
  expect(emitted?.readSeq).toBe(MISSED)
  expect(alice.services.badge).toBe(0)
})

test("a lone message's delivered marker goes at once; the next one within the delay waits for it", async () => {
  const QUIET_DELAY_MS = 60_000
  const core = await startCore(server.url, {
    userDataDir: alice.userDataDir,
    services: alice.services,
    timing: { ...fastTiming, deliveredDelayMs: QUIET_DELAY_MS },
  })
  await alice.stop()
  alice = core
  await waitConnected(core.core)
  const me = core.core.currentAccount?.me ?? ''
  const serverDelivered = async () =>
    (await bob.call<Conversation>('GET', `/api/conversations/${conversationId}`)).body.markers[me]?.deliveredSeq ?? 0

  // Nothing posted for this conversation since this start: the marker goes at once, not after 60 s.
  const first = await bob.send(conversationId, 'a lone message', 'lone-1')
  await eventually(async () => (await serverDelivered()) === first.seq, 10_000, 'delivered at once')

  // Within the delay after that post: the raised marker waits in the outbox, due a minute after it.
  const second = await bob.send(conversationId, 'right after', 'lone-2')
  await eventually(() => core.core.currentAccount?.cache.highestSeq(conversationId) === second.seq, 10_000, 'stored')
  const queued = core.core.currentAccount?.cache.outbox().filter((item) => item.kind === 'delivered') ?? []
  expect(queued.map((item) => (item.kind === 'delivered' ? item.seq : null))).toEqual([second.seq])
  expect(queued[0]?.nextAttemptAt ?? 0).toBeGreaterThan(Date.now() + QUIET_DELAY_MS / 2)
  expect(await serverDelivered()).toBe(first.seq)
})
