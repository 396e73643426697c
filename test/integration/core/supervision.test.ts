/**
 * The reconnect supervisor against a real server: after sleep it pings at
 * once and replaces a dead socket within the wake check (instead of waiting
 * for the heartbeat); "retry now" skips the back-off; the status carries the
 * next retry time.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cleanupCoreDirs, eventually, startCore, waitConnected, type TestCore } from '../../helpers/core'
import { spawnServer, type ServerProcess } from '../../kit/server-process'
import { TcpProxy } from '../../helpers/tcp-proxy'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-supervision-'))
let server: ServerProcess
let proxy: TcpProxy
let app: TestCore

beforeAll(async () => {
  // A long activity timeout: only the wake-up check can notice the dead link quickly.
  server = await spawnServer({ DATA_DIR: dataDir, ACTIVITY_TIMEOUT: '60', AUTH_RATE_LIMIT: '1000' })
  proxy = new TcpProxy(server.port)
  await proxy.start()
  const url = `http://127.0.0.1:${proxy.port}`
  app = await startCore(url, {
    timing: { pongTimeoutMs: 30_000, wakeCheckMs: 1_000, backoffBaseMs: 20_000, backoffCapMs: 30_000 },
    // Jitter at the top of its range: every automatic retry waits ≥ 19.9 s.
    random: () => 0.995,
  })
  await app.core.register({ serverUrl: url, username: `sv${process.pid}`, password: 'password-1' })
  await waitConnected(app.core)
}, 30_000)

afterAll(async () => {
  await app?.stop()
  await proxy?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('resume after sleep: a silent link is dropped within the wake check and a new one made', async () => {
  proxy.blackhole()
  const resumedAt = Date.now()
  app.core.systemResumed()
  await eventually(async () => (await app.core.getConnection()).state !== 'connected', 5_000, 'the dead link is dropped')
  expect(Date.now() - resumedAt).toBeLessThan(1_000 + 1_500)
  proxy.restore()
  await app.core.retryNow()
  await waitConnected(app.core, 10_000)
})

test('a live link survives a wake-up check', async () => {
  await waitConnected(app.core)
  const account = app.core.currentAccount
  const before = account?.supervisor.activeLink
  app.core.systemResumed()
  await new Promise((resolve) => setTimeout(resolve, 1_500))
  expect((await app.core.getConnection()).state).toBe('connected')
  expect(account?.supervisor.activeLink).toBe(before)
})

test('offline shows the next retry time; "retry now" does not wait for it', async () => {
  proxy.cut()
  await eventually(async () => (await app.core.getConnection()).state === 'offline', 10_000, 'offline')
  // Let the first (fast) attempts fail so the back-off grows.
  await app.core.retryNow()
  await eventually(async () => (await app.core.getConnection()).state === 'offline', 10_000, 'offline again')
  const status = await app.core.getConnection()
  expect(status.nextRetryAt).toBeGreaterThan(Date.now() + 15_000)
  expect(status.lastError).toBeTruthy()
  proxy.restore()
  const startedAt = Date.now()
  await app.core.retryNow()
  await waitConnected(app.core, 10_000)
  expect(Date.now() - startedAt).toBeLessThan(5_000)
  expect((await app.core.getConnection()).nextRetryAt).toBeNull()
})
