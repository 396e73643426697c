/**
 * Older history (history.ts) against a real server process and a real cache:
 * a conversation first met is cached from its latest page; older pages
 * extend that range downward — on demand and in the background, within the
 * budget — and the range stays contiguous, with changes made meanwhile never
 * lost.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { ApiClient } from '../../../src/main/core/api-client'
import { openCache, type Cache } from '../../../src/main/core/cache'
import { Eviction, KEEP_LATEST } from '../../../src/main/core/sync/eviction'
import { History } from '../../../src/main/core/sync/history'
import { LATEST_PAGE, type Sync } from '../../../src/main/core/sync/sync'
import type { Message, MessagePage } from '../../../src/shared/api'
import type { HistoryBudget } from '../../../src/shared/settings'
import { accountOf, cleanupCoreDirs, eventually, fastTiming, startCore } from '../../helpers/core'
import { directConversation, newUser, type MessengerUser } from '../../helpers/messenger'
import { quietSync } from '../../helpers/sync'
import { TcpProxy } from '../../helpers/tcp-proxy'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const HISTORY = 700
const dirs: string[] = []
let server: ServerProcess
let alice: MessengerUser
let bob: MessengerUser
let conversationId: string

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-history-server-'))
  dirs.push(dataDir)
  server = await spawnServer({ DATA_DIR: dataDir, SEND_RATE_LIMIT: '100000', CHANGE_RATE_LIMIT: '100000' })
  alice = await newUser(server.url, 'ha')
  bob = await newUser(server.url, 'hb')
  conversationId = (await directConversation(bob, alice)).id
  for (let n = 1; n <= HISTORY; n += 50) {
    await Promise.all(Array.from({ length: 50 }, (_, i) => bob.send(conversationId, `history ${n + i}`, `h${n + i}`)))
  }
  // Alice has read it all (on another device): a new device needs only the latest page.
  expect((await alice.call('POST', `/api/conversations/${conversationId}/read`, { seq: HISTORY })).status).toBe(200)
}, 120_000)

afterAll(() => {
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

interface Fixture {
  cache: Cache
  sync: Sync
  history: History
  api: ApiClient
}

/** A Sync and a History over a fresh cache (alice's), with the given budget and clock. */
function fixture(
  budget: HistoryBudget,
  now: () => number = Date.now,
  api = new ApiClient({ baseUrl: server.url, token: alice.token }),
  onBackfilled?: () => void,
): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'parley-history-cache-'))
  dirs.push(dir)
  const cache = openCache({ path: join(dir, 'cache.sqlite'), me: alice.user.id })
  const quiet = () => undefined
  const sync = quietSync(cache, api, alice.user.id)
  const history = new History({ cache, api, sync, budget: () => budget, retryDelayMs: () => 10, now, onBackfilled, log: { warn: quiet, debug: quiet } })
  return { cache, sync, history, api }
}

/** What a sync does before filling: the conversation list (with alice's read marker). */
async function listed(sync: Sync, api: ApiClient): Promise<void> {
  sync.applyConversations((await api.conversationPage()).conversations)
}

/** A new device as its first sync leaves it: the listing, the first fill, then the backfill run to its end. */
async function backfilled(f: Fixture): Promise<Fixture> {
  await listed(f.sync, f.api)
  await f.sync.fill(conversationId)
  f.history.backfill([conversationId])
  await f.history.whenIdle()
  return f
}

/** The cached seqs of the conversation are one run from its lowest to its highest, each once. */
function expectContiguous(cache: Cache): { lowest: number; highest: number } {
  const lowest = cache.lowestSeq(conversationId) ?? 0
  const highest = cache.highestSeq(conversationId)
  const seqs = cache.messagesInRange(conversationId, 1, HISTORY + 100).map((message) => message.seq)
  expect(seqs).toEqual(Array.from({ length: highest - lowest + 1 }, (_, i) => lowest + i))
  return { lowest, highest }
}

async function serverMessage(seq: number): Promise<Message> {
  const page = await alice.call<MessagePage>('GET', `/api/conversations/${conversationId}/messages?after=${seq - 1}&limit=1`)
  return page.body.messages[0] as Message
}

test('first met: the latest page; scrolling back fetches the page before it, and the range stays one run', async () => {
  const { cache, sync, history, api } = fixture({ kind: 'messages', count: LATEST_PAGE })
  await listed(sync, api)
  await sync.fill(conversationId)
  expect(expectContiguous(cache)).toEqual({ lowest: HISTORY - LATEST_PAGE + 1, highest: HISTORY })
  expect(history.hasOlder(conversationId)).toBe(true)
  // The budget is reached already: the backfill fetches nothing.
  history.backfill([conversationId])
  await history.whenIdle()
  expect(cache.lowestSeq(conversationId)).toBe(HISTORY - LATEST_PAGE + 1)
  // The user scrolls back: one older page, joined below the range.
  expect(await history.older(conversationId)).toBe(true)
  expect(expectContiguous(cache)).toEqual({ lowest: HISTORY - LATEST_PAGE - 200 + 1, highest: HISTORY })
  cache.close()
})

