/**
 * Desktop cores for integration tests: the real core (src/main/core) with a
 * temporary userData directory and recording shell services — only Electron
 * is missing. Helpers to wait for events and to compare a core's cache with
 * the server's history.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { expect } from 'vitest'
import { createCore, type CoreTiming, type TestableCore as Core } from '../../src/main/core/testing'
import type { NotificationRequest, ShellServices } from '../../src/main/core/shell-port'
import type { Conversation, Message, MessagePage } from '../../src/shared/api'
import type { ChatMessage, IpcEventName, IpcEvents } from '../../src/shared/ipc'
import { callApi } from './messenger'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { TcpProxy } from './tcp-proxy'

/** Short heartbeats and back-offs so faults resolve in test time. */
export const fastTiming: Partial<CoreTiming> = {
  pongTimeoutMs: 1_000,
  wakeCheckMs: 1_000,
  connectTimeoutMs: 3_000,
  backoffBaseMs: 100,
  backoffCapMs: 1_000,
  outboxBaseMs: 100,
  outboxCapMs: 1_000,
}

export interface RecordingServices extends ShellServices {
  notifications: NotificationRequest[]
  closed: string[]
  badge: number
  opened: string[]
  /** What the next pickFiles() calls return, one list per call ([] once empty: cancelled). */
  filesToPick: string[][]
  /** What the next chooseSavePath() calls return (null once empty: cancelled). */
  savePaths: (string | null)[]
  /** Every openPath() call; `answer` is what the user says to an executable (true: open it). */
  openedFiles: { path: string; executable: boolean }[]
  answerExecutable: boolean
  shownInFolder: string[]
}

export function recordingServices(): RecordingServices {
  const tokens = new Map<string, string>()
  const services: RecordingServices = {
    notifications: [],
    closed: [],
    badge: 0,
    opened: [],
    filesToPick: [],
    savePaths: [],
    openedFiles: [],
    answerExecutable: false,
    shownInFolder: [],
    tokenVault: {
      load: async (account) => tokens.get(account) ?? null,
      save: async (account, token) => void tokens.set(account, token),
      clear: async (account) => void tokens.delete(account),
    },
    showNotification: (request) => void services.notifications.push(request),
    closeNotification: (id) => void services.closed.push(id),
    setBadgeCount: (count) => void (services.badge = count),
    openExternal: (url) => void services.opened.push(url),
    pickFiles: async () => services.filesToPick.shift() ?? [],
    chooseSavePath: async () => services.savePaths.shift() ?? null,
    openPath: async (path, { executable }) => {
      services.openedFiles.push({ path, executable })
      return !executable || services.answerExecutable
    },
    showInFolder: (path) => void services.shownInFolder.push(path),
  }
  return services
}

export interface TestCore {
  core: Core
  services: RecordingServices
  userDataDir: string
  /** Make a new core on the same userData and services (an app restart). */
  restart(serverUrl?: string): Promise<TestCore>
  stop(): Promise<void>
}

const dirs: string[] = []
export function cleanupCoreDirs(): void {
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }))
}

export async function startCore(
  serverUrl: string,
  options: { userDataDir?: string; services?: RecordingServices; timing?: Partial<CoreTiming>; random?: () => number; awaitFirstPaint?: boolean } = {},
): Promise<TestCore> {
  const userDataDir = options.userDataDir ?? mkdtempSync(join(tmpdir(), 'parley-core-'))
  if (!options.userDataDir) dirs.push(userDataDir)
  const services = options.services ?? recordingServices()
  const timing = options.timing ?? fastTiming
  const core = await createCore(
    {
      userDataDir,
      defaultServerUrl: serverUrl,
      appInfo: { name: 'Parley', version: 'test', platform: process.platform, locale: 'en-US', tokenStorage: 'keyring' },
      services,
      timing,
      ...(options.random ? { random: options.random } : {}),
      ...(options.awaitFirstPaint ? { awaitFirstPaint: true } : {}),
    },
    pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' }),
  )
  const handle: TestCore = {
    core,
    services,
    userDataDir,
    async restart(url = serverUrl) {
      await core.dispose()
      return startCore(url, { userDataDir, services, timing, ...(options.random ? { random: options.random } : {}) })
    },
    stop: () => core.dispose(),
  }
  return handle
}

/** Resolve with the first `event` payload that satisfies `match`. */
export function waitForEvent<E extends IpcEventName>(
  core: Core,
  event: E,
  match: (payload: IpcEvents[E]) => boolean = () => true,
  timeoutMs = 10_000,
): Promise<IpcEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off()
      reject(new Error(`no matching ${event} event within ${timeoutMs} ms`))
    }, timeoutMs)
    const off = core.on(event, (payload) => {
      if (!match(payload)) return
      clearTimeout(timer)
      off()
      resolve(payload)
    })
  })
}

/** Poll `check` until it returns true. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    if (await check()) return
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export async function waitConnected(core: Core, timeoutMs = 15_000): Promise<void> {
  await eventually(async () => (await core.getConnection()).state === 'connected', timeoutMs, 'connected')
}

/** Every message of a conversation on the server. */
export async function serverHistory(serverUrl: string, token: string, conversationId: string): Promise<Message[]> {
  const all: Message[] = []
  for (;;) {
    const after = all.at(-1)?.seq ?? 0
    const page = await callApi<MessagePage>(serverUrl, 'GET', `/api/conversations/${conversationId}/messages?after=${after}&limit=200`, { token })
    all.push(...page.body.messages)
    if (!page.body.hasMore) return all
  }
}

