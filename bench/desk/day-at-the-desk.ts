/**
 * "A day at the desk" (issue 21): the app left open while messages keep
 * coming. The real core (in a Node process of its own, core-process.ts) and
 * the built renderer (in Chromium), wired as the e2e harness wires them
 * (dispatchCall for calls, the preload's bridge code for events), against a
 * real server.
 *
 * Before the day (seed.ts, through the server's Store): alice with
 * `conversations` conversations (two in three direct), each with a short
 * history, and the newest one with `history` messages (the one the user
 * scrolls back through).
 * Start-up: alice signs in through the UI, the list is painted and the first
 * of the `switchAmong` conversations is open; the baseline is taken then.
 * The day: writers send `messages` messages over the conversations at a
 * steady `rate` per second; meanwhile the user opens one of the
 * `switchAmong` conversations every `switchEveryMs`, and once (a third into
 * the day) scrolls back through the whole history of the big one. The end:
 * every message has reached the core, the same conversation as at start-up
 * is open; measured again.
 *
 * Figures (end against start-up, same run): the renderer's JS heap after GC
 * (CDP HeapProfiler.collectGarbage + Runtime.getHeapUsage), the DOM's node
 * and listener counts (Memory.getDOMCounters), and the core process's
 * heapUsed after gc() and RSS (that process holds the core alone). Beside
 * them, this process's RSS: the writers and Playwright's client, not the
 * core.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type Browser, type BrowserContext, type CDPSession, type Page } from '@playwright/test'
import { collector } from '../gc'
import type { AuthResponse, Message, User } from '../../src/shared/api'
import type { IpcResults } from '../../src/shared/ipc'
import { bundleHarnessBridge } from '../../e2e/fixtures/bundle'
import { wireHarnessPageTo } from '../../e2e/fixtures/harness-app'
import { CHROMIUM_ARGS, chromiumPath, RENDERER_DIR } from '../../e2e/fixtures/paths'
import { serveDirectory } from '../../e2e/fixtures/static-server'
import { callApi, listConversations } from '../../test/helpers/messenger'
import { seededRandom, shuffled } from '../../test/kit/random'
import type { ServerProcess } from '../../test/kit/server-process'
import { messageBody } from '../core/bodies'
import type { ScenarioTable } from '../core/scenario'
import { startCoreProcess, type CoreMemory, type CoreProcess } from './core-process'
import type { DeskScenario } from './scenario'
import { PASSWORD, Seeder } from './seed'
import { startSeededServer } from './server'

export interface DayOptions {
  /** Messages that arrive during the day. */
  messages: number
  /** Conversations they arrive in. */
  conversations: number
  /** Conversations the user switches among (the first few of `conversations`). */
  switchAmong: number
  /** Messages already in the conversation the user scrolls back through. */
  history: number
  /** Messages per second arriving. */
  rate: number
  /** The user opens another conversation this often. */
  switchEveryMs: number
  /** Messages each other conversation holds before the day. */
  shortHistory: number
  seed: number
  /**
   * Take a heap snapshot of the renderer at start-up and at the end, and report what grew (slow on a large
   * heap). Parsing the snapshots raises this process's RSS (2.5× instead of 1.2× in one run), not the core process's.
   */
  census: boolean
  /** After the end's sample, the core is sampled again once it has been idle this long (the user away: V8 may give back what it reserved). */
  idleMs: number
  /** V8 flags for the core's process (none by default: as Electron's main process runs). */
  coreV8Flags?: readonly string[]
  /** Run the heap trimmer beside the core, as the shell does (src/main/heap-trimmer.ts); off: what V8 alone keeps. */
  heapTrim: boolean
}

export const DAY_FULL: DayOptions = {
  messages: 50_000,
  conversations: 300,
  switchAmong: 20,
  history: 20_000,
  rate: 250,
  switchEveryMs: 1_500,
  shortHistory: 60,
  seed: 20_261_206,
  census: false,
  idleMs: 15_000,
  heapTrim: true,
}

/** bench:smoke's size: seconds. */
export const DAY_SMOKE: DayOptions = { ...DAY_FULL, messages: 400, conversations: 12, switchAmong: 4, history: 600, rate: 200, switchEveryMs: 300, shortHistory: 30, idleMs: 1_000 }