test('the backfill with the whole history as budget reaches the first message; the cache equals the server', async () => {
  const { cache, history } = await backfilled(fixture({ kind: 'all' }))
  expect(expectContiguous(cache)).toEqual({ lowest: 1, highest: HISTORY })
  expect(history.hasOlder(conversationId)).toBe(false)
  expect(await history.older(conversationId)).toBe(false)
  const server = await alice.call<MessagePage>('GET', `/api/conversations/${conversationId}/messages?after=0&limit=200`)
  expect(cache.messagesInRange(conversationId, 1, 200).map((message) => message.body)).toEqual(server.body.messages.map((message) => message.body))
  cache.close()
})

test('a budget of days: history older than that is left on the server; of messages: that many per conversation', async () => {
  // A clock 100 days ahead: every message is 100 days old, beyond a 90-day budget.
  const later = await backfilled(fixture({ kind: 'days', days: 90 }, () => Date.now() + 100 * 86_400_000))
  expect(later.cache.lowestSeq(conversationId)).toBe(HISTORY - LATEST_PAGE + 1)
  later.cache.close()
  // Today's clock: within 90 days, so all of it.
  const today = await backfilled(fixture({ kind: 'days', days: 90 }))
  expect(today.cache.lowestSeq(conversationId)).toBe(1)
  today.cache.close()
  // 300 messages: the latest page, then older pages until at least 300 are held.
  const counted = await backfilled(fixture({ kind: 'messages', count: 300 }))
  const { lowest } = expectContiguous(counted.cache)
  expect(HISTORY - lowest + 1).toBeGreaterThanOrEqual(300)
  expect(HISTORY - lowest + 1).toBeLessThan(300 + 200)
  counted.cache.close()
})

test('an edit made while an older page is on its way is not undone by that page: the page is fetched again', async () => {
  const api = new ApiClient({ baseUrl: server.url, token: alice.token })
  const { cache, sync, history } = fixture({ kind: 'messages', count: LATEST_PAGE }, Date.now, api)
  await listed(sync, api)
  await sync.fill(conversationId)
  const lowest = cache.lowestSeq(conversationId) ?? 0
  const target = await serverMessage(lowest - 10)
  // The first older page is fetched, then held until bob's edit has reached alice (as a realtime event would).
  const fetchPage = api.messages.bind(api)
  let requests = 0
  api.messages = async (id, page) => {
    const fetched = await fetchPage(id, page)
    if (page.before !== undefined && requests++ === 0) {
      const edited = await bob.call<Message>('PATCH', `/api/conversations/${conversationId}/messages/${target.id}`, { body: 'edited meanwhile' })
      expect(edited.status).toBe(200)
      sync.receive(edited.body, 'realtime')
    }
    return fetched
  }
  expect(await history.older(conversationId)).toBe(true)
  expect(requests).toBe(2)
  expect(cache.messagesInRange(conversationId, target.seq, target.seq)[0]?.body).toBe('edited meanwhile')
  expectContiguous(cache)
  cache.close()
})

test('an older page fetched while unchanged copies below the range are dropped (a first changedAfter catch-up) is stored at once, not fetched again', async () => {
  const { cache, sync, history, api } = fixture({ kind: 'messages', count: LATEST_PAGE })
  await listed(sync, api)
  await sync.fill(conversationId)
  const lowest = cache.lowestSeq(conversationId) ?? 0
  const fetchPage = api.messages.bind(api)
  let requests = 0
  api.messages = async (id, page) => {
    const fetched = await fetchPage(id, page)
    if (page.before !== undefined) {
      requests++
      // As a changedAfter page from rev 0 brings them: every message below the range, each as it is.
      for (let seq = 1; seq < lowest; seq += 7) sync.receive(await serverMessage(seq), 'fetch')
    }
    return fetched
  }
  expect(await history.older(conversationId)).toBe(true)
  expect(await history.older(conversationId)).toBe(true)
  expect(requests).toBe(2)
  expect(expectContiguous(cache).lowest).toBeLessThan(lowest - 200)
  cache.close()
})