/** What a cache and the server must agree on about a message (the reply's `key` is the cache's own). */
export function comparable(m: Message | ChatMessage): unknown[] {
  const replyTo = m.replyTo === null ? null : { id: m.replyTo.id, seq: m.replyTo.seq, senderId: m.replyTo.senderId, body: m.replyTo.body, deleted: m.replyTo.deleted }
  return [m.seq, m.id, m.rev, m.body, m.editedAt, m.deletedAt, m.reactions, m.mentions, replyTo]
}

/** The server's conversation as `token`'s user sees it. */
export async function serverConversation(serverUrl: string, token: string, conversationId: string): Promise<Conversation> {
  return (await callApi<Conversation>(serverUrl, 'GET', `/api/conversations/${conversationId}`, { token })).body
}

/** The core's signed-in account; throws when nobody is signed in. */
export function accountOf(core: Core): NonNullable<Core['currentAccount']> {
  const account = core.currentAccount
  if (account === null) throw new Error('not signed in')
  return account
}

/**
 * The core's cache holds exactly the server's history: same ids, seqs, revs,
 * bodies, tombstones, reactions, mentions and reply previews, nothing pending
 * and no change queued; its lastRev is the server's (it is up to date); no
 * message left in the outbox, and its markers sent (a delivered marker waits
 * `deliveredDelayMs` before it goes: that is waited for).
 */
export async function expectCacheEqualsServer(core: Core, serverUrl: string, token: string, conversationId: string): Promise<void> {
  const account = accountOf(core)
  // A first sync caches the latest page; the backfill brings the rest (history.ts).
  await eventually(() => (account.cache.lowestSeq(conversationId) ?? 1) <= 1, 10_000, 'older history backfilled').catch(() => undefined)
  const server = await serverHistory(serverUrl, token, conversationId)
  const cached = account.cache.messages(conversationId, { limit: 100_000 })
  expect(cached.map((m) => [...comparable(m), m.state])).toEqual(server.map((m) => [...comparable(m), 'sent']))
  const { lastRev, mentionCount } = await serverConversation(serverUrl, token, conversationId)
  await eventually(() => account.cache.conversation(conversationId)?.lastRev === lastRev, 10_000, 'lastRev caught up').catch(() => undefined)
  expect(account.cache.conversation(conversationId)?.lastRev, 'the cache is up to date after changedAfter=lastRev').toBe(lastRev)
  expect(account.cache.unreadMentions(conversationId), 'unread mentions').toBe(mentionCount)
  const queued = () => account.cache.outbox().filter((item) => item.conversationId === conversationId)
  expect(queued().filter((item) => item.kind !== 'read' && item.kind !== 'delivered')).toEqual([])
  await eventually(() => queued().length === 0, 10_000, 'markers sent').catch(() => undefined)
  expect(queued()).toEqual([])
}

/** A server process, alice reaching it only through a TCP proxy, bob directly, and one direct conversation between them. */
export interface ProxiedPair {
  server: ServerProcess
  proxy: TcpProxy
  alice: TestCore
  bob: TestCore
  aliceId: string
  conversationId: string
}

/**
 * Start a {@link ProxiedPair}: the server with `env` on `port` (so a test can
 * restart it there with the same DATA_DIR), users `<prefix>a`/`<prefix>b`
 * (made unique by the pid), both connected and both holding the conversation.
 */
/**
 * The teardown of startProxiedPair (whatever part of it started): both cores,
 * the proxy, the server (killed: its data is thrown away), the cores'
 * directories and the given ones.
 */
export async function stopProxiedPair(pair: Partial<Omit<ProxiedPair, 'aliceId' | 'conversationId'>>, ...dirs: string[]): Promise<void> {
  await pair.alice?.stop()
  await pair.bob?.stop()
  await pair.proxy?.stop()
  pair.server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true })
}

export async function startProxiedPair(env: Record<string, string>, port: number, prefix: string): Promise<ProxiedPair> {
  const server = await spawnServer({ ...env, PORT: String(port) })
  const proxy = new TcpProxy(port)
  const url = `http://127.0.0.1:${await proxy.start()}`
  const alice = await startCore(url)
  const bob = await startCore(server.url)
  const aliceSession = await alice.core.register({ serverUrl: url, username: `${prefix}a${process.pid}`, password: 'password-1' })
  const bobSession = await bob.core.register({ serverUrl: server.url, username: `${prefix}b${process.pid}`, password: 'password-1' })
  await Promise.all([waitConnected(alice.core), waitConnected(bob.core)])
  const conversationId = (await alice.core.createConversation({ memberIds: [bobSession.user?.id ?? ''] })).id
  await eventually(async () => (await bob.core.listConversations()).length === 1, 10_000, 'bob has the conversation')
  return { server, proxy, alice, bob, aliceId: aliceSession.user?.id ?? '', conversationId }
}
