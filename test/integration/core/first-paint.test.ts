/**
 * A start from a saved sign-in with a window (`awaitFirstPaint`, design §7.4):
 * the realtime link and the first sync wait until the window says its first
 * screen is painted — the cache answers meanwhile and the status says
 * "connecting", never "offline" — or until `firstPaintWaitMs`; "retry now"
 * connects at once; a sign-in never waits. Against a real server process.
 */
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cleanupCoreDirs, eventually, fastTiming, startCore, waitConnected, type TestCore } from '../../helpers/core'
import { callApi } from '../../helpers/messenger'
import { spawnServer, type ServerProcess } from '../../kit/server-process'
import type { AuthResponse } from '../../../src/shared/api'

let server: ServerProcess
/** Everyone's conversation partner. */
let peerId = ''
const cores: TestCore[] = []
afterAll(async () => {
  for (const core of cores) await core.stop().catch(() => undefined)
  cleanupCoreDirs()
  server?.child.kill('SIGKILL')
})
beforeAll(async () => {
  server = await spawnServer({})
  const peer = await callApi<AuthResponse>(server.url, 'POST', '/api/auth/register', { body: { username: `fpeer${process.pid}`, password: 'password-1' } })
  peerId = peer.body.user.id
})

let accounts = 0
/** A signed-up account whose core has quit, its session saved: the next start restores it. */
async function savedSignIn(): Promise<{ userDataDir: string; services: TestCore['services']; conversationId: string }> {
  const first = await startCore(server.url)
  const username = `fp${process.pid}x${accounts++}`
  await first.core.register({ serverUrl: server.url, username, password: 'password-1' })
  await waitConnected(first.core)
  const conversation = await first.core.createConversation({ memberIds: [peerId] })
  await first.core.sendMessage({ conversationId: conversation.id, body: 'cached before the quit' })
  await first.core.currentAccount?.outbox.whenEmpty()
  await first.stop()
  return { userDataDir: first.userDataDir, services: first.services, conversationId: conversation.id }
}

/** The realtime link was never opened: the status has been "connecting" since the start, with no error. */
async function stillHeld(core: TestCore, forMs: number): Promise<void> {
  const deadline = Date.now() + forMs
  while (Date.now() < deadline) {
    expect(await core.core.getConnection()).toEqual({ state: 'connecting', nextRetryAt: null, lastError: null })
    expect(core.core.currentAccount?.supervisor.activeLink ?? null).toBeNull()
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

test('restored with a window: nothing connects until the first screen is painted; the cache answers meanwhile', async () => {
  const saved = await savedSignIn()
  const core = await startCore(server.url, { ...saved, awaitFirstPaint: true, timing: { ...fastTiming, firstPaintWaitMs: 60_000 } })
  cores.push(core)
  expect((await core.core.getSession()).user).not.toBeNull()
  expect((await core.core.listConversationPage({ after: null, limit: 60, include: [] })).conversations.map((c) => c.id)).toEqual([saved.conversationId])
  expect((await core.core.loadMessages({ conversationId: saved.conversationId, limit: 50 })).messages.map((m) => m.body)).toEqual(['cached before the quit'])
  await stillHeld(core, 700)
  await core.core.firstScreenPainted()
  await waitConnected(core.core)
  // Told again (a sign-in after a sign-out): nothing happens.
  await core.core.firstScreenPainted()
  expect((await core.core.getConnection()).state).toBe('connected')
}, 30_000)

test('restored with a window that never says so: it connects after firstPaintWaitMs', async () => {
  const saved = await savedSignIn()
  const started = Date.now()
  const core = await startCore(server.url, { ...saved, awaitFirstPaint: true, timing: { ...fastTiming, firstPaintWaitMs: 1_000 } })
  cores.push(core)
  await stillHeld(core, 500)
  await waitConnected(core.core)
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000)
}, 30_000)

test('"retry now" while held connects at once', async () => {
  const saved = await savedSignIn()
  const core = await startCore(server.url, { ...saved, awaitFirstPaint: true, timing: { ...fastTiming, firstPaintWaitMs: 60_000 } })
  cores.push(core)
  await stillHeld(core, 200)
  await core.core.retryNow()
  await waitConnected(core.core)
  // The hold settling later changes nothing: still the one link.
  const link = core.core.currentAccount?.supervisor.activeLink
  await core.core.firstScreenPainted()
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(core.core.currentAccount?.supervisor.activeLink).toBe(link)
}, 30_000)

test('a sign-in never waits for the first paint; a core without a window never holds a restored sign-in', async () => {
  const signIn = await startCore(server.url, { awaitFirstPaint: true, timing: { ...fastTiming, firstPaintWaitMs: 60_000 } })
  cores.push(signIn)
  await signIn.core.register({ serverUrl: server.url, username: `fp${process.pid}new`, password: 'password-1' })
  await waitConnected(signIn.core, 10_000)

  const saved = await savedSignIn()
  const headless = await startCore(server.url, { ...saved, timing: { ...fastTiming, firstPaintWaitMs: 60_000 } })
  cores.push(headless)
  await waitConnected(headless.core, 10_000)
}, 30_000)

test('signed out while held: the account closes and nothing connects afterwards', async () => {
  const saved = await savedSignIn()
  const core = await startCore(server.url, { ...saved, awaitFirstPaint: true, timing: { ...fastTiming, firstPaintWaitMs: 60_000 } })
  cores.push(core)
  const account = core.core.currentAccount
  await core.core.logout()
  await core.core.firstScreenPainted()
  await eventually(() => account?.isDisposed === true, 5_000, 'account disposed')
  await new Promise((resolve) => setTimeout(resolve, 300))
  expect(account?.supervisor.activeLink ?? null).toBeNull()
  expect((await core.core.getSession()).user).toBeNull()
}, 30_000)
