/**
 * A realtime link the core gives up on must stop for good. pusher-js emits
 * `state_change` from inside its own connect(); closing the client from that
 * handler left connect() to start a new attempt on a client nobody listened
 * to any more, which then retried forever — after sign-out and dispose too
 * (found by bench/core reconnect, whose process never exited).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { cleanupCoreDirs, eventually, startCore, waitConnected } from '../../helpers/core'
import { spawnServer, type ServerProcess } from '../../kit/server-process'
import { freePort } from '../../kit/ports'
import { TcpProxy } from '../../helpers/tcp-proxy'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-link-cleanup-'))
let server: ServerProcess | undefined
let proxy: TcpProxy | undefined

afterAll(async () => {
  await proxy?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

test('after a link lost to its heartbeat and a disposed core, nothing connects again', async () => {
  const port = await freePort()
  server = await spawnServer({ DATA_DIR: dataDir, PORT: String(port), ACTIVITY_TIMEOUT: '2', PONG_GRACE: '1' })
  proxy = new TcpProxy(port)
  const url = `http://127.0.0.1:${await proxy.start()}`
  const alice = await startCore(url)
  await alice.core.register({ serverUrl: url, username: `lc${process.pid}`, password: 'password-1' })
  await waitConnected(alice.core)

  // The heartbeat gives the blackholed link up (pusher-js goes connected → connecting).
  proxy.blackhole()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 20_000, 'heartbeat notices')
  proxy.restore()
  await alice.core.retryNow()
  await waitConnected(alice.core, 20_000)
  await alice.stop()

  // Every connection is reset from now on: a client still alive anywhere would reconnect (pusher-js retries after 1 s).
  proxy.cut()
  // Connections the core opened just before it stopped (its catch-up's requests) may not have reached the
  // proxy's accept yet: let them in (and be reset) before counting, so that only new ones count.
  await sleep(500)
  const before = proxy.accepted
  await sleep(4_000)
  expect(proxy.accepted - before).toBe(0)
}, 60_000)
