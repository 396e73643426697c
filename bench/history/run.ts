/**
 * `npm run bench:history` (issue 23): the first sign-in to a workspace of
 * `--messages` (1,000,000) messages against one of `--small-messages`
 * (10,000) over the same `--conversations` (2,000), in the same run, and
 * the background backfill against the bare pipeline.
 *
 * Both workspaces are seeded straight into a server store's tables
 * (dataset.ts) and each gets a real `npm run server` process. Each round
 * signs a fresh desktop core (empty cache, `createCore` as the app's main
 * process makes it) in to each workspace — alternating which goes first —
 * and times, from creating the core:
 * - **list**: every conversation of the listing is in the cache;
 * - **open scrollable**: the open conversation — opened (as the user
 *   clicks it) as soon as the listing brought it into the cache — has its
 *   latest page and its unread messages cached, and `loadMessages` (the
 *   window's call) returns its latest page;
 * - **latest**: every conversation's latest page (and its unread messages)
 *   is cached;
 * - **ready**: all three. Target: big ÷ small ≤ 1.3 (medians).
 * The `messages` events the core sends to the window tell what is cached; the
 * cache itself is checked after each run.
 *
 * Then, in the big workspace, the run goes on: the background backfill
 * (history.ts, budget "all history") is timed from its first page stored
 * over `--backfill-ms` or `--backfill-messages`, whichever ends first. The
 * baseline, run right after in the same round: the bare pipeline — the same
 * older pages (`before=`, 200 each), one request at a time as the backfill
 * makes them, with plain fetch, JSON.parse and an INSERT into a one-table
 * database in a transaction per page. Rate ÷ rate.
 *
 * To say where the time goes, each round also times the server alone: the
 * listing page by page and each conversation's latest page, one request at a
 * time, in both workspaces; and the CPU time of the core's process and of
 * each server over each sign-in.
 *
 * And, in each round and each workspace (the control too), the baseline of
 * the first sign-in itself: the bare first sign-in, the least any client of
 * the REST API can do to cache what the core's first sign-in caches. The
 * listing page by page, then every conversation's latest page and older
 * pages down to its first unread — the core's request shapes, as many
 * conversations at once as its first sync fills (sync.ts) — with plain
 * fetch, JSON.parse and an INSERT into bare tables in a transaction per
 * page, timed from its first request to its last insert. The small
 * workspace's conversations hold a few messages each, so its first sign-in
 * caches a tenth of what the big one's does: the bare client's big ÷ small is
 * what the work itself makes that ratio, and Parley's ready ÷ the bare first
 * sign-in, per workspace, is what the app adds over it.
 *
 * Progress goes to stderr; stdout gets the tables, then the results as one
 * JSON line, also written to <results dir>/history.json. Sizes: options.ts.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { Session } from 'node:inspector/promises'
import { loadavg } from 'node:os'
import { join } from 'node:path'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { pino } from 'pino'
import { defaultTiming } from '../../src/main/core/core-api'
import { createCore } from '../../src/main/core/testing'
import type { AuthResponse, Conversation, ConversationPage, MessagePage } from '../../src/shared/api'
import type { ChatMessage } from '../../src/shared/ipc'
import { recordingServices } from '../../test/helpers/core'
import { callApi, listConversations } from '../../test/helpers/messenger'
import { median, summarize } from '../../test/kit/latency'
import { threadCpuTimeMs } from '../../test/kit/proc-stats'
import { cleanUpNow, makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'
import { formatTable } from '../../test/kit/table'
import { createRawMessages, insertRaw, openRawDatabase } from '../core/raw-tables'
import { collectGarbage } from '../gc'
import { machine, publishResults, runBenchmark } from '../results'
import { PASSWORD, prepareWorkspace, type SeededConversation, type SeededWorkspace } from './dataset'
import { readHistoryOptions, type HistoryBenchOptions } from './options'

const TARGET = 1.3
/** The core's latest page and older page (CoreTiming defaults; the bench leaves them as they are). */
const LATEST_PAGE = defaultTiming.latestPageSize
const OLDER_PAGE = defaultTiming.olderPageSize
/** How long any one milestone may take before the run fails. */
const MILESTONE_TIMEOUT_MS = 600_000
const POLL_MS = 5

