/**
 * Range fetches (Sync.fill) against a real server process and a real cache:
 * the next page is requested before the current one is stored — and, when
 * the conversation's last seq is known, up to three pages run ahead — and the
 * cache ends up equal to the server's history whether those guesses hold or
 * are dropped.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ApiClient } from '../../../src/main/core/api-client'
import { openCache, type Cache } from '../../../src/main/core/cache'
import { LATEST_PAGE, type Sync } from '../../../src/main/core/sync/sync'
import type { Message, MessagePage } from '../../../src/shared/api'
import { directConversation, newUser, type MessengerUser } from '../../helpers/messenger'
import { quietSync } from '../../helpers/sync'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const HISTORY = 1_000
const dirs: string[] = []
let server: ServerProcess
let alice: MessengerUser
let conversationId: string

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-fill-server-'))
  dirs.push(dataDir)
  server = await spawnServer({ DATA_DIR: dataDir, SEND_RATE_LIMIT: '100000' })
  alice = await newUser(server.url, 'fa')
  const bob = await newUser(server.url, 'fb')
  conversationId = (await directConversation(bob, alice)).id
  for (let n = 1; n <= HISTORY; n += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => bob.send(conversationId, `history ${n + i}`, `h${n + i}`)))
  }
}, 120_000)

afterAll(() => {
  server?.child.kill('SIGKILL')
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/**
 * A Sync whose api and cache calls are recorded in order (the real objects do
 * the work), over a cache that holds the first message (`empty`: nothing).
 */
async function recordedSync({ empty = false } = {}): Promise<{ sync: Sync; cache: Cache; calls: string[] }> {
  const dir = mkdtempSync(join(tmpdir(), 'parley-fill-cache-'))
  dirs.push(dir)
  const cache = openCache({ path: join(dir, 'cache.sqlite'), me: alice.user.id })
  if (!empty) cache.storeMessages((await alice.call<MessagePage>('GET', `/api/conversations/${conversationId}/messages?after=0&limit=1`)).body.messages)
  const api = new ApiClient({ baseUrl: server.url, token: alice.token })
  const calls: string[] = []
  const fetchPage = api.messages.bind(api)
  api.messages = (id, page): Promise<MessagePage> => {
    calls.push(page.after !== undefined ? `fetch after ${page.after}` : page.before !== undefined ? `fetch before ${page.before}` : `fetch latest ${page.limit}`)
    return fetchPage(id, page)
  }
  const storeMessages = cache.storeMessages.bind(cache)
  cache.storeMessages = (messages: readonly Message[]) => {
    calls.push(`store ${messages[0]?.seq}…${messages.at(-1)?.seq}`)
    return storeMessages(messages)
  }
  const sync = quietSync(cache, api, alice.user.id)
  return { sync, cache, calls }
}

/** Every message of the history cached once, in seq order; then close the cache. */
function expectWholeHistory(cache: Cache): void {
  const cached = cache.messagesInRange(conversationId, 1, HISTORY)
  expect(cached.map((message) => message.seq)).toEqual(Array.from({ length: HISTORY }, (_, i) => i + 1))
  expect(new Set(cached.map((message) => message.id)).size).toBe(HISTORY)
  cache.close()
}

/** What a sync does before filling: the conversation list, with each one's last seq. */
async function refreshConversations(sync: Sync): Promise<void> {
  sync.applyConversations((await new ApiClient({ baseUrl: server.url, token: alice.token }).conversationPage()).conversations)
}

/**
 * Realtime gets ahead while the first page is on its way: right after that
 * page is stored, seqs 201…250 are stored too (as realtime events would be).
 */
async function realtimeGetsAhead(cache: Cache): Promise<void> {
  const ahead = await alice.call<MessagePage>('GET', `/api/conversations/${conversationId}/messages?after=200&limit=50`)
  const storeMessages = cache.storeMessages.bind(cache)
  let injected = false
  cache.storeMessages = (messages) => {
    const result = storeMessages(messages)
    if (!injected) {
      injected = true
      storeMessages(ahead.body.messages)
    }
    return result
  }
}

test('a conversation with nothing cached, all of it read: its latest page only, which starts the cached range', async () => {
  const { sync, cache, calls } = await recordedSync({ empty: true })
  // Read elsewhere up to the end: nothing unread to fetch below the latest page.
  await alice.call('POST', `/api/conversations/${conversationId}/read`, { seq: HISTORY })
  await refreshConversations(sync)
  calls.length = 0
  await sync.fill(conversationId)
  expect(calls).toEqual([`fetch latest ${LATEST_PAGE}`, `store ${HISTORY - LATEST_PAGE + 1}…${HISTORY}`])
  expect(cache.lowestSeq(conversationId)).toBe(HISTORY - LATEST_PAGE + 1)
  expect(cache.highestSeq(conversationId)).toBe(HISTORY)
  cache.close()
})

test('each page is requested before the one before it is stored; the cache ends equal to the history', async () => {
  const { sync, cache, calls } = await recordedSync()
  await sync.fill(conversationId)
  expect(calls).toEqual([
    'fetch after 1',
    'fetch after 201',
    'store 2…201',
    'fetch after 401',
    'store 202…401',
    'fetch after 601',
    'store 402…601',
    'fetch after 801',
    'store 602…801',
    'store 802…1000',
  ])
  expectWholeHistory(cache)
})

test('when storing ends elsewhere than the early request assumed, it is dropped and the next page starts from the cache', async () => {
  const { sync, cache, calls } = await recordedSync()
  await realtimeGetsAhead(cache)
  await sync.fill(conversationId)
  expect(calls.slice(0, 7)).toEqual([
    'fetch after 1',
    'fetch after 201',
    'store 2…201',
    'store 201…250',
    // The request for after=201 is dropped.
    'fetch after 250',
    'fetch after 450',
    'store 251…450',
  ])
  expectWholeHistory(cache)
})

test('knowing the last seq, up to three pages are in flight ahead of storing; the cache ends equal to the history', async () => {
  const { sync, cache, calls } = await recordedSync()
  await refreshConversations(sync)
  expect(cache.conversation(conversationId)?.lastSeq).toBe(HISTORY)
  await sync.fill(conversationId)
  expect(calls).toEqual([
    'fetch after 1',
    'fetch after 201',
    'fetch after 401',
    'fetch after 601',
    'store 2…201',
    'fetch after 801',
    'store 202…401',
    'store 402…601',
    'store 602…801',
    'store 802…1000',
  ])
  expectWholeHistory(cache)
})

test('requests run ahead on a guess that storing proves wrong are all dropped, and fetching restarts from the cache', async () => {
  const { sync, cache, calls } = await recordedSync()
  await refreshConversations(sync)
  await realtimeGetsAhead(cache)
  await sync.fill(conversationId)
  expect(calls.slice(0, 11)).toEqual([
    'fetch after 1',
    'fetch after 201',
    'fetch after 401',
    'fetch after 601',
    'store 2…201',
    'store 201…250',
    // after=201, 401 and 601 assumed storing would end at 201: all three are dropped.
    'fetch after 250',
    'fetch after 450',
    'fetch after 650',
    'fetch after 850',
    'store 251…450',
  ])
  const cached = cache.messagesInRange(conversationId, 1, HISTORY)
  expect(cached.map((message) => message.seq)).toEqual(Array.from({ length: HISTORY }, (_, i) => i + 1))
  expect(calls.filter((call) => call.startsWith('store')).length).toBe(6)
  cache.close()
})
