/**
 * The core across network faults, server crashes and app restarts, with a TCP
 * proxy between one core and a real server process. After every scenario the
 * cache equals the server's history exactly: no loss, no duplicates, outbox
 * empty — including messages sent while offline and those others sent during
 * the gap.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import {
  eventually,
  expectCacheEqualsServer,
  startProxiedPair, stopProxiedPair,
  waitConnected,
  type TestCore,
} from '../../helpers/core'
import { spawnServer, type ServerProcess } from '../../kit/server-process'
import { freePort } from '../../kit/ports'
import type { TcpProxy } from '../../helpers/tcp-proxy'

const ACTIVITY_S = 2
const PONG_MS = 1_000
const dataDir = mkdtempSync(join(tmpdir(), 'parley-faults-'))
let port = 0
let server: ServerProcess
let proxy: TcpProxy
let alice: TestCore
let bob: TestCore
let conversationId = ''

const env = () => ({
  DATA_DIR: dataDir,
  PORT: String(port),
  ACTIVITY_TIMEOUT: String(ACTIVITY_S),
  PONG_GRACE: '1',
  AUTH_RATE_LIMIT: '1000',
  SEND_RATE_LIMIT: '100000',
})

beforeAll(async () => {
  port = await freePort()
  // Alice reaches the server (REST and WebSocket) only through the proxy.
  ;({ server, proxy, alice, bob, conversationId } = await startProxiedPair(env(), port, 'f'))
}, 60_000)

afterAll(() => stopProxiedPair({ server, proxy, alice, bob }, dataDir))

async function bodiesAt(side: TestCore): Promise<string[]> {
  const page = await side.core.loadMessages({ conversationId, limit: 200 })
  return page.messages.map((m) => m.body)
}

async function settleAndCompare(): Promise<void> {
  for (const side of [alice, bob]) {
    await waitConnected(side.core, 20_000)
    await side.core.currentAccount?.outbox.whenEmpty()
  }
  const serverLast = async () => {
    const token = bob.core.currentAccount?.api.token ?? ''
    const response = await fetch(`${server.url}/api/conversations/${conversationId}`, { headers: { authorization: `Bearer ${token}` } })
    return ((await response.json()) as { lastSeq: number }).lastSeq
  }
  const last = await serverLast()
  await eventually(
    () =>
      [alice, bob].every((side) => side.core.currentAccount?.cache.highestSeq(conversationId) === last),
    20_000,
    'both caches caught up',
  )
  for (const side of [alice, bob]) {
    await expectCacheEqualsServer(side.core, server.url, side.core.currentAccount?.api.token ?? '', conversationId)
  }
}

test('a blackholed link is noticed within activity + pong timeout; offline sends and the peer’s messages all arrive once, in order', async () => {
  await settleAndCompare()
  proxy.blackhole()
  const cutAt = Date.now()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 15_000, 'alice notices')
  const noticedAfter = Date.now() - cutAt
  expect(noticedAfter).toBeLessThan(ACTIVITY_S * 1000 + PONG_MS + 2_000)

  for (const body of ['offline 1', 'offline 2', 'offline 3']) await alice.core.sendMessage({ conversationId, body })
  for (const body of ['gap 1', 'gap 2']) await bob.core.sendMessage({ conversationId, body })
  const pending = (await bodiesAt(alice)).slice(-3)
  expect(pending).toEqual(['offline 1', 'offline 2', 'offline 3'])
  expect(alice.core.currentAccount?.cache.messages(conversationId, { limit: 10 }).filter((m) => m.state === 'pending')).toHaveLength(3)

  proxy.restore()
  await settleAndCompare()
  const bodies = await bodiesAt(alice)
  expect(bodies.filter((b) => b.startsWith('offline'))).toEqual(['offline 1', 'offline 2', 'offline 3'])
  expect(bodies.filter((b) => b.startsWith('gap'))).toEqual(['gap 1', 'gap 2'])
}, 60_000)

test('a cut link (reset) recovers the same way', async () => {
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice notices the cut')
  await alice.core.sendMessage({ conversationId, body: 'during cut' })
  await bob.core.sendMessage({ conversationId, body: 'bob during cut' })
  proxy.restore()
  await alice.core.retryNow()
  await settleAndCompare()
  expect((await bodiesAt(alice)).filter((b) => b.includes('during cut'))).toHaveLength(2)
}, 60_000)

test('server killed (SIGKILL) and restarted: both cores reconnect and nothing is lost', async () => {
  server.child.kill('SIGKILL')
  await server.exited
  await eventually(async () => (await bob.core.getConnection()).state !== 'connected', 10_000, 'bob notices')
  await alice.core.sendMessage({ conversationId, body: 'while the server is down' })
  server = await spawnServer(env())
  await alice.core.retryNow()
  await bob.core.retryNow()
  await settleAndCompare()
  expect(await bodiesAt(bob)).toContain('while the server is down')
}, 60_000)

test('the app is closed with unsent messages and reopened: the outbox resumes', async () => {
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice offline')
  await alice.core.sendMessage({ conversationId, body: 'queued before quit 1' })
  await alice.core.sendMessage({ conversationId, body: 'queued before quit 2' })
  alice = await alice.restart()
  expect((await bodiesAt(alice)).slice(-2)).toEqual(['queued before quit 1', 'queued before quit 2'])
  proxy.restore()
  await settleAndCompare()
  const bodies = await bodiesAt(bob)
  expect(bodies.filter((b) => b.startsWith('queued before quit'))).toEqual(['queued before quit 1', 'queued before quit 2'])
}, 60_000)