test('changes and realtime messages below the range are not stored: no hole ever opens under it', async () => {
  const { cache, sync, api } = fixture({ kind: 'messages', count: LATEST_PAGE })
  await listed(sync, api)
  await sync.fill(conversationId)
  const lowest = cache.lowestSeq(conversationId) ?? 0
  const watch = sync.watchDrops(conversationId)
  const [copy, first] = [await serverMessage(lowest - 5), await serverMessage(1)]
  sync.receive({ ...copy, rev: copy.rev + 10 }, 'realtime')
  sync.receive(first, 'fetch')
  watch.stop()
  expect(expectContiguous(cache).lowest).toBe(lowest)
  // Noted for the fetch in flight: a page whose copy is older than a dropped change is stale; one as new is not.
  expect(watch.staleIn([copy])).toBe(true)
  expect(watch.staleIn([{ ...copy, rev: copy.rev + 10 }, first])).toBe(false)
  // Not noted once the watch stopped.
  const later = sync.watchDrops(conversationId)
  later.stop()
  sync.receive({ ...copy, rev: copy.rev + 20 }, 'realtime')
  expect(later.staleIn([copy])).toBe(false)
  // A page that does not meet the range from below is dropped whole.
  const far = await alice.call<MessagePage>('GET', `/api/conversations/${conversationId}/messages?after=0&limit=100`)
  expect(sync.storeOlder(conversationId, far.body.messages)).toBe(0)
  expect(expectContiguous(cache).lowest).toBe(lowest)
  cache.close()
})

test('the app on a new device: the latest page; a scroll-back past it fetches older pages; offline, what is cached', async () => {
  const proxy = new TcpProxy(server.port)
  await proxy.start()
  const url = `http://127.0.0.1:${proxy.port}`
  const app = await startCore(url, { timing: { ...fastTiming, latestPageSize: 20, olderPageSize: 30 } })
  try {
    await app.core.updateSettings({ historyBudget: { kind: 'messages', count: 20 } })
    await app.core.login({ serverUrl: url, username: alice.user.username, password: 'correct-horse' })
    const cache = () => accountOf(app.core).cache
    await eventually(() => cache().highestSeq(conversationId) === HISTORY, 15_000, 'the latest page')
    expect(cache().lowestSeq(conversationId)).toBe(HISTORY - 19)
    const latest = await app.core.loadMessages({ conversationId, limit: 50 })
    expect(latest.messages.map((m) => m.seq)).toEqual(Array.from({ length: 20 }, (_, i) => HISTORY - 19 + i))
    expect(latest.hasMoreBefore).toBe(true)
    // 50 before the top of the cache: two older pages of 30 are fetched first.
    const older = await app.core.loadMessages({ conversationId, beforeSeq: HISTORY - 19, limit: 50 })
    expect(older.messages.map((m) => m.seq)).toEqual(Array.from({ length: 50 }, (_, i) => HISTORY - 69 + i))
    expect(older.hasMoreBefore).toBe(true)
    expect(cache().lowestSeq(conversationId)).toBe(HISTORY - 79)
    // Offline: a page partly cached is served as far as it goes; one with nothing cached fails, saying why.
    proxy.cut()
    const partly = await app.core.loadMessages({ conversationId, beforeSeq: HISTORY - 69, limit: 50 })
    expect(partly.messages.map((m) => m.seq)).toEqual(Array.from({ length: 10 }, (_, i) => HISTORY - 79 + i))
    expect(partly.hasMoreBefore).toBe(true)
    await expect(app.core.loadMessages({ conversationId, beforeSeq: HISTORY - 79, limit: 50 })).rejects.toMatchObject({ code: 'unreachable' })
  } finally {
    await app.stop()
    await proxy.stop()
  }
})

test('unread messages are all cached by the first fill (badges count what is cached); read ones stay on the server', async () => {
  const reader = await newUser(server.url, 'hr')
  const room = (await directConversation(bob, reader)).id
  for (let n = 1; n <= 300; n += 50) await Promise.all(Array.from({ length: 50 }, (_, i) => bob.send(room, `unread test ${n + i}`, `u${n + i}`)))
  // Read up to 120 elsewhere: 180 unread, more than the latest page.
  await reader.call('POST', `/api/conversations/${room}/read`, { seq: 120 })
  const dir = mkdtempSync(join(tmpdir(), 'parley-history-cache-'))
  dirs.push(dir)
  const cache = openCache({ path: join(dir, 'cache.sqlite'), me: reader.user.id })
  const api = new ApiClient({ baseUrl: server.url, token: reader.token })
  const sync = quietSync(cache, api, reader.user.id)
  await listed(sync, api)
  await sync.fill(room)
  const lowest = cache.lowestSeq(room) ?? 0
  // The latest 50, then one older page of 200 reaches below the first unread (121): 51…300.
  expect(lowest).toBe(51)
  expect(cache.messagesInRange(room, lowest, 300).map((m) => m.seq)).toEqual(Array.from({ length: 300 - lowest + 1 }, (_, i) => lowest + i))
  expect(cache.unreadCount(room)).toBe(180)
  cache.close()
})

