/**
 * The desktop app as bench:desk runs it: the real core in this process and
 * the built renderer (out/renderer) in Chromium, wired as the e2e harness
 * wires them (e2e/fixtures/harness-app.ts `wireHarnessPage`) but straight to
 * the server (no TCP proxy relaying the bytes through this event loop, which
 * the core shares) and with the core's production timing.
 *
 * A signed-in account is a userData directory and the shell services that
 * keep its token: launching a core on them again is the app starting from its
 * saved session, as after a restart.
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { pino } from 'pino'
import { createCore, whenSearchIndexed, type TestableCore } from '../../src/main/core/testing'
import { CORE_MARKS } from '../../src/shared/perf-marks'
import { recordingServices, type RecordingServices } from '../../test/helpers/core'
import { wireHarnessPage } from '../../e2e/fixtures/harness-app'
import { PASSWORD } from './seed'

export interface DeskEnv {
  browser: Browser
  rendererUrl: string
  serverUrl: string
}

export interface DeskAccount {
  username: string
  userDataDir: string
  services: RecordingServices
}

export interface DeskApp {
  core: TestableCore
  page: Page
  /** Uncaught errors in the page so far. */
  pageErrors: string[]
  close(): Promise<void>
}

export interface LaunchOptions {
  /** Run in the page before the renderer's own scripts (probe.ts): a self-contained function and its JSON argument. */
  initScript?: { fn: (arg: never) => void; arg: unknown }
  /** Called once the page exists, before it loads the renderer (tracing). */
  beforeLoad?: (page: Page) => Promise<void>
  /** CoreOptions.awaitFirstPaint (default true, as the shell sets it). */
  awaitFirstPaint?: boolean
}

/**
 * A function as an init script. tsx compiles this file keeping function
 * names (esbuild's keepNames wraps named functions in `__name(…)`), a helper
 * the page does not have: the script brings a stand-in.
 */
export function initScriptSource(fn: (arg: never) => void, arg: unknown): string {
  return `globalThis.__name ??= (f) => f;\n(${fn.toString()})(${JSON.stringify(arg)});`
}

/** Epoch milliseconds of a mark in this process's timeline. */
const epoch = (startTime: number): number => performance.timeOrigin + startTime

/** Wait until `check` holds, polling every `everyMs`. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string, everyMs = 20): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
}

const hasMark = (name: string): boolean => performance.getEntriesByName(name, 'mark').length > 0

/** A core on the account's directory, from its saved session (no call of its own: the first calls are the window's). */
function startCore(env: DeskEnv, account: DeskAccount, awaitFirstPaint = true): Promise<TestableCore> {
  return createCore(
    {
      userDataDir: account.userDataDir,
      defaultServerUrl: env.serverUrl,
      appInfo: { name: 'Parley', version: 'bench', platform: process.platform, locale: 'en-US', tokenStorage: 'keyring' },
      services: account.services,
      awaitFirstPaint,
    },
    pino({ level: 'silent' }),
  )
}

/**
 * Sign the account in on a fresh directory and let its core fill the cache
 * from the server (a full sync, then the search index caught up): after
 * this, a start finds the cache current and sync only confirms it.
 */
export async function signInAndSync(
  env: DeskEnv,
  workDir: string,
  username: string,
  expected: readonly { id: string; lastSeq: number }[],
  /** The conversation the window shows when the app quits after the sync: the next start reopens it. */
  lastOpen?: string,
): Promise<{ account: DeskAccount; syncMs: number; indexMs: number }> {
  const account = { username, userDataDir: mkdtempSync(join(workDir, `${username}-`)), services: recordingServices() }
  performance.clearMarks(CORE_MARKS.synced)
  const started = performance.now()
  const core = await startCore(env, account)
  try {
    await core.login({ serverUrl: env.serverUrl, username, password: PASSWORD })
    await until(() => hasMark(CORE_MARKS.synced), 600_000, `${username}'s first sync`, 50)
    const cache = core.currentAccount?.cache
    if (!cache) throw new Error(`${username} is not signed in`)
    // Every conversation cached up to its latest message (whatever the sync still does after its mark).
    const behind = () => expected.filter(({ id, lastSeq }) => cache.highestSeq(id) < lastSeq)
    await until(() => behind().length === 0, 60_000, `${username}'s cache current`, 50).catch((err: unknown) => {
      const lagging = behind().map(({ id, lastSeq }) => `${id}: ${cache.highestSeq(id)} of ${lastSeq}`)
      throw new Error(`${String(err)}: after the sync, ${lagging.length} conversations lack messages (${lagging.slice(0, 5).join('; ')})`, { cause: err })
    })
    // The whole history, as a year of use leaves it: the first sync caches each latest page, the backfill the rest (history.ts).
    const partial = () => expected.filter(({ id, lastSeq }) => lastSeq > 0 && (cache.lowestSeq(id) ?? 1) > 1)
    await until(() => partial().length === 0, 600_000, `${username}'s history backfilled`, 50)
    const syncMs = performance.now() - started
    await whenSearchIndexed(cache)
    const indexMs = performance.now() - started - syncMs
    if (lastOpen !== undefined) await core.setActiveConversation({ conversationId: lastOpen })
    return { account, syncMs, indexMs }
  } finally {
    await core.dispose()
  }
}

/** Start the app on a signed-in account: its core, then its window loading the renderer. */
export async function launchDesk(env: DeskEnv, account: DeskAccount, options: LaunchOptions = {}): Promise<DeskApp> {
  const core = await startCore(env, account, options.awaitFirstPaint ?? true)
  let context: BrowserContext | null = null
  try {
    context = await env.browser.newContext({ locale: 'en-US', colorScheme: 'light', viewport: { width: 1100, height: 720 } })
    const page = await context.newPage()
    const pageErrors: string[] = []
    page.on('pageerror', (err) => pageErrors.push(err.stack ?? err.message))
    const { unwire } = await wireHarnessPage(page, core, env.rendererUrl)
    if (options.initScript) await page.addInitScript(initScriptSource(options.initScript.fn, options.initScript.arg))
    await options.beforeLoad?.(page)
    await page.goto(env.rendererUrl)
    const opened = context
    return {
      core,
      page,
      pageErrors,
      async close() {
        unwire()
        await opened.close()
        await core.dispose()
      },
    }
  } catch (err) {
    await context?.close().catch(() => undefined)
    await core.dispose()
    throw err
  }
}

export type Marks = Record<string, number>

/** This process's marks of the core (epoch ms), by name. */
export function coreMarks(): Marks {
  const marks: Marks = {}
  for (const entry of performance.getEntriesByType('mark')) if (entry.name.startsWith('parley:core:')) marks[entry.name] = epoch(entry.startTime)
  return marks
}

/** The page's marks (epoch ms), by name. */
export async function pageMarks(page: Page): Promise<Marks> {
  const { origin, entries } = await page.evaluate(() => ({
    origin: performance.timeOrigin,
    entries: performance.getEntriesByType('mark').map((entry) => [entry.name, entry.startTime] as const),
  }))
  return Object.fromEntries(entries.map(([name, at]) => [name, origin + at]))
}

/** The page's epoch ms for one of its performance.now() readings. */
export async function pageEpoch(page: Page, at: number): Promise<number> {
  return (await page.evaluate(() => performance.timeOrigin)) + at
}