export interface MemorySample {
  rendererHeapBytes: number
  domNodes: number
  jsEventListeners: number
  /** The core process's memory after its gc(): heap used, RSS, and what the RSS is made of. */
  core: CoreMemory
  /** This process's: the writers and Playwright's client. */
  benchRssBytes: number
  /** Messages the renderer's store holds (all conversations), as the page counts rendered rows: see `heldMessages`. */
  renderedMessageRows: number
}

export interface DayResult {
  options: DayOptions
  start: MemorySample
  end: MemorySample
  rendererHeapRatio: number
  /** The renderer's heap after GC once the scroll-back is done (a third into the day, back on the first conversation): what the rest of the day adds. */
  midRendererHeapBytes: number
  rendererHeapEndVsMid: number
  coreRssRatio: number
  /** The core's memory after `idleMs` more of nothing happening, and its RSS against start-up's. */
  coreIdle: CoreMemory
  coreRssIdleRatio: number
  coreHeapRatio: number
  benchRssRatio: number
  domNodesRatio: number
  /** Messages per second as sent (the target is `rate`). */
  sentPerSec: number
  /** From the day's last message sent to the end's sample (the core catching up, the user back on the first conversation). */
  endAfterLastSendMs: number
  switches: number
  /** Pages the scroll-back loaded until the first message showed. */
  scrollBackSteps: number
  scrollBackMs: number
  dayMs: number
  /** With `census`: the renderer heap's largest growth by constructor, end against start-up. */
  heapGrowth: { name: string; count: number; bytes: number }[] | null
  targets: { rendererHeapRatio: number; coreRssRatio: number }
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

interface DeskConversation {
  id: string
  /** What the quick switcher finds it by: the group's title or the other person's name. */
  name: string
  /** A member other than alice, who writes in it during the day. */
  writer: string
  /** Its latest seq before the day. */
  lastSeq: number
}

interface World {
  server: ServerProcess
  alice: { username: string; id: string }
  /** Newest activity first (the list's order); the first is the big one. */
  conversations: DeskConversation[]
  /** The writers, by id. */
  people: Map<string, User>
  seedMs: number
}

async function prepareWorld(options: DayOptions, workDir: string): Promise<World> {
  const sizes = [options.history, ...Array.from({ length: options.conversations - 1 }, () => options.shortHistory)]
  const { server, seeded, seedMs } = await startSeededServer(workDir, async (store) => (await Seeder.open(store, options.seed)).account('alice', sizes))
  const alice = await login(server, 'alice')
  const conversations = (await listConversations(server.url, alice.token)).map((conversation): DeskConversation => {
    const writer = conversation.memberIds.find((id) => id !== alice.user.id) as string
    return { id: conversation.id, name: conversation.title ?? '', writer, lastSeq: conversation.lastSeq }
  })
  const people = new Map<string, User>()
  const ids = [...new Set(conversations.map((conversation) => conversation.writer))]
  for (let from = 0; from < ids.length; from += 100) {
    const users = await callApi<User[]>(server.url, 'GET', `/api/users?ids=${ids.slice(from, from + 100).join(',')}`, { token: alice.token })
    if (users.status !== 200) throw new Error(`GET /api/users: ${users.status} ${JSON.stringify(users.body)}`)
    for (const user of users.body) people.set(user.id, user)
  }
  // Direct conversations go by the other person's name.
  for (const conversation of conversations) if (conversation.name === '') conversation.name = people.get(conversation.writer)?.displayName ?? ''
  const order = new Map(seeded.conversations.map((conversation, i) => [conversation.id, i]))
  conversations.sort((a, b) => (order.get(a.id) ?? 0) - (order.get(b.id) ?? 0))
  return { server, alice: { username: 'alice', id: alice.user.id }, conversations, people, seedMs }
}

async function login(server: ServerProcess, username: string): Promise<AuthResponse> {
  const response = await callApi<AuthResponse>(server.url, 'POST', '/api/auth/login', { body: { username, password: PASSWORD } })
  if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`)
  return response.body
}

/** Writers' tokens, by user id, signed in on first use. */
class Writers {
  private readonly tokens = new Map<string, Promise<string>>()

  constructor(private readonly world: World) {}

  token(userId: string): Promise<string> {
    let token = this.tokens.get(userId)
    if (token === undefined) {
      const username = this.world.people.get(userId)?.username
      if (username === undefined) throw new Error(`no writer ${userId}`)
      token = login(this.world.server, username).then((auth) => auth.token)
      this.tokens.set(userId, token)
    }
    return token
  }
}

async function post(world: World, writers: Writers, conversation: DeskConversation, clientId: string, body: string): Promise<Message> {
  const sent = await callApi<Message>(world.server.url, 'POST', `/api/conversations/${conversation.id}/messages`, {
    token: await writers.token(conversation.writer),
    body: { clientId, body },
  })
  if (sent.status !== 201) throw new Error(`send: ${sent.status} ${JSON.stringify(sent.body)}`)
  return sent.body
}

interface Desk {
  core: CoreProcess
  page: Page
  context: BrowserContext
  cdp: CDPSession
  close(): Promise<void>
}

/** The e2e harness's wiring (e2e/fixtures/harness-app.ts) to a core in its own process, kept at hand for the bench. */
async function openDesk(world: World, browser: Browser, rendererUrl: string, workDir: string, heapTrim: boolean, coreV8Flags: readonly string[] = []): Promise<Desk> {
  const core = await startCoreProcess(
    {
      userDataDir: mkdtempSync(join(workDir, 'alice-')),
      defaultServerUrl: world.server.url,
      appInfo: { name: 'Parley', version: 'bench', platform: process.platform, locale: 'en-US', tokenStorage: 'keyring' },
      heapTrim,
    },
    coreV8Flags,
  )
  const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1100, height: 720 } })
  const page = await context.newPage()
  const { unwire } = await wireHarnessPageTo(page, core, rendererUrl)
  page.on('pageerror', (err) => console.error(`[renderer] ${err.stack ?? err.message}`))
  await page.goto(rendererUrl)
  const cdp = await context.newCDPSession(page)
  return {
    core,
    page,
    context,
    cdp,
    async close() {
      unwire()
      await context.close()
      await core.dispose()
    },
  }
}

async function signIn(desk: Desk, username: string): Promise<void> {
  const form = desk.page.getByTestId('sign-in-form')
  await form.waitFor()
  await form.locator('input[name=username]').fill(username)
  await form.locator('input[name=password]').fill(PASSWORD)
  await form.locator('button[type=submit]').click()
  await desk.page.getByTestId('new-conversation').waitFor()
}

/**
 * Open a conversation: a click on its row, or the quick switcher when the row
 * is not in the DOM (a virtualized list). The click is the element's own
 * (the same handlers): rows keep moving as messages arrive, so Playwright's
 * wait for a stable element would not end — and the switcher's options
 * reorder as activity arrives, so a click at the option's place could land on
 * another conversation. A row counted may also be gone (scrolled out of the
 * list's DOM by new activity) by the time it is clicked: then again, up to
 * three times.
 */
async function openConversation(desk: Desk, conversation: DeskConversation): Promise<void> {
  const { page } = desk
  const item = page.locator(`[data-testid=conversation-item][data-conversation-id="${conversation.id}"]`)
  const opened = page.locator(`[data-testid=conversation][data-conversation-id="${conversation.id}"]`)
  const click = (element: HTMLElement) => element.click()
  for (let attempt = 1; ; attempt++) {
    try {
      if ((await item.count()) > 0) await item.evaluate(click, undefined, { timeout: 2_000 })
      else {
        if (!(await page.getByTestId('switcher-input').isVisible())) await page.keyboard.press('Control+k')
        await page.getByTestId('switcher-input').fill(conversation.name)
        await page.locator(`[data-testid=switcher-option][data-conversation-id="${conversation.id}"]`).evaluate(click, undefined, { timeout: 10_000 })
      }
      await opened.waitFor({ timeout: 10_000 })
      break
    } catch (err) {
      if (attempt === 3) throw err
    }
  }
  await page.getByTestId('message-list').waitFor()
}

/** Scroll the open list up until the message with seq 1 is rendered; returns how often the oldest row shown moved back. */
async function scrollBackToFirst(desk: Desk, timeoutMs: number, log: (line: string) => void): Promise<number> {
  const { page } = desk
  const deadline = Date.now() + timeoutMs
  let reported = Date.now()
  let steps = 0
  let lowest = Number.POSITIVE_INFINITY
  while (Date.now() < deadline) {
    const seen = await page.evaluate(() => {
      // As a person scrolls (a flick of the wheel), as e2e/specs/long-history.spec.ts does.
      document.querySelector('[data-testid=message-list] .message-list__scroller')?.scrollBy(0, -4_000)
      const seqs = [...document.querySelectorAll<HTMLElement>('[data-testid=message][data-seq], [data-testid=system-message][data-seq]')].map((row) => Number(row.dataset.seq))
      return seqs.length === 0 ? Number.POSITIVE_INFINITY : Math.min(...seqs)
    })
    if (seen <= 1) return steps
    if (seen < lowest) {
      lowest = seen
      steps++
    }
    if (Date.now() - reported > 15_000) {
      reported = Date.now()
      log(`    … scrolling back: seq ${lowest} shown`)
    }
    await sleep(25)
  }
  throw new Error(`scroll-back: the first message was not reached within ${timeoutMs} ms (lowest seq shown: ${lowest})`)
}

/**
 * The renderer's JS heap after GC — and, with `gc`, this process's garbage collected alongside (for its RSS
 * beside the core's). Twice, then once more a moment later: the first collection's finalizers free more for the next.
 */
async function rendererHeap(desk: Desk, gc: (() => void) | null = null): Promise<number> {
  for (let n = 0; n < 2; n++) {
    await desk.cdp.send('HeapProfiler.collectGarbage')
    gc?.()
  }
  await sleep(200)
  await desk.cdp.send('HeapProfiler.collectGarbage')
  gc?.()
  return (await desk.cdp.send('Runtime.getHeapUsage')).usedSize
}

async function sample(desk: Desk): Promise<MemorySample> {
  const rendererHeapBytes = await rendererHeap(desk, collector())
  const dom = await desk.cdp.send('Memory.getDOMCounters')
  const rows = await desk.page.evaluate(() => document.querySelectorAll('[data-testid=message]').length)
  const core = await desk.core.memory()
  return {
    rendererHeapBytes,
    domNodes: dom.nodes,
    jsEventListeners: dom.jsEventListeners,
    core,
    benchRssBytes: process.memoryUsage().rss,
    renderedMessageRows: rows,
  }
}

/** What the renderer's heap holds: objects by constructor, closures by function name, the rest by node type (arrays, strings, code, hidden…); count and self size. */
export type HeapCensus = Record<string, { count: number; bytes: number }>

interface SnapshotJson {
  snapshot: { meta: { node_fields: string[]; node_types: [string[]] } }
  nodes: number[]
  strings: string[]
}

/** A CDP heap snapshot, counted by name (after a GC: the snapshot collects first). */
async function heapCensus(cdp: CDPSession): Promise<HeapCensus> {
  const chunks: string[] = []
  const onChunk = ({ chunk }: { chunk: string }) => void chunks.push(chunk)
  cdp.on('HeapProfiler.addHeapSnapshotChunk', onChunk)
  try {
    await cdp.send('HeapProfiler.takeHeapSnapshot', { reportProgress: false, captureNumericValue: false })
  } finally {
    cdp.off('HeapProfiler.addHeapSnapshotChunk', onChunk)
  }
  const snapshot = JSON.parse(chunks.join('')) as SnapshotJson
  const fields = snapshot.snapshot.meta.node_fields
  const types = snapshot.snapshot.meta.node_types[0]
  const [typeAt, nameAt, sizeAt] = [fields.indexOf('type'), fields.indexOf('name'), fields.indexOf('self_size')]
  const census: HeapCensus = {}
  for (let i = 0; i < snapshot.nodes.length; i += fields.length) {
    const type = types[snapshot.nodes[i + typeAt] as number] ?? 'unknown'
    // Objects and closures by constructor or function name; everything else (arrays, strings, compiled code, V8's hidden objects…) by its type.
    const name = type === 'object' || type === 'closure' ? `${type === 'closure' ? 'ƒ ' : ''}${snapshot.strings[snapshot.nodes[i + nameAt] as number]}` : `(${type})`
    const entry = (census[name] ??= { count: 0, bytes: 0 })
    entry.count++
    entry.bytes += snapshot.nodes[i + sizeAt] as number
  }
  return census
}

/** The names that grew most between two censuses, by bytes. */
export function censusGrowth(start: HeapCensus, end: HeapCensus, top = 12): { name: string; count: number; bytes: number }[] {
  return Object.entries(end)
    .map(([name, { count, bytes }]) => ({ name, count: count - (start[name]?.count ?? 0), bytes: bytes - (start[name]?.bytes ?? 0) }))
    .sort((a, b) => b.bytes - a.bytes)
    .slice(0, top)
}

/** Until the core holds every message sent (each conversation's lastSeq), polling. */
async function coreHasAll(core: CoreProcess, lastSeqs: Map<string, number>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const listed = await core.dispatch('listConversations', undefined)
    if (!listed.ok) throw new Error(`listConversations: ${listed.error.code}: ${listed.error.message}`)
    const conversations = listed.value as IpcResults['listConversations']
    const behind = conversations.filter((conversation) => conversation.lastSeq < (lastSeqs.get(conversation.id) ?? 0)).length
    if (behind === 0) return
    if (Date.now() > deadline) throw new Error(`the core is behind in ${behind} conversations after ${timeoutMs} ms`)
    await sleep(250)
  }
}

export interface DayEnvironment {
  /** A scratch directory, removed by the caller. */
  workDir: string
  /** bench:desk's browser and served renderer; without them, the day launches Chromium and serves `rendererDir`. */
  browser?: Browser
  rendererUrl?: string
  /** Another build of the renderer (a before/after comparison): default out/renderer. */
  rendererDir?: string
  log?: (line: string) => void
}

/** One day at the desk. */
export async function dayAtTheDesk(options: DayOptions, env: DayEnvironment): Promise<DayResult> {
  const { workDir, rendererDir = RENDERER_DIR, log = console.error } = env
  const random = seededRandom(options.seed)
  log(`day at the desk: ${options.conversations} conversations, ${options.history} messages of history…`)
  const world = await prepareWorld(options, workDir)
  log(`  seeded in ${(world.seedMs / 1000).toFixed(1)} s`)
  const writers = new Writers(world)
  const big = world.conversations[0] as DeskConversation
  const switching = world.conversations.slice(0, Math.min(options.switchAmong, world.conversations.length))
  // The user starts (and ends) in an ordinary conversation; the big one is among those switched to.
  const home = switching[1] ?? big
  const lastSeqs = new Map<string, number>(world.conversations.map((conversation) => [conversation.id, conversation.lastSeq]))
  let ownBrowser: Browser | null = null
  let served: { url: string; close(): Promise<void> } | null = null
  let desk: Desk | null = null
  try {
    // Every writer signed in before the day, so the day's pace is the sends' alone.
    await Promise.all(world.conversations.map((conversation) => writers.token(conversation.writer)))

    let rendererUrl = env.rendererUrl
    if (rendererUrl === undefined) {
      await bundleHarnessBridge()
      served = await serveDirectory(rendererDir)
      rendererUrl = served.url
    }
    let browser = env.browser
    if (browser === undefined) {
      const executablePath = chromiumPath()
      browser = ownBrowser = await chromium.launch({ ...(executablePath ? { executablePath } : {}), args: CHROMIUM_ARGS })
    }
    desk = await openDesk(world, browser, rendererUrl, workDir, options.heapTrim, options.coreV8Flags)
    await signIn(desk, world.alice.username)
    // She is at her desk, looking at the window: it follows what arrives and marks it read. (Unfocused, the
    // open conversation would keep its place at the first message that arrived unseen: MessageList.)
    await desk.core.windowFocusChanged(true)
    await desk.page.locator('[data-testid=conversation-item]').nth(world.conversations.length - 1).waitFor({ timeout: 60_000 }).catch(() => undefined)
    await coreHasAll(desk.core, lastSeqs, 120_000)
    await openConversation(desk, home)
    await sleep(1_000)
    const start = await sample(desk)
    const startCensus = options.census ? await heapCensus(desk.cdp) : null
    log(
      `  start-up: renderer heap ${mib(start.rendererHeapBytes)}, DOM ${start.domNodes} nodes, core (pid ${desk.core.pid}) heap ${mib(start.core.heapUsed)}, RSS ${mib(start.core.rss)}; bench process RSS ${mib(start.benchRssBytes)}`,
    )

    // The day: writers at a steady rate, the user switching, one scroll-back.
    const dayStarted = performance.now()
    const durationMs = (options.messages / options.rate) * 1000
    let sent = 0
    let writing = true
    let lastSendAt = Number.NaN
    const writersDone = (async () => {
      const concurrency = 8
      let next = 0
      await Promise.all(
        Array.from({ length: concurrency }, async () => {
          for (let n = next++; n < options.messages; n = next++) {
            // Steady: message n goes out at n / rate seconds into the day.
            const due = dayStarted + (n / options.rate) * 1000
            const wait = due - performance.now()
            if (wait > 0) await sleep(wait)
            const conversation = world.conversations[Math.floor(random() * world.conversations.length)] as DeskConversation
            const message = await post(world, writers, conversation, `day-${n}`, messageBody(random))
            lastSeqs.set(conversation.id, Math.max(lastSeqs.get(conversation.id) ?? 0, message.seq))
            sent++
          }
        }),
      )
      writing = false
      lastSendAt = performance.now()
    })()
    let switches = 0
    let scrollBackSteps = 0
    let scrollBackMs = 0
    let scrolledBack = false
    let midRendererHeapBytes = Number.NaN
    const order = shuffled(random, switching)
    try {
      while (writing) {
        const elapsed = performance.now() - dayStarted
        if (!scrolledBack && elapsed > durationMs / 3) {
          scrolledBack = true
          await openConversation(desk, big)
          const scrollStarted = performance.now()
          scrollBackSteps = await scrollBackToFirst(desk, 600_000, log)
          scrollBackMs = performance.now() - scrollStarted
          log(`  scrolled back through ${options.history} messages in ${(scrollBackMs / 1000).toFixed(1)} s (${scrollBackSteps} steps)`)
          await openConversation(desk, home)
          await sleep(1_000)
          midRendererHeapBytes = await rendererHeap(desk)
          log(`  renderer heap after the scroll-back, back on the first conversation: ${mib(midRendererHeapBytes)}`)
          continue
        }
        await openConversation(desk, order[switches % order.length] as DeskConversation)
        switches++
        await sleep(options.switchEveryMs)
      }
    } finally {
      await writersDone
    }
    if (!scrolledBack) {
      await openConversation(desk, big)
      scrollBackSteps = await scrollBackToFirst(desk, 600_000, log)
      await openConversation(desk, home)
      await sleep(1_000)
      midRendererHeapBytes = await rendererHeap(desk)
    }
    const dayMs = performance.now() - dayStarted
    await coreHasAll(desk.core, lastSeqs, 300_000)
    // Back where start-up left the user.
    await openConversation(desk, home)
    await sleep(1_000)
    const end = await sample(desk)
    const endAfterLastSendMs = performance.now() - lastSendAt
    const heapGrowth = startCensus === null ? null : censusGrowth(startCensus, await heapCensus(desk.cdp))
    log(
      `  end: renderer heap ${mib(end.rendererHeapBytes)}, DOM ${end.domNodes} nodes, core heap ${mib(end.core.heapUsed)}, RSS ${mib(end.core.rss)}; bench process RSS ${mib(end.benchRssBytes)}`,
    )
    log(`  core V8 spaces, reserved (in use) at start-up → end: ${spaceChanges(start.core, end.core)}`)
    await sleep(options.idleMs)
    const coreIdle = await desk.core.memory()
    log(`  core after ${options.idleMs / 1000} s idle: RSS ${mib(coreIdle.rss)}; V8 spaces, end → idle: ${spaceChanges(end.core, coreIdle)}`)
    return {
      options,
      start,
      end,
      rendererHeapRatio: end.rendererHeapBytes / start.rendererHeapBytes,
      midRendererHeapBytes,
      rendererHeapEndVsMid: end.rendererHeapBytes / midRendererHeapBytes,
      coreRssRatio: end.core.rss / start.core.rss,
      coreIdle,
      coreRssIdleRatio: coreIdle.rss / start.core.rss,
      coreHeapRatio: end.core.heapUsed / start.core.heapUsed,
      benchRssRatio: end.benchRssBytes / start.benchRssBytes,
      domNodesRatio: end.domNodes / start.domNodes,
      sentPerSec: sent / (dayMs / 1000),
      endAfterLastSendMs,
      switches,
      scrollBackSteps,
      scrollBackMs,
      dayMs,
      heapGrowth,
      targets: { rendererHeapRatio: 1.5, coreRssRatio: 1.5 },
    }
  } finally {
    await desk?.close().catch(() => undefined)
    await ownBrowser?.close().catch(() => undefined)
    await served?.close().catch(() => undefined)
    await world.server.stop().catch(() => undefined)
  }
}

/** The V8 spaces whose reserved size changed most, start → end. */
function spaceChanges(start: CoreMemory, end: CoreMemory): string {
  return Object.entries(end.spaces)
    .map(([name, space]) => ({ name, space, before: start.spaces[name] ?? { size: 0, used: 0 } }))
    .sort((a, b) => b.space.size - b.before.size - (a.space.size - a.before.size))
    .slice(0, 4)
    .map(({ name, space, before }) => `${name} ${mib(before.size)} (${mib(before.used)}) → ${mib(space.size)} (${mib(space.used)})`)
    .join('; ')
}

export const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`

/** The lines of the report, ratios first, targets beside them. */
export function dayReport(result: DayResult): string {
  const ok = (ratio: number, target: number) => (ratio <= target ? 'met' : 'NOT met')
  const { start, end, options } = result
  return [
    `A day at the desk: ${options.messages} messages over ${options.conversations} conversations at ${options.rate}/s (sent at ${result.sentPerSec.toFixed(0)}/s), ${result.switches} switches among ${options.switchAmong}, one scroll-back through ${options.history}` +
      (options.coreV8Flags !== undefined && options.coreV8Flags.length > 0 ? ` — the core's process with ${options.coreV8Flags.join(' ')}` : '') +
      (options.heapTrim ? '' : ' — WITHOUT the heap trimmer the app runs'),
    `| figure | start-up | end of day | ratio | target |`,
    `|---|---|---|---|---|`,
    `| renderer JS heap after GC | ${mib(start.rendererHeapBytes)} | ${mib(end.rendererHeapBytes)} | ${result.rendererHeapRatio.toFixed(2)}× | ≤ 1.5× (${ok(result.rendererHeapRatio, 1.5)}) |`,
    `| renderer JS heap after GC, from the scroll-back's end (a third into the day) to the end | ${mib(result.midRendererHeapBytes)} | ${mib(end.rendererHeapBytes)} | ${result.rendererHeapEndVsMid.toFixed(2)}× | |`,
    `| core RSS (its process), ${(result.endAfterLastSendMs / 1000).toFixed(1)} s after the day's last message was sent | ${mib(start.core.rss)} | ${mib(end.core.rss)} | ${result.coreRssRatio.toFixed(2)}× | ≤ 1.5× (${ok(result.coreRssRatio, 1.5)}) |`,
    `| core RSS after ${result.options.idleMs / 1000} s more, quiet (${options.heapTrim ? `heap trims so far: ${result.coreIdle.heapTrims}` : 'no heap trimmer'}) | ${mib(start.core.rss)} | ${mib(result.coreIdle.rss)} | ${result.coreRssIdleRatio.toFixed(2)}× | ≤ 1.5× (${ok(result.coreRssIdleRatio, 1.5)}) |`,
    `| core heapUsed after gc | ${mib(start.core.heapUsed)} | ${mib(end.core.heapUsed)} | ${result.coreHeapRatio.toFixed(2)}× | |`,
    `| core RSS: anonymous / file pages | ${mib(start.core.rssAnon)} / ${mib(start.core.rssFile)} | ${mib(end.core.rssAnon)} / ${mib(end.core.rssFile)} | | |`,
    `| core V8 heap reserved / external (buffers) | ${mib(start.core.heapTotal)} / ${mib(start.core.external)} | ${mib(end.core.heapTotal)} / ${mib(end.core.external)} | | |`,
    `| core anonymous RSS: malloc's main heap / other mappings | ${mib(start.core.anonymous.brkHeap)} / ${mib(start.core.anonymous.mapped)} | ${mib(end.core.anonymous.brkHeap)} / ${mib(end.core.anonymous.mapped)} | | |`,
    `| the bench process's RSS: writers and Playwright's client${options.census ? ' (NOT comparable with census on: it parsed heap snapshots)' : ''} | ${mib(start.benchRssBytes)} | ${mib(end.benchRssBytes)} | ${result.benchRssRatio.toFixed(2)}× | |`,
    `| DOM nodes | ${start.domNodes} | ${end.domNodes} | ${result.domNodesRatio.toFixed(2)}× | bounded |`,
    `| JS event listeners | ${start.jsEventListeners} | ${end.jsEventListeners} | | |`,
    `| message rows in the DOM | ${start.renderedMessageRows} | ${end.renderedMessageRows} | | |`,
    `Scroll-back: ${(result.scrollBackMs / 1000).toFixed(1)} s, ${result.scrollBackSteps} steps; day ${(result.dayMs / 1000).toFixed(0)} s.`,
    ...(result.heapGrowth === null
      ? []
      : ['Renderer heap growth by constructor (end − start-up):', ...result.heapGrowth.map((row) => `  ${row.name}: ${row.count >= 0 ? '+' : ''}${row.count} objects, ${(row.bytes / 1024).toFixed(0)} KiB`)]),
  ].join('\n')
}

export function tmpWorkDir(): string {
  return mkdtempSync(join(tmpdir(), 'parley-bench-desk-day-'))
}

/** bench:desk's `day` scenario (options.ts: the day* options). */
export const dayScenario: DeskScenario = {
  name: 'day',
  async run({ options, browser, rendererUrl, workDir, progress }) {
    const day: DayOptions = {
      messages: options.dayMessages,
      conversations: options.dayConversations,
      switchAmong: options.daySwitchAmong,
      history: options.dayHistory,
      rate: options.dayRate,
      switchEveryMs: options.daySwitchEveryMs,
      shortHistory: options.dayShortHistory,
      seed: options.seed,
      census: options.dayCensus,
      idleMs: options.dayIdleMs,
      heapTrim: options.dayHeapTrim,
    }
    const result = await dayAtTheDesk(day, { workDir, browser, rendererUrl, log: progress })
    const [title, ...rest] = dayReport(result).split('\n')
    const table: ScenarioTable = {
      title: title ?? 'A day at the desk',
      header: ['', 'start-up', 'end of day', 'ratio', 'target'],
      rows: rest
        .filter((line) => line.startsWith('| ') && !line.startsWith('| figure'))
        .map((line) => line.slice(2, -2).split(' | ')),
      notes: [
        `DAY AT THE DESK renderer heap ${result.rendererHeapRatio.toFixed(2)} (target ≤ 1.5: ${result.rendererHeapRatio <= 1.5 ? 'met' : 'NOT met'}); ` +
          `core RSS ${result.coreRssRatio.toFixed(2)} as the day ends, ${result.coreRssIdleRatio.toFixed(2)} ${result.options.idleMs / 1000} s later, quiet (target ≤ 1.5: ${result.coreRssRatio <= 1.5 ? 'met' : 'NOT met'}, ${result.coreRssIdleRatio <= 1.5 ? 'met' : 'NOT met'}).`,
        ...rest.filter((line) => !line.startsWith('|')),
        'The core figures are its own process\'s (core-process.ts: the core alone, under tsx); the writers and Playwright\'s client run in the bench process, on a row of their own.',
      ],
    }
    return { tables: [table], json: { ...result } }
  },
}
