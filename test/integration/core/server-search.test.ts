/**
 * Search on the server for history the cache does not hold (server-search.ts)
 * against a real server process and a real core on a new device that has
 * cached only the latest page: an old message is found by `searchServer` (and
 * not by the cache's `search`), one the cache holds is left to the cache's
 * search (never twice), other people's conversations never show, a server hit
 * opens as the renderer opens one (the pages it asks for reach it), and
 * offline the server part fails as `offline` while the cache's search still
 * answers (`unreachable` when the request finds no server while the
 * realtime link is still believed up).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { dispatchCall } from '../../../src/main/core/dispatch'
import type { SearchHit } from '../../../src/shared/ipc'
import { accountOf, cleanupCoreDirs, eventually, fastTiming, startCore, type TestCore } from '../../helpers/core'
import { directConversation, newUser, type MessengerUser } from '../../helpers/messenger'
import { TcpProxy } from '../../helpers/tcp-proxy'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const HISTORY = 300
/** What the new device caches: the latest page, and no backfill beyond it. */
const CACHED = 20
/** Messages with the word, by seq: two long gone from the latest page, two in it. */
const OLD = [7, 150]
const RECENT = [HISTORY - 10, HISTORY - 2]

const dirs: string[] = []
let server: ServerProcess
let alice: MessengerUser
let bob: MessengerUser
let conversationId: string
let foreignId: string

const body = (seq: number) => (OLD.includes(seq) || RECENT.includes(seq) ? `the lighthouse log, entry ${seq}` : `harbour note ${seq}`)

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-server-search-'))
  dirs.push(dataDir)
  server = await spawnServer({ DATA_DIR: dataDir, SEND_RATE_LIMIT: '100000', SEARCH_RATE_LIMIT: '100000' })
  alice = await newUser(server.url, 'ssa')
  bob = await newUser(server.url, 'ssb')
  const carol = await newUser(server.url, 'ssc')
  conversationId = (await directConversation(bob, alice)).id
  for (let n = 1; n <= HISTORY; n += 50) {
    // In order: seq n is body(n).
    for (let i = 0; i < 50 && n + i <= HISTORY; i++) await bob.send(conversationId, body(n + i), `s${n + i}`)
  }
  // Bob and Carol's conversation: alice is not in it.
  foreignId = (await directConversation(bob, carol)).id
  await bob.send(foreignId, 'the lighthouse, privately', 'f1')
  await carol.send(foreignId, 'lighthouse again', 'f2')
  expect((await alice.call('POST', `/api/conversations/${conversationId}/read`, { seq: HISTORY })).status).toBe(200)
}, 120_000)

afterAll(() => {
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
})

/** A call as the renderer makes it: through the contract's schema; a failure rejects with its code. */
async function call<T>(app: TestCore, name: string, args: unknown): Promise<T> {
  const reply = await dispatchCall(app.core, name, args)
  if (!reply.ok) throw Object.assign(new Error(`[${reply.error.code}] ${reply.error.message}`), { code: reply.error.code })
  return reply.value as T
}

async function newDevice(url: string): Promise<TestCore> {
  const app = await startCore(url, { timing: { ...fastTiming, latestPageSize: CACHED } })
  await app.core.updateSettings({ historyBudget: { kind: 'messages', count: CACHED } })
  await app.core.login({ serverUrl: url, username: alice.user.username, password: 'correct-horse' })
  const cache = () => accountOf(app.core).cache
  await eventually(() => cache().highestSeq(conversationId) === HISTORY, 15_000, 'the latest page')
  expect(cache().lowestSeq(conversationId)).toBe(HISTORY - CACHED + 1)
  return app
}