const startedAt = performance.now()
const progress = (line: string): void => console.error(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(5)} s] ${line}`)
const round = (value: number, digits = 1): number => Number(value.toFixed(digits))
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A seeded workspace served by its own server process. */
interface Live {
  ws: SeededWorkspace
  server: ServerProcess
  /** Conversation ids as the server lists them: newest activity first. */
  order: string[]
  /** The server's unread count of each (my own messages are never unread). */
  unread: Map<string, number>
  byId: Map<string, SeededConversation>
  /** Per conversation: the lowest seq a first sign-in caches (its latest page, and down to the first unread); none when empty. */
  target: Map<string, number>
  openId: string
  /** Messages the first sign-in caches: every latest page and every unread message. */
  firstSignInMessages: number
  token: string
}

async function startLive(ws: SeededWorkspace, dataDir: string, openRank: number): Promise<Live> {
  const server = await spawnServer({ DATA_DIR: dataDir, LOG_LEVEL: 'warn', AUTH_RATE_LIMIT: '100000' }, { timeoutMs: 120_000, onLine: (line) => console.error(`[${ws.name} server] ${line}`) })
  const byId = new Map(ws.conversations.map((c) => [c.id, c]))
  const target = new Map<string, number>()
  let firstSignInMessages = 0
  for (const c of ws.conversations) {
    if (c.lastSeq === 0) continue
    const lowest = Math.max(1, Math.min(c.lastSeq - LATEST_PAGE + 1, c.readSeq + 1))
    target.set(c.id, lowest)
    firstSignInMessages += c.lastSeq - lowest + 1
  }
  const open = ws.conversations.find((c) => c.rank === openRank)
  if (open === undefined || open.lastSeq === 0) throw new Error(`no conversation of rank ${openRank} with messages to open`)
  const login = await callApi<AuthResponse>(server.url, 'POST', '/api/auth/login', { body: { username: ws.me.username, password: PASSWORD } })
  if (login.status !== 200) throw new Error(`${ws.name}: sign-in refused (${login.status})`)
  const listed = await listConversations(server.url, login.body.token)
  if (listed.length !== ws.conversations.length) throw new Error(`${ws.name}: the server lists ${listed.length} conversations, ${ws.conversations.length} were seeded`)
  for (const c of listed) {
    if (byId.get(c.id)?.lastSeq !== c.lastSeq) throw new Error(`${ws.name}: ${c.id} has ${c.lastSeq} messages on the server, ${byId.get(c.id)?.lastSeq} seeded`)
  }
  return {
    ws,
    server,
    order: listed.map((c) => c.id),
    unread: new Map(listed.map((c) => [c.id, c.unreadCount])),
    byId,
    target,
    openId: open.id,
    firstSignInMessages,
    token: login.body.token,
  }
}

/** CPU time of this process (the core) and of the server, in ms. */
function cpuNow(server: ServerProcess): { own: number; server: number } {
  const usage = process.cpuUsage()
  return { own: (usage.user + usage.system) / 1000, server: threadCpuTimeMs(server.pid) }
}
function cpuSince(server: ServerProcess, before: { own: number; server: number }): { own: number; server: number } {
  const now = cpuNow(server)
  return { own: round(now.own - before.own, 0), server: round(now.server - before.server, 0) }
}

/** An older page the backfill stored: `before` as it asked, how many it stored, when. */
interface OlderPage {
  conversationId: string
  before: number
  count: number
  at: number
}

interface BackfillWindow {
  /** From creating the core to the first page stored. */
  firstPageMs: number
  /** Pages stored after the first, and their messages, over `ms`. */
  pages: number
  messages: number
  ms: number
  perSec: number
  /** CPU over the window: the core's process and the server. */
  cpu: { own: number; server: number }
  /** Why the window ended. */
  ended: 'time' | 'messages' | 'done'
}

interface SignInRun {
  workspace: SeededWorkspace['name']
  /** `login` returned (the server checked the password, the account is open). */
  signedInMs: number
  listMs: number
  /** The open conversation appeared in the cache (and was opened). */
  openListedMs: number
  openScrollableMs: number
  latestMs: number
  readyMs: number
  /** Messages cached at `latest`, by the window's events. */
  cachedMessages: number
  /** From creating the core to `ready`. */
  cpu: { own: number; server: number }
  stallMaxMs: number
  backfill: BackfillWindow | null
  /** Pages the backfill stored, for the bare pipeline (not in the JSON). */
  olderPages: OlderPage[]
}

/** A fresh core signs in to `live` and caches its first sign-in; with `backfill`, the backfill is then timed. */
async function signIn(live: Live, workDir: string, options: HistoryBenchOptions, backfill: boolean, profilePath = ''): Promise<SignInRun> {
  const userData = mkdtempSync(join(workDir, `${live.ws.name}-core-`))
  const { order, target, openId, byId, server } = live
  const low = new Map<string, number>()
  const high = new Map<string, number>()
  const pendingLatest = new Set(target.keys())
  const olderPages: OlderPage[] = []
  let recordOlder = true
  const onMessages = ({ conversationId, messages }: { conversationId: string; messages: ChatMessage[] }) => {
    let lo = Number.POSITIVE_INFINITY
    let hi = 0
    for (const m of messages) {
      if (m.seq === null) continue
      if (m.seq < lo) lo = m.seq
      if (m.seq > hi) hi = m.seq
    }
    if (hi === 0) return
    const was = low.get(conversationId)
    const lowest = target.get(conversationId) ?? 1
    // Below a range that already reached its first sign-in's lowest: an older page of the backfill.
    if (was !== undefined && lo < was && was <= lowest && recordOlder) olderPages.push({ conversationId, before: was, count: was - lo, at: performance.now() })
    const nowLow = Math.min(was ?? lo, lo)
    const nowHigh = Math.max(high.get(conversationId) ?? 0, hi)
    low.set(conversationId, nowLow)
    high.set(conversationId, nowHigh)
    if (nowHigh >= (byId.get(conversationId)?.lastSeq ?? 0) && nowLow <= lowest) pendingLatest.delete(conversationId)
  }

  collectGarbage()
  const profiler = profilePath === '' ? null : new Session()
  if (profiler) {
    profiler.connect()
    await profiler.post('Profiler.enable')
    await profiler.post('Profiler.start')
  }
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  const cpuBefore = cpuNow(server)
  const start = performance.now()
  const core = await createCore(
    {
      userDataDir: userData,
      defaultServerUrl: server.url,
      appInfo: { name: 'Parley', version: 'bench', platform: process.platform, locale: 'en-US', tokenStorage: 'keyring' },
      services: recordingServices(),
    },
    pino({ level: 'silent' }),
  )
  try {
    // The backfill's reach: all of it (the default, 90 days, reaches none of a dataset from 2024–2025).
    await core.updateSettings({ historyBudget: { kind: 'all' } })
    const off = core.on('messages', onMessages)
    await core.login({ serverUrl: server.url, username: live.ws.me.username, password: PASSWORD })
    const signedInAt = performance.now()
    const account = core.currentAccount
    if (account === null) throw new Error('not signed in after login')
    const cache = account.cache
    const open = byId.get(openId) as SeededConversation
    const openLowest = target.get(openId) as number

    let listAt = Number.NaN
    let openListedAt = Number.NaN
    let scrollableAt = Number.NaN
    let latestAt = Number.NaN
    let cpuAtReady = { own: 0, server: 0 }
    let listed = 0
    while (Number.isNaN(listAt) || Number.isNaN(scrollableAt) || Number.isNaN(latestAt)) {
      if (performance.now() - start > MILESTONE_TIMEOUT_MS) {
        throw new Error(`${live.ws.name}: not ready within ${MILESTONE_TIMEOUT_MS} ms (listed ${listed}/${order.length}, ${pendingLatest.size} latest pages missing)`)
      }
      if (Number.isNaN(listAt)) {
        // Listing pages come newest first: look only past what is known to be cached.
        while (listed < order.length && cache.conversationCounters(order[listed] as string) !== null) listed++
        if (listed === order.length) listAt = performance.now()
      }
      if (Number.isNaN(openListedAt) && cache.conversationCounters(openId) !== null) {
        openListedAt = performance.now()
        // The user opens it: the window says so and asks for its latest page (empty until it is fetched).
        await core.setActiveConversation({ conversationId: openId })
        await core.loadMessages({ conversationId: openId, limit: LATEST_PAGE })
      }
      if (Number.isNaN(scrollableAt) && (high.get(openId) ?? 0) >= open.lastSeq && (low.get(openId) ?? Number.POSITIVE_INFINITY) <= openLowest) {
        const page = await core.loadMessages({ conversationId: openId, limit: LATEST_PAGE })
        const last = page.messages.at(-1)?.seq
        if (last !== open.lastSeq || page.messages.length !== Math.min(LATEST_PAGE, open.lastSeq)) {
          throw new Error(`the open conversation's latest page: ${page.messages.length} messages up to ${last}, expected up to ${open.lastSeq}`)
        }
        scrollableAt = performance.now()
      }
      if (Number.isNaN(latestAt) && pendingLatest.size === 0) latestAt = performance.now()
      if (!Number.isNaN(listAt) && !Number.isNaN(scrollableAt) && !Number.isNaN(latestAt)) {
        cpuAtReady = cpuSince(server, cpuBefore)
        break
      }
      await sleep(POLL_MS)
    }
    const readyAt = Math.max(listAt, scrollableAt, latestAt)
    delay.disable()
    if (profiler) {
      const { profile } = await profiler.post('Profiler.stop')
      writeFileSync(profilePath, JSON.stringify(profile))
      profiler.disconnect()
    }
    let cachedMessages = 0
    for (const [id, lo] of low) cachedMessages += (high.get(id) as number) - lo + 1

    let timed: BackfillWindow | null = null
    if (backfill) {
      const deadline = performance.now() + 120_000
      while (olderPages.length === 0) {
        if (performance.now() > deadline) throw new Error(`${live.ws.name}: the backfill stored no page within 120 s of the first sign-in`)
        await sleep(POLL_MS)
      }
      const first = olderPages[0] as OlderPage
      const cpuFirst = cpuNow(server)
      let done = false
      void account.history.whenIdle().then(() => (done = true))
      let ended: BackfillWindow['ended'] = 'time'
      for (;;) {
        const stored = olderPages.reduce((sum, page) => sum + page.count, 0) - first.count
        if (done) ended = 'done'
        else if (stored >= options.backfillMessages) ended = 'messages'
        else if (performance.now() - first.at < options.backfillMs) {
          await sleep(20)
          continue
        }
        break
      }
      recordOlder = false
      const cpu = cpuSince(server, cpuFirst)
      const after = olderPages.slice(1)
      const messages = after.reduce((sum, page) => sum + page.count, 0)
      const ms = (olderPages.at(-1) as OlderPage).at - first.at
      timed = { firstPageMs: round(first.at - start), pages: after.length, messages, ms: round(ms), perSec: round((messages / ms) * 1000, 0), cpu, ended }
    }
    recordOlder = false
    off()

    // Untimed: the cache holds what the events said.
    for (const c of live.ws.conversations) {
      const lowest = target.get(c.id)
      if (lowest === undefined) continue
      if (cache.highestSeq(c.id) !== c.lastSeq) throw new Error(`${c.id}: cached up to ${cache.highestSeq(c.id)}, the server has ${c.lastSeq}`)
      if ((cache.lowestSeq(c.id) ?? Number.POSITIVE_INFINITY) > lowest) throw new Error(`${c.id}: cached from ${cache.lowestSeq(c.id)}, the first sign-in caches from ${lowest}`)
      if (cache.unreadCount(c.id) !== live.unread.get(c.id)) throw new Error(`${c.id}: ${cache.unreadCount(c.id)} unread, the server says ${live.unread.get(c.id)}`)
    }
    return {
      workspace: live.ws.name,
      signedInMs: round(signedInAt - start),
      listMs: round(listAt - start),
      openListedMs: round(openListedAt - start),
      openScrollableMs: round(scrollableAt - start),
      latestMs: round(latestAt - start),
      readyMs: round(readyAt - start),
      cachedMessages,
      cpu: cpuAtReady,
      stallMaxMs: round(delay.max / 1e6),
      backfill: timed,
      olderPages,
    }
  } finally {
    delay.disable()
    await core.dispose()
    rmSync(userData, { recursive: true, force: true })
  }
}