test('past the cap, history scrolled back beyond the budget goes again from the bottom; a change to it meanwhile leaves no hole, and scrolling back fetches it again, changed', async () => {
  // A clock 100 days ahead: all of it is outside a 90-day budget.
  const later = () => Date.now() + 100 * 86_400_000
  const budget: HistoryBudget = { kind: 'days', days: 90 }
  let backfills = 0
  const { cache, sync, history } = await backfilled(fixture(budget, later, undefined, () => backfills++))
  // The backfill ran to its end (nothing inside the budget to fetch): the cache's size is looked at then.
  expect(backfills).toBe(1)
  // The user scrolls back two pages.
  expect(await history.older(conversationId)).toBe(true)
  expect(await history.older(conversationId)).toBe(true)
  expect(expectContiguous(cache)).toEqual({ lowest: HISTORY - LATEST_PAGE - 400 + 1, highest: HISTORY })
  expect(await cache.search('history 300', 10)).toHaveLength(1)
  const quiet = () => undefined
  const eviction = new Eviction({
    cache,
    budget: () => budget,
    cap: () => 10,
    focused: () => null,
    busy: () => sync.busy || history.busy,
    now: later,
    log: { info: quiet, warn: quiet },
  })
  expect(await eviction.run()).toEqual({ before: LATEST_PAGE + 400, after: KEEP_LATEST, evicted: LATEST_PAGE + 400 - KEEP_LATEST })
  expect(expectContiguous(cache)).toEqual({ lowest: HISTORY - KEEP_LATEST + 1, highest: HISTORY })
  expect(await cache.search('history 300', 10)).toEqual([])
  // Bob edits a message that went: the change arrives below the range and is dropped, no hole opens.
  const target = await serverMessage(HISTORY - KEEP_LATEST - 5)
  const edited = await bob.call<Message>('PATCH', `/api/conversations/${conversationId}/messages/${target.id}`, { body: 'edited after it went' })
  expect(edited.status).toBe(200)
  sync.receive(edited.body, 'realtime')
  expect(expectContiguous(cache).lowest).toBe(HISTORY - KEEP_LATEST + 1)
  // Scrolling back fetches it again, as it is now.
  expect(await history.older(conversationId)).toBe(true)
  expect(cache.messageBySeq(conversationId, target.seq)?.body).toBe('edited after it went')
  expectContiguous(cache)
  cache.close()
})

test('the app: a smaller cache cap in the settings evicts at once, the oldest history first, and keeps the budget', async () => {
  // A second conversation, newer than the first: 400 messages from carol.
  const carol = await newUser(server.url, 'hc')
  const room = (await directConversation(carol, alice)).id
  for (let n = 1; n <= 400; n += 50) await Promise.all(Array.from({ length: 50 }, (_, i) => carol.send(room, `carol ${n + i}`, `k${n + i}`)))
  await alice.call('POST', `/api/conversations/${room}/read`, { seq: 400 })
  const app = await startCore(server.url)
  try {
    await app.core.updateSettings({ historyBudget: { kind: 'messages', count: 50 }, cacheMessageCap: null })
    await app.core.login({ serverUrl: server.url, username: alice.user.username, password: 'correct-horse' })
    const cache = () => accountOf(app.core).cache
    await eventually(() => cache().highestSeq(conversationId) === HISTORY && cache().highestSeq(room) === 400, 15_000, 'the latest pages')
    // Scrolled back to the first message of each: 1,100 messages cached, more than the cap about to be set.
    for (const [id, top] of [
      [conversationId, HISTORY],
      [room, 400],
    ] as const) {
      for (let before = cache().lowestSeq(id) ?? 1; before > 1; ) {
        const page = await app.core.loadMessages({ conversationId: id, beforeSeq: before, limit: 200 })
        before = page.messages[0]?.seq ?? 1
      }
      expect(cache().messagesInRange(id, 1, top)).toHaveLength(top)
    }
    expect(cache().sentMessageCount()).toBe(HISTORY + 400)
    await app.core.updateSettings({ cacheMessageCap: 1_000 })
    await eventually(() => cache().sentMessageCount() === 1_000, 15_000, 'the cache within its cap')
    // The older conversation's bottom went; the newer one is whole.
    expect(cache().lowestSeq(conversationId)).toBe(HISTORY + 400 - 1_000 + 1)
    expect(cache().messagesInRange(conversationId, 1, HISTORY)).toHaveLength(1_000 - 400)
    expect(cache().lowestSeq(room)).toBe(1)
  } finally {
    await app.stop()
  }
})