test('an old message is found on the server, a cached one by the cache only; other people’s conversations never show; a server hit opens', async () => {
  const app = await newDevice(server.url)
  try {
    const local = await call<SearchHit[]>(app, 'search', { query: 'lighthouse', limit: 50 })
    expect(local.map((hit) => hit.seq)).toEqual([...RECENT].reverse())
    const remote = await call<SearchHit[]>(app, 'searchServer', { query: 'lighthouse', limit: 50 })
    // Only what the cache does not hold, newest first; none of Bob and Carol's.
    expect(remote.map((hit) => hit.seq)).toEqual([...OLD].reverse())
    expect(remote.every((hit) => hit.conversationId === conversationId)).toBe(true)
    const keys = new Set(local.map((hit) => hit.messageKey))
    expect(remote.some((hit) => keys.has(hit.messageKey))).toBe(false)
    const [newer, older] = remote as [SearchHit, SearchHit]
    expect(newer).toMatchObject({ senderId: bob.user.id, seq: 150, messageKey: `${bob.user.id}:s150` })
    expect(newer.snippet.filter((part) => part.match).map((part) => part.text)).toEqual(['lighthouse'])
    expect(newer.snippet.map((part) => part.text).join('')).toContain('lighthouse log, entry 150')
    // The whole list: recent hits before old ones, by time.
    const times = [...local, ...remote].map((hit) => hit.createdAt)
    expect(times).toEqual([...times].sort((a, b) => b - a))
    // Nothing was stored: the cache still holds one run, the latest page.
    expect(app.core.currentAccount?.cache.lowestSeq(conversationId)).toBe(HISTORY - CACHED + 1)
    // A term only Bob and Carol's conversation has: nothing, from either.
    expect(await call<SearchHit[]>(app, 'searchServer', { query: 'privately', limit: 50 })).toEqual([])

    // Opening the oldest hit as the renderer does (store/messages.ts loadUntil): a run around it,
    // which starts above it (the cache does not reach down to it), then older pages until it is held.
    const run = await call<{ messages: { seq: number | null }[]; hasMoreBefore: boolean }>(app, 'loadMessages', {
      conversationId,
      afterSeq: Math.max(0, older.seq! - 51),
      limit: 200,
    })
    expect(run.messages[0]?.seq).toBe(HISTORY - CACHED + 1)
    expect(run.hasMoreBefore).toBe(true)
    let lowest = run.messages[0]?.seq ?? 0
    let found: { key: string; seq: number | null; body: string } | undefined
    for (let page = 0; page < 10 && found === undefined; page++) {
      const before = await call<{ messages: { key: string; seq: number | null; body: string }[] }>(app, 'loadMessages', {
        conversationId,
        beforeSeq: lowest,
        limit: 200,
      })
      found = before.messages.find((message) => message.key === older.messageKey)
      lowest = before.messages[0]?.seq ?? lowest
    }
    expect(found).toMatchObject({ seq: 7, body: body(7) })
    // Now cached: the cache's search answers for it, and the server's leaves it out.
    expect((await call<SearchHit[]>(app, 'search', { query: 'lighthouse', limit: 50 })).map((hit) => hit.seq)).toEqual([...OLD, ...RECENT].reverse())
    expect(await call<SearchHit[]>(app, 'searchServer', { query: 'lighthouse', limit: 50 })).toEqual([])
  } finally {
    await app.stop()
  }
})

test('offline: the server part fails as `offline`, the cache’s search answers; back online, the server answers', async () => {
  const proxy = new TcpProxy(server.port)
  await proxy.start()
  const url = `http://127.0.0.1:${proxy.port}`
  const app = await newDevice(url)
  try {
    proxy.cut()
    // Cut under a link the core still believes in: no server found (`offline` once the link is known lost).
    const right = await call(app, 'searchServer', { query: 'lighthouse', limit: 50 }).catch((err: { code: string }) => err.code)
    expect(['unreachable', 'offline']).toContain(right)
    // Once the core knows it is offline: `offline` (no request is made between tries, none finds the server during one).
    await eventually(async () => (await app.core.getConnection()).state !== 'connected', 20_000, 'not connected')
    await expect(call(app, 'searchServer', { query: 'lighthouse', limit: 50 })).rejects.toMatchObject({ code: 'offline' })
    await eventually(async () => (await app.core.getConnection()).state === 'offline', 20_000, 'offline')
    await expect(call(app, 'searchServer', { query: 'lighthouse', limit: 50 })).rejects.toMatchObject({ code: 'offline' })
    expect((await call<SearchHit[]>(app, 'search', { query: 'lighthouse', limit: 50 })).map((hit) => hit.seq)).toEqual([...RECENT].reverse())
    // Back online: the server answers again.
    proxy.restore()
    await eventually(async () => (await app.core.getConnection()).state === 'connected', 20_000, 'connected')
    expect((await call<SearchHit[]>(app, 'searchServer', { query: 'lighthouse', limit: 50 })).map((hit) => hit.seq)).toEqual([...OLD].reverse())
  } finally {
    await app.stop()
    await proxy.stop()
  }
})

test('rate limited: the server part fails as `rate_limited`', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-server-search-limited-'))
  dirs.push(dataDir)
  const limited = await spawnServer({ DATA_DIR: dataDir, SEARCH_RATE_LIMIT: '2' })
  try {
    const dana = await newUser(limited.url, 'ssd')
    const app = await startCore(limited.url)
    try {
      await app.core.login({ serverUrl: limited.url, username: dana.user.username, password: 'correct-horse' })
      await eventually(async () => (await app.core.getConnection()).state === 'connected', 15_000, 'connected')
      await call(app, 'searchServer', { query: 'lighthouse', limit: 50 })
      await call(app, 'searchServer', { query: 'lighthouse', limit: 50 })
      await expect(call(app, 'searchServer', { query: 'lighthouse', limit: 50 })).rejects.toMatchObject({ code: 'rate_limited' })
    } finally {
      await app.stop()
    }
  } finally {
    limited.child.kill('SIGKILL')
  }
})