/** GET and parse, as plainly as it gets. */
async function getJson<T>(url: string, token: string): Promise<T> {
  const response = await fetch(url, { headers: { authorization: `Bearer ${token}` } })
  const text = await response.text()
  if (response.status !== 200) throw new Error(`GET ${url}: HTTP ${response.status}`)
  return JSON.parse(text) as T
}

interface BareRun {
  pages: number
  messages: number
  ms: number
  perSec: number
  cpu: { own: number; server: number }
}

/**
 * The bare pipeline over the pages the backfill stored: one at a time, fetch,
 * JSON.parse, INSERT into a one-table database in a transaction per page;
 * timed like the backfill, from the first page stored to the last.
 */
async function barePipeline(live: Live, pages: readonly OlderPage[], path: string): Promise<BareRun> {
  collectGarbage()
  const db = openRawDatabase(path)
  createRawMessages(db, { fts: false, primaryKey: 'row_id' })
  try {
    const at: number[] = []
    let cpuFirst = cpuNow(live.server)
    for (const page of pages) {
      const got = await getJson<MessagePage>(`${live.server.url}/api/conversations/${page.conversationId}/messages?before=${page.before}&limit=${OLDER_PAGE}`, live.token)
      if (got.messages.length !== page.count) throw new Error(`bare pipeline: ${got.messages.length} messages before ${page.before} in ${page.conversationId}, the backfill stored ${page.count}`)
      insertRaw(db, got.messages)
      at.push(performance.now())
      if (at.length === 1) cpuFirst = cpuNow(live.server)
    }
    const messages = pages.slice(1).reduce((sum, page) => sum + page.count, 0)
    const ms = (at.at(-1) as number) - (at[0] as number)
    return { pages: pages.length - 1, messages, ms: round(ms), perSec: round((messages / ms) * 1000, 0), cpu: cpuSince(live.server, cpuFirst) }
  } finally {
    db.close()
    removeDatabase(path)
  }
}

