/**
 * The conversation list arrives in pages (GET /api/conversations, 100 a page
 * by default) against a real server process: a fresh core follows
 * `nextCursor` to the end, and a conversation that gains activity between two
 * pages — jumping from a page not fetched yet to one already fetched, so the
 * listing never returns it — still ends up in the cache with its message and
 * its unread count.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest'
import type { Conversation, ConversationPage } from '../../../src/shared/api'
import { cleanupCoreDirs, eventually, startCore, type TestCore } from '../../helpers/core'
import { callApi, listConversations, newUser, type MessengerUser } from '../../helpers/messenger'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const COUNT = 250
const PASSWORD = 'correct-horse'
const dataDir = mkdtempSync(join(tmpdir(), 'parley-pages-'))
const cores: TestCore[] = []
let server: ServerProcess
let alice: MessengerUser
let bob: MessengerUser

/** Every GET /api/conversations the cores make, in order: first page or next, and what it returned. */
const listings: { page: 'top' | 'next'; ids: string[] }[] = []
/** Runs before each of those requests is sent. */
let before: ((page: 'top' | 'next') => Promise<void>) | null = null
const realFetch = globalThis.fetch

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, AUTH_RATE_LIMIT: '1000', CONVERSATION_RATE_LIMIT: '100000' })
  alice = await newUser(server.url, 'pga')
  bob = await newUser(server.url, 'pgb')
  for (let i = 0; i < COUNT; i += 25) {
    await Promise.all(
      Array.from({ length: 25 }, (_, j) =>
        callApi(server.url, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [alice.user.id], title: `page ${i + j}` } }),
      ),
    )
  }
  globalThis.fetch = async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input))
    const own = (init?.headers as Record<string, string> | undefined)?.authorization === `Bearer ${alice.token}`
    if (url.pathname !== '/api/conversations' || (init?.method ?? 'GET') !== 'GET' || own) return realFetch(input, init)
    const page = url.searchParams.has('cursor') ? 'next' : 'top'
    await before?.(page)
    const response = await realFetch(input, init)
    const body = (await response.clone().json()) as ConversationPage
    listings.push({ page, ids: body.conversations.map((conversation) => conversation.id) })
    return response
  }
}, 60_000)

afterEach(async () => {
  before = null
  listings.length = 0
  for (const core of cores.splice(0)) await core.stop()
})

afterAll(() => {
  globalThis.fetch = realFetch
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

/** Alice signs in on a new device (an empty cache): its first sync lists everything. */
async function aliceOnNewDevice(): Promise<TestCore> {
  const core = await startCore(server.url)
  cores.push(core)
  await core.core.login({ serverUrl: server.url, username: alice.user.username, password: PASSWORD })
  return core
}

test(`a fresh core follows nextCursor through ${COUNT} conversations (three pages), then reads the top once more`, async () => {
  const onServer = await listConversations(server.url, alice.token)
  const { core } = await aliceOnNewDevice()
  await eventually(async () => (await core.listConversations()).length === COUNT, 15_000, `${COUNT} conversations cached`)
  await eventually(() => listings.length >= 4, 5_000, 'the second pass')
  // Pages 1–3, then the top again (nothing moved: one page suffices).
  expect(listings.map((listing) => listing.page)).toEqual(['top', 'next', 'next', 'top'])
  expect(listings.map((listing) => listing.ids.length)).toEqual([100, 100, 50, 100])
  const cached = await core.listConversations()
  expect(cached.map((conversation) => conversation.id)).toEqual(onServer.map((conversation) => conversation.id))
  expect(cached.find((conversation) => conversation.title === 'page 0')).toMatchObject({ kind: 'group', unreadCount: 0 })
}, 60_000)

test('a conversation that gains activity between two pages is not lost', async () => {
  const onServer = await listConversations(server.url, alice.token)
  const oldest = onServer.at(-1) as Conversation
  let sent = ''
  // Between page 1 and page 2: the oldest conversation (on the last page) jumps to the top, already listed.
  before = async (page) => {
    if (page !== 'next') return
    before = null
    sent = (await bob.send(oldest.id, 'moved while you listed')).id
  }
  const { core } = await aliceOnNewDevice()
  await eventually(async () => (await core.listConversations()).length === COUNT, 15_000, `${COUNT} conversations cached`)
  expect(sent).not.toBe('')
  const [top] = await core.listConversations()
  expect(top).toMatchObject({ id: oldest.id, title: oldest.title, unreadCount: 1 })
  await eventually(() => core.currentAccount?.cache.highestSeq(oldest.id) === 1, 10_000, 'its message cached')
  // The pages skipped it (it left the last page for the first after the first was fetched); the second pass found it.
  expect(listings.map((listing) => [listing.page, listing.ids.includes(oldest.id)])).toEqual([
    ['top', false],
    ['next', false],
    ['next', false],
    ['top', true],
  ])
}, 60_000)

test("the window's pages of the list (listConversationPage): the list's order in pages, the conversation to reopen in the first, nobody else's", async () => {
  const { core } = await aliceOnNewDevice()
  await eventually(async () => (await core.listConversations()).length === COUNT, 15_000, `${COUNT} conversations cached`)
  const all = (await core.listConversations()).map((conversation) => conversation.id)
  const oldest = all.at(-1) as string
  const foreign = (await callApi<Conversation>(server.url, 'POST', '/api/conversations', { token: bob.token, body: { memberIds: [(await newUser(server.url, 'pgc')).user.id] } })).body.id
  const first = await core.listConversationPage({ after: null, limit: 60, include: [oldest, all[0] as string, foreign, 'c_missing'] })
  // The first 60, then the one to reopen (once); nothing for a conversation that is not Alice's or does not exist.
  expect(first.conversations.map((conversation) => conversation.id)).toEqual([...all.slice(0, 60), oldest])
  const paged = first.conversations.slice(0, 60).map((conversation) => conversation.id)
  let next = first.next
  while (next !== null) {
    const page = await core.listConversationPage({ after: next, limit: 100, include: [foreign] })
    paged.push(...page.conversations.map((conversation) => conversation.id))
    next = page.next
  }
  expect(paged).toEqual(all)
  // Each view is the one listConversations gives.
  expect(first.conversations[5]).toEqual((await core.listConversations())[5])
}, 60_000)