/** A baseline's SQLite file and its WAL and shared-memory files. */
function removeDatabase(path: string): void {
  for (const file of [path, `${path}-wal`, `${path}-shm`]) rmSync(file, { force: true })
}

interface ServerProbe {
  /** The listing, page by page as the core reads it (the server's page size). */
  listingMs: number
  listingPages: number
  /** Each conversation's latest page (LATEST_PAGE), one request at a time. */
  latestPagesMs: number
  latestPage: { p50Ms: number; p99Ms: number }
  serverCpuMs: number
}

/** The listing page by page as the core reads it (the server's page size), each page handed to `onPage` once parsed; resolves with the pages read. */
async function readListing(live: Live, onPage: (page: ConversationPage) => void = () => undefined): Promise<number> {
  let pages = 0
  for (let cursor: string | null = null; ; ) {
    const page: ConversationPage = await getJson<ConversationPage>(
      `${live.server.url}/api/conversations${cursor === null ? '' : `?cursor=${encodeURIComponent(cursor)}`}`,
      live.token,
    )
    pages++
    onPage(page)
    if (page.nextCursor === null) return pages
    cursor = page.nextCursor
  }
}

/** The server alone: the requests a first sign-in makes most of, one at a time, fetched and parsed. */
async function probeServer(live: Live): Promise<ServerProbe> {
  const cpuBefore = threadCpuTimeMs(live.server.pid)
  let start = performance.now()
  const pages = await readListing(live)
  const listingMs = performance.now() - start
  const samples: number[] = []
  start = performance.now()
  for (const id of live.order) {
    const t = performance.now()
    await getJson<MessagePage>(`${live.server.url}/api/conversations/${id}/messages?limit=${LATEST_PAGE}`, live.token)
    samples.push(performance.now() - t)
  }
  const latestPagesMs = performance.now() - start
  const summary = summarize(samples)
  return {
    listingMs: round(listingMs),
    listingPages: pages,
    latestPagesMs: round(latestPagesMs),
    latestPage: { p50Ms: round(summary.p50Ms, 2), p99Ms: round(summary.p99Ms, 2) },
    serverCpuMs: round(threadCpuTimeMs(live.server.pid) - cpuBefore, 0),
  }
}

/**
 * Conversations the core's first sync fills at once: sync.ts `FILL_CONCURRENCY`
 * (not exported). `catchUpAll` reads the whole listing first, then runs that
 * many workers over the listed conversations, each filling one conversation
 * at a time, its requests one after another (a conversation with nothing
 * cached takes the `fill` branch that fetches the latest page and then
 * `fillDownToUnread`, never the FILL_AHEAD read-ahead of `after=` pages).
 */
const FIRST_SYNC_FILLS = 4
/** The core's older pages down to the first unread: sync.ts `PAGE` (not exported), as `fillDownToUnread` asks for them. */
const UNREAD_PAGE = 200

interface BareSignIn {
  /** From the first listing request to the last insert. */
  ms: number
  requests: { listing: number; latest: number; older: number }
  /** Messages inserted: whole pages, as the core stores them (an older page of 200 may reach below the first unread). */
  messages: number
  /** Of those, the ones at or above each conversation's `Live.target`: `Live.firstSignInMessages`, checked. */
  firstSignInMessages: number
  /** Over `ms`: this process (the bare client) and the server. */
  cpu: { own: number; server: number }
}

/**
 * The bare first sign-in: the least any client of the REST API can do for
 * what the core's first sign-in caches, with the core's request shapes and
 * requests in flight (sync.ts). The listing page by page, each page's
 * conversations inserted into a bare table (id, JSON) in a transaction; then,
 * FIRST_SYNC_FILLS conversations at once in the listing's order, each
 * conversation's latest page (`?limit=50`, no bound) and older pages
 * (`?before=<lowest>&limit=200`) down to its first unread, each page parsed
 * and inserted into a bare messages table (raw-tables.ts: the cache's
 * columns, no index) in a transaction of its own. No
 * login (the token is the one `startLive` got), no second pass over the
 * top of the listing (the core's guard against conversations moving while
 * it lists), no validation, no events: timed from the first request to the
 * last insert, as the core's ready is from creating it.
 */
async function bareFirstSignIn(live: Live, path: string): Promise<BareSignIn> {
  collectGarbage()
  const db = openRawDatabase(path)
  db.exec('CREATE TABLE conversations (id TEXT PRIMARY KEY, json TEXT)')
  createRawMessages(db, { fts: false, primaryKey: 'row_id' })
  const insertConversation = db.prepare('INSERT INTO conversations (id, json) VALUES (?, ?)')
  const insertConversations = db.transaction((conversations: readonly Conversation[]) => {
    for (const c of conversations) insertConversation.run(c.id, JSON.stringify(c))
  })
  try {
    const requests = { listing: 0, latest: 0, older: 0 }
    let messages = 0
    let wanted = 0
    let lastInsertAt = 0
    const cpuBefore = cpuNow(live.server)
    const start = performance.now()
    requests.listing = await readListing(live, (page) => insertConversations(page.conversations))
    // Empty conversations ask for nothing: the core's catch-up skips the fill when the listing says there is no seq to fetch (change-feed.ts).
    const queue = live.order.filter((id) => live.target.has(id))
    const fill = async (id: string) => {
      const lowest = live.target.get(id) as number
      const store = (page: MessagePage) => {
        insertRaw(db, page.messages)
        lastInsertAt = performance.now()
        messages += page.messages.length
        for (const m of page.messages) if (m.seq >= lowest) wanted++
      }
      const base = `${live.server.url}/api/conversations/${id}/messages`
      const latest = await getJson<MessagePage>(`${base}?limit=${LATEST_PAGE}`, live.token)
      requests.latest++
      store(latest)
      // Down to the first unread, a page below what is stored at a time, as `fillDownToUnread` does.
      for (let from = latest.messages[0]?.seq ?? 0; from > lowest; ) {
        const older = await getJson<MessagePage>(`${base}?before=${from}&limit=${UNREAD_PAGE}`, live.token)
        requests.older++
        const first = older.messages[0]
        if (first === undefined) throw new Error(`bare first sign-in: nothing before ${from} in ${id}, the first sign-in caches from ${lowest}`)
        store(older)
        from = first.seq
      }
    }
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined; id = queue.shift()) await fill(id)
    }
    await Promise.all(Array.from({ length: FIRST_SYNC_FILLS }, worker))
    const cpu = cpuSince(live.server, cpuBefore)
    if (wanted !== live.firstSignInMessages) {
      throw new Error(`bare first sign-in: ${wanted} messages of ${live.ws.name}'s latest pages and unread inserted, the first sign-in caches ${live.firstSignInMessages}`)
    }
    const rows = (db.prepare('SELECT count(*) AS n FROM conversations').get() as { n: number }).n
    if (rows !== live.order.length) throw new Error(`bare first sign-in: ${rows} conversations inserted, ${live.ws.name} lists ${live.order.length}`)
    return { ms: round(lastInsertAt - start), requests, messages, firstSignInMessages: wanted, cpu }
  } finally {
    db.close()
    removeDatabase(path)
  }
}

const loadAverage = (): number => round(loadavg()[0] ?? 0, 2)
const fmt = (value: number, digits = 0): string => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const verdict = (ratio: number): string => `target ≤ ${TARGET}: ${ratio <= TARGET ? 'met' : 'NOT met'}`

async function main(): Promise<void> {
  const options = readHistoryOptions()
  if (options.smallMessages >= options.messages) throw new Error('--small-messages must be below --messages')
  if (options.controlMessages >= options.messages) throw new Error('--control-messages must be below --messages (0: no control)')
  const loadBefore = loadAverage()
  const workDir = makeWorkDir('parley-bench-history-')
  const lives: Live[] = []
  try {
    const setup = performance.now()
    const big = await prepareWorkspace(join(workDir, 'big'), 'big', options.messages, options, progress)
    const small = await prepareWorkspace(join(workDir, 'small'), 'small', options.smallMessages, options, progress)
    const control = options.controlMessages > 0 ? await prepareWorkspace(join(workDir, 'control'), 'control', options.controlMessages, options, progress) : null
    const setupMs = performance.now() - setup
    progress('starting a server on each workspace…')
    const bigLive = await startLive(big, join(workDir, 'big'), options.openRank)
    lives.push(bigLive)
    const smallLive = await startLive(small, join(workDir, 'small'), options.openRank)
    lives.push(smallLive)
    if (bigLive.openId !== smallLive.openId) throw new Error('the workspaces do not share their conversations')
    const controlLive = control === null ? null : await startLive(control, join(workDir, 'control'), options.openRank)
    if (controlLive !== null) lives.push(controlLive)

    const runs: { big: SignInRun[]; small: SignInRun[]; control: SignInRun[] } = { big: [], small: [], control: [] }
    const probes: { big: ServerProbe[]; small: ServerProbe[] } = { big: [], small: [] }
    const bare: BareRun[] = []
    const bareSignIns: { big: BareSignIn[]; small: BareSignIn[]; control: BareSignIn[] } = { big: [], small: [], control: [] }
    for (let r = 0; r < options.rounds; r++) {
      const order = r % 2 === 0 ? [smallLive, bigLive] : [bigLive, smallLive]
      // The control signs in between or after them, its place turning too.
      const signIns = controlLive === null ? order : r % 2 === 0 ? [order[0] as Live, controlLive, order[1] as Live] : [...order, controlLive]
      for (const live of order) {
        progress(`round ${r + 1}/${options.rounds}: ${live.ws.name}: the server alone (listing, ${live.order.length} latest pages)…`)
        probes[live.ws.name as 'big' | 'small'].push(await probeServer(live))
      }
      for (const live of signIns) {
        progress(`round ${r + 1}/${options.rounds}: ${live.ws.name}: the bare first sign-in (${fmt(live.firstSignInMessages)} messages, ${FIRST_SYNC_FILLS} conversations at once)…`)
        const result = await bareFirstSignIn(live, join(workDir, `bare-sign-in-${live.ws.name}-${r}.sqlite`))
        bareSignIns[live.ws.name].push(result)
        progress(`  bare first sign-in ${fmt(result.ms)} ms, ${fmt(result.messages)} messages inserted; CPU ${fmt(result.cpu.own)} ms, server ${fmt(result.cpu.server)} ms`)
      }
      for (const live of signIns) {
        const withBackfill = live === bigLive
        progress(`round ${r + 1}/${options.rounds}: ${live.ws.name}: a fresh core signs in${withBackfill ? ', then the backfill is timed' : ''}…`)
        const profile = withBackfill && r === options.rounds - 1 ? options.profile : ''
        const run = await signIn(live, workDir, options, withBackfill, profile)
        runs[live.ws.name].push(run)
        progress(
          `  list ${fmt(run.listMs)} ms, open scrollable ${fmt(run.openScrollableMs)} ms, every latest page ${fmt(run.latestMs)} ms` +
            (run.backfill ? `; backfill ${fmt(run.backfill.perSec)} msg/s over ${fmt(run.backfill.ms)} ms` : ''),
        )
        if (withBackfill) {
          progress(`round ${r + 1}/${options.rounds}: bare pipeline over the backfill's ${run.olderPages.length} pages…`)
          const result = await barePipeline(bigLive, run.olderPages, join(workDir, `bare-${r}.sqlite`))
          bare.push(result)
          progress(`  bare pipeline ${fmt(result.perSec)} msg/s over ${fmt(result.ms)} ms`)
        }
      }
    }

    const med = (which: 'big' | 'small', pick: (run: SignInRun) => number) => median(runs[which].map(pick))
    const milestone = (pick: (run: SignInRun) => number) => {
      const bigMs = med('big', pick)
      const smallMs = med('small', pick)
      return {
        bigMs: round(bigMs),
        smallMs: round(smallMs),
        ratio: round(bigMs / smallMs, 2),
        roundRatios: runs.big.map((run, i) => round(pick(run) / pick(runs.small[i] as SignInRun), 2)),
      }
    }
    const list = milestone((run) => run.listMs)
    const openListed = milestone((run) => run.openListedMs)
    const open = milestone((run) => run.openScrollableMs)
    const latest = milestone((run) => run.latestMs)
    const ready = milestone((run) => run.readyMs)
    const signedIn = milestone((run) => run.signedInMs)
    const probeMed = (which: 'big' | 'small', pick: (probe: ServerProbe) => number) => round(median(probes[which].map(pick)), 2)
    const probe = (which: 'big' | 'small') => ({
      listingMs: probeMed(which, (p) => p.listingMs),
      listingPages: probes[which][0]?.listingPages ?? 0,
      latestPagesMs: probeMed(which, (p) => p.latestPagesMs),
      latestPageP50Ms: probeMed(which, (p) => p.latestPage.p50Ms),
      latestPageP99Ms: probeMed(which, (p) => p.latestPage.p99Ms),
      serverCpuMs: probeMed(which, (p) => p.serverCpuMs),
    })
    const server = { big: probe('big'), small: probe('small') }
    const backfills = runs.big.map((run) => run.backfill as BackfillWindow)
    const backfillPerSec = median(backfills.map((b) => b.perSec))
    const barePerSec = median(bare.map((b) => b.perSec))
    const cpuMed = (which: 'big' | 'small') => ({ own: med(which, (run) => run.cpu.own), server: med(which, (run) => run.cpu.server) })
    const describe = (live: Live) => ({
      messages: live.ws.messages,
      conversations: live.ws.conversations.length,
      emptyConversations: live.ws.conversations.filter((c) => c.lastSeq === 0).length,
      busiest: Math.max(...live.ws.conversations.map((c) => c.lastSeq)),
      unread: live.ws.conversations.reduce((sum, c) => sum + c.lastSeq - c.readSeq, 0),
      firstSignInMessages: live.firstSignInMessages,
      open: { id: live.openId, messages: live.byId.get(live.openId)?.lastSeq ?? 0, listedAt: live.order.indexOf(live.openId) + 1 },
      seeded: { cached: live.ws.cached, seedSeconds: round(live.ws.seedMs / 1000), indexSeconds: round(live.ws.indexMs / 1000) },
    })
    const controlReady =
      controlLive === null
        ? null
        : {
            messages: controlLive.ws.messages,
            readyMs: round(median(runs.control.map((run) => run.readyMs))),
            cachedMessages: median(runs.control.map((run) => run.cachedMessages)),
            ratio: round(ready.bigMs / median(runs.control.map((run) => run.readyMs)), 2),
            roundRatios: runs.big.map((run, i) => round(run.readyMs / (runs.control[i] as SignInRun).readyMs, 2)),
          }
    // The bare first sign-in: medians per workspace, and Parley's ready over it (medians over medians).
    const bareMed = (which: 'big' | 'small' | 'control', pick: (run: BareSignIn) => number) => median(bareSignIns[which].map(pick))
    const bareBigMs = bareMed('big', (b) => b.ms)
    const bareSmallMs = bareMed('small', (b) => b.ms)
    const bareControlMs = controlReady === null ? null : bareMed('control', (b) => b.ms)
    const bareCpu = (which: 'big' | 'small' | 'control') => ({ own: bareMed(which, (b) => b.cpu.own), server: bareMed(which, (b) => b.cpu.server) })
    const bareFirst = {
      bigMs: round(bareBigMs),
      smallMs: round(bareSmallMs),
      controlMs: bareControlMs === null ? null : round(bareControlMs),
      ratio: round(bareBigMs / bareSmallMs, 2),
      controlRatio: bareControlMs === null ? null : round(bareBigMs / bareControlMs, 2),
      roundRatios: bareSignIns.big.map((b, i) => round(b.ms / (bareSignIns.small[i] as BareSignIn).ms, 2)),
      /** How much the app adds over the bare client: Parley's ready ÷ the bare first sign-in. */
      parleyOverBare: {
        big: round(ready.bigMs / bareBigMs, 2),
        small: round(ready.smallMs / bareSmallMs, 2),
        control: controlReady === null || bareControlMs === null ? null : round(controlReady.readyMs / bareControlMs, 2),
      },
      /** (Parley big ÷ small) ÷ (bare big ÷ small): how far Parley's ratio is above what the work itself makes it. */
      ratioOfRatios: round(ready.bigMs / ready.smallMs / (bareBigMs / bareSmallMs), 2),
      controlRatioOfRatios: controlReady === null || bareControlMs === null ? null : round(ready.bigMs / controlReady.readyMs / (bareBigMs / bareControlMs), 2),
      messages: {
        big: bareMed('big', (b) => b.messages),
        small: bareMed('small', (b) => b.messages),
        control: controlReady === null ? null : bareMed('control', (b) => b.messages),
      },
      // The same every round: the requests follow from the workspace.
      requests: {
        big: (bareSignIns.big[0] as BareSignIn).requests,
        small: (bareSignIns.small[0] as BareSignIn).requests,
        control: bareSignIns.control[0]?.requests ?? null,
      },
      cpuMs: { big: bareCpu('big'), small: bareCpu('small'), control: controlReady === null ? null : bareCpu('control') },
      rounds: (['big', 'small', 'control'] as const).flatMap((workspace) => bareSignIns[workspace].map((b) => ({ workspace, ...b }))),
    }
    const results = {
      machine: machine(),
      loadAverage: { before: loadBefore, after: loadAverage() },
      options,
      setupSeconds: round(setupMs / 1000),
      workspaces: { big: describe(bigLive), small: describe(smallLive) },
      firstSignIn: {
        target: TARGET,
        met: ready.ratio <= TARGET,
        ready,
        /** Big ÷ a workspace whose latest pages are as full: the same work over less history (null: no control). */
        control: controlReady,
        /** The bare first sign-in, the same run (`bareFirstSignIn`): what the work itself costs, big against small and control. */
        bare: bareFirst,
        list,
        openListed,
        openScrollable: open,
        latest,
        signedIn,
        cachedMessages: { big: med('big', (run) => run.cachedMessages), small: med('small', (run) => run.cachedMessages) },
        cpuMs: { big: cpuMed('big'), small: cpuMed('small') },
        stallMaxMs: { big: med('big', (run) => run.stallMaxMs), small: med('small', (run) => run.stallMaxMs) },
        runs: [...runs.big, ...runs.small, ...runs.control].map(({ olderPages: _pages, ...run }) => run),
      },
      server: {
        ...server,
        listingRatio: round(server.big.listingMs / server.small.listingMs, 2),
        latestPagesRatio: round(server.big.latestPagesMs / server.small.latestPagesMs, 2),
      },
      backfill: {
        messagesPerSec: backfillPerSec,
        barePipelinePerSec: barePerSec,
        ratio: round(backfillPerSec / barePerSec, 2),
        rounds: backfills.map((b, i) => ({ ...b, bare: bare[i] })),
      },
    }

    const rounds = options.rounds
    const ms = (values: number[]) => values.map((v) => fmt(v)).join(', ')
    const row = (label: string, m: ReturnType<typeof milestone>, pick: (run: SignInRun) => number, target: boolean) => [
      label,
      fmt(m.bigMs),
      fmt(m.smallMs),
      `${m.ratio.toFixed(2)} (${m.roundRatios.map((v) => v.toFixed(2)).join(', ')})`,
      target ? verdict(m.ratio) : '',
      `${ms(runs.big.map(pick))} / ${ms(runs.small.map(pick))}`,
    ]
    const b = results.workspaces.big
    const s = results.workspaces.small
    // The bare first sign-in's table: a control column and a big ÷ control column when there is a control.
    const withControl = controlReady !== null
    const bareRow = (label: string, big: string, small: string, control: string, ratio: string, controlRatio: string) =>
      withControl ? [label, big, small, control, ratio, controlRatio] : [label, big, small, ratio]
    const ratioText = (value: number | null) => (value === null ? '' : value.toFixed(2))
    const requestsText = (requests: BareSignIn['requests'] | null | undefined) =>
      requests == null ? '' : `${fmt(requests.listing)} + ${fmt(requests.latest)} + ${fmt(requests.older)}`
    const report = [
      `Parley first sign-in benchmark — ${results.machine.cores} cores (${results.machine.cpu}), Node ${results.machine.node}, load average ${loadBefore} → ${results.loadAverage.after}`,
      '',
      `First sign-in, fresh core and empty cache: ${fmt(b.messages)} messages against ${fmt(s.messages)} over the same ${fmt(b.conversations)} conversations ` +
        `(the busiest: ${fmt(b.busiest)} / ${fmt(s.busiest)} messages; open: rank ${options.openRank}, ${fmt(b.open.messages)} / ${fmt(s.open.messages)} messages, ` +
        `listed ${b.open.listedAt}th); medians of ${rounds} rounds, alternating`,
      formatTable(
        ['from creating the core to', 'big (ms)', 'small (ms)', 'big ÷ small (rounds)', 'target', 'rounds big / small (ms)'],
        [
          row('ready: all three below', ready, (run) => run.readyMs, true),
          row('the conversation list cached', list, (run) => run.listMs, true),
          row('the open conversation scrollable', open, (run) => run.openScrollableMs, true),
          row('the latest page of every conversation cached', latest, (run) => run.latestMs, true),
          row('(signed in: login returned)', signedIn, (run) => run.signedInMs, false),
          row('(the open conversation listed, opened)', openListed, (run) => run.openListedMs, false),
        ],
        { indent: 2 },
      ),
      `  messages cached at "latest" (every latest page of ${LATEST_PAGE} and every unread one): ${fmt(results.firstSignIn.cachedMessages.big)} / ${fmt(results.firstSignIn.cachedMessages.small)}`,
      `  CPU to ready (medians): core ${fmt(results.firstSignIn.cpuMs.big.own)} / ${fmt(results.firstSignIn.cpuMs.small.own)} ms, server ${fmt(results.firstSignIn.cpuMs.big.server)} / ${fmt(results.firstSignIn.cpuMs.small.server)} ms (big / small)`,
      `  longest main-thread stall to ready: ${fmt(results.firstSignIn.stallMaxMs.big, 1)} / ${fmt(results.firstSignIn.stallMaxMs.small, 1)} ms`,
      `  ready, big ÷ small: ${ready.ratio.toFixed(2)} (${verdict(ready.ratio)})`,
      ...(controlReady === null
        ? []
        : [
            `  ready, big ÷ control (${fmt(controlReady.messages)} messages, ${fmt(controlReady.cachedMessages)} cached at "latest" against ${fmt(results.firstSignIn.cachedMessages.big)}: ` +
              `the same work over less history): ${controlReady.ratio.toFixed(2)} (rounds ${controlReady.roundRatios.map((v) => v.toFixed(2)).join(', ')}; ${verdict(controlReady.ratio)}); control ready ${fmt(controlReady.readyMs)} ms`,
          ]),
      '',
      `The bare first sign-in, the same run: the listing page by page, then each conversation's latest page (${LATEST_PAGE}) and older pages (${UNREAD_PAGE}) down to its first unread, ` +
        `${FIRST_SYNC_FILLS} conversations at once as the core's first sync — fetch + JSON.parse + INSERT into bare tables, a transaction per page; no login, no cache logic ` +
        `(medians of ${rounds}, alternating)`,
      formatTable(
        ['', 'big', 'small', ...(withControl ? ['control'] : []), 'big ÷ small', ...(withControl ? ['big ÷ control'] : [])],
        [
          bareRow(
            'bare first sign-in (ms)',
            fmt(bareFirst.bigMs),
            fmt(bareFirst.smallMs),
            fmt(bareFirst.controlMs ?? 0),
            ratioText(bareFirst.ratio),
            ratioText(bareFirst.controlRatio),
          ),
          bareRow('Parley ready (ms)', fmt(ready.bigMs), fmt(ready.smallMs), fmt(controlReady?.readyMs ?? 0), ratioText(ready.ratio), ratioText(controlReady?.ratio ?? null)),
          // Its ratio columns are the ratio of ratios: (Parley big ÷ bare big) ÷ (Parley small ÷ bare small) = (Parley big ÷ small) ÷ (bare big ÷ small).
          bareRow(
            'Parley ready ÷ bare (ratio of ratios)',
            ratioText(bareFirst.parleyOverBare.big),
            ratioText(bareFirst.parleyOverBare.small),
            ratioText(bareFirst.parleyOverBare.control),
            ratioText(bareFirst.ratioOfRatios),
            ratioText(bareFirst.controlRatioOfRatios),
          ),
          bareRow(
            'messages inserted (the core cached at "latest")',
            `${fmt(bareFirst.messages.big)} (${fmt(results.firstSignIn.cachedMessages.big)})`,
            `${fmt(bareFirst.messages.small)} (${fmt(results.firstSignIn.cachedMessages.small)})`,
            `${fmt(bareFirst.messages.control ?? 0)} (${fmt(controlReady?.cachedMessages ?? 0)})`,
            ratioText(bareFirst.messages.big / bareFirst.messages.small),
            ratioText(bareFirst.messages.control === null ? null : bareFirst.messages.big / bareFirst.messages.control),
          ),
          bareRow(
            'requests: listing + latest + older pages',
            requestsText(bareFirst.requests.big),
            requestsText(bareFirst.requests.small),
            requestsText(bareFirst.requests.control),
            '',
            '',
          ),
          bareRow(
            'CPU: bare client / server (ms)',
            `${fmt(bareFirst.cpuMs.big.own)} / ${fmt(bareFirst.cpuMs.big.server)}`,
            `${fmt(bareFirst.cpuMs.small.own)} / ${fmt(bareFirst.cpuMs.small.server)}`,
            bareFirst.cpuMs.control === null ? '' : `${fmt(bareFirst.cpuMs.control.own)} / ${fmt(bareFirst.cpuMs.control.server)}`,
            `${(bareFirst.cpuMs.big.own / bareFirst.cpuMs.small.own).toFixed(2)} / ${(bareFirst.cpuMs.big.server / bareFirst.cpuMs.small.server).toFixed(2)}`,
            bareFirst.cpuMs.control === null
              ? ''
              : `${(bareFirst.cpuMs.big.own / bareFirst.cpuMs.control.own).toFixed(2)} / ${(bareFirst.cpuMs.big.server / bareFirst.cpuMs.control.server).toFixed(2)}`,
          ),
          bareRow(
            'bare first sign-in, rounds (ms)',
            ms(bareSignIns.big.map((w) => w.ms)),
            ms(bareSignIns.small.map((w) => w.ms)),
            ms(bareSignIns.control.map((w) => w.ms)),
            bareFirst.roundRatios.map((v) => v.toFixed(2)).join(', '),
            bareSignIns.control.map((w, i) => ((bareSignIns.big[i] as BareSignIn).ms / w.ms).toFixed(2)).join(', '),
          ),
        ],
        { indent: 2 },
      ),
      `  Parley's ready, big ÷ small, over the bare client's: ${ready.ratio.toFixed(2)} ÷ ${bareFirst.ratio.toFixed(2)} = ${bareFirst.ratioOfRatios.toFixed(2)}` +
        (bareFirst.controlRatioOfRatios === null || controlReady === null
          ? ''
          : `; big ÷ control: ${controlReady.ratio.toFixed(2)} ÷ ${(bareFirst.controlRatio as number).toFixed(2)} = ${bareFirst.controlRatioOfRatios.toFixed(2)}`) +
        ` (the bare client's big ÷ small is what the work itself makes that ratio on this machine)`,
      '',
      `The server alone, the same requests one at a time (fetch + JSON.parse; medians of ${rounds})`,
      formatTable(
        ['', 'big', 'small', 'big ÷ small'],
        [
          [`the listing, ${server.big.listingPages} pages (ms)`, fmt(server.big.listingMs, 1), fmt(server.small.listingMs, 1), results.server.listingRatio.toFixed(2)],
          [`${fmt(b.conversations)} latest pages of ${LATEST_PAGE} (ms)`, fmt(server.big.latestPagesMs), fmt(server.small.latestPagesMs), results.server.latestPagesRatio.toFixed(2)],
          ['one latest page p50 / p99 (ms)', `${server.big.latestPageP50Ms} / ${server.big.latestPageP99Ms}`, `${server.small.latestPageP50Ms} / ${server.small.latestPageP99Ms}`, (server.big.latestPageP50Ms / server.small.latestPageP50Ms).toFixed(2)],
          ['server CPU for both (ms)', fmt(server.big.serverCpuMs), fmt(server.small.serverCpuMs), (server.big.serverCpuMs / server.small.serverCpuMs).toFixed(2)],
        ],
        { indent: 2 },
      ),
      '',
      `Background backfill in the big workspace (history budget: all), from its first page over ${fmt(options.backfillMs)} ms or ${fmt(options.backfillMessages)} messages, ` +
        `against the bare pipeline over the same pages (one request at a time, fetch + JSON.parse + INSERT, a transaction per page)`,
      formatTable(
        ['', 'messages/s (median)', 'rounds', 'pages, messages, ms (rounds)', 'CPU core / server (ms, rounds)'],
        [
          [
            'backfill (history.ts)',
            fmt(backfillPerSec),
            backfills.map((w) => fmt(w.perSec)).join(', '),
            backfills.map((w) => `${w.pages}, ${fmt(w.messages)}, ${fmt(w.ms)} (${w.ended})`).join('; '),
            backfills.map((w) => `${fmt(w.cpu.own)} / ${fmt(w.cpu.server)}`).join('; '),
          ],
          [
            'bare pipeline',
            fmt(barePerSec),
            bare.map((w) => fmt(w.perSec)).join(', '),
            bare.map((w) => `${w.pages}, ${fmt(w.messages)}, ${fmt(w.ms)}`).join('; '),
            bare.map((w) => `${fmt(w.cpu.own)} / ${fmt(w.cpu.server)}`).join('; '),
          ],
        ],
        { indent: 2 },
      ),
      `  backfill ÷ bare pipeline: ${results.backfill.ratio.toFixed(2)} (rounds: ${backfills.map((w, i) => (w.perSec / (bare[i] as BareRun).perSec).toFixed(2)).join(', ')}); ` +
        `first backfill page ${backfills.map((w) => fmt(w.firstPageMs)).join(', ')} ms after creating the core`,
    ].join('\n')
    publishResults('history', report, results, options.resultsDir)
  } finally {
    for (const live of lives) await live.server.stop()
    removeWorkDir(workDir)
  }
}

process.once('exit', cleanUpNow)
runBenchmark(main)
