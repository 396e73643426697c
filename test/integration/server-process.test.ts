/** `npm run server` as users start it: URL line, credentials kept in DATA_DIR, config errors, graceful SIGTERM. */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import PusherClient from 'pusher-js'
import { afterEach, expect, test } from 'vitest'
import { connected } from '../helpers/clients'
import { runServerToExit, spawnServer, type ServerProcess } from '../kit/server-process'

const dirs: string[] = []
const running: ServerProcess[] = []
afterEach(() => {
  running.splice(0).forEach((server) => server.child.kill('SIGKILL'))
  dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true }))
})

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-proc-'))
  dirs.push(dir)
  return dir
}

test('prints its URL, keeps generated credentials across restarts, and closes sockets with 4200 on SIGTERM', async () => {
  const dataDir = tempDir()
  const first = await spawnServer({ DATA_DIR: dataDir })
  running.push(first)
  expect(first.url).toBe(`http://127.0.0.1:${first.port}`)
  const health = await fetch(`${first.url}/healthz`)
  expect(await health.json()).toEqual({ ok: true })

  const credentialsPath = join(dataDir, 'pusher-credentials.json')
  const credentials = JSON.parse(readFileSync(credentialsPath, 'utf8')) as { id: string; key: string; secret: string }
  expect(credentials.key).toMatch(/^[0-9a-f]{20}$/)
  expect(statSync(credentialsPath).mode & 0o777).toBe(0o600)

  const client = new PusherClient(credentials.key, {
    cluster: 'local',
    wsHost: '127.0.0.1',
    wsPort: first.port,
    forceTLS: false,
    enabledTransports: ['ws'],
  })
  await connected(client)
  const closeCode = new Promise<number>((resolve) =>
    client.connection.bind('error', (error: { data?: { code?: number } }) => resolve(error.data?.code ?? -1)),
  )
  first.child.kill('SIGTERM')
  expect(await closeCode).toBe(4200)
  expect(await first.exited).toBe(0)
  client.disconnect()

  const second = await spawnServer({ DATA_DIR: dataDir })
  running.push(second)
  expect(JSON.parse(readFileSync(credentialsPath, 'utf8'))).toEqual(credentials)
  second.child.kill('SIGTERM')
  expect(await second.exited).toBe(0)
})

test('credentials from the environment are used as given', async () => {
  const server = await spawnServer({
    DATA_DIR: tempDir(),
    PUSHER_APP_ID: 'app1',
    PUSHER_KEY: 'key1',
    PUSHER_SECRET: 'secret-secret',
  })
  running.push(server)
  const client = new PusherClient('key1', {
    cluster: 'local',
    wsHost: '127.0.0.1',
    wsPort: server.port,
    forceTLS: false,
    enabledTransports: ['ws'],
  })
  await connected(client)
  client.disconnect()
})

test('a bad environment stops the server at start (exit 2) with a message naming the variable', async () => {
  const { code, output } = await runServerToExit({ DATA_DIR: tempDir(), PORT: '0', ACTIVITY_TIMEOUT: 'soon' })
  expect(code).toBe(2)
  expect(output).toContain('ACTIVITY_TIMEOUT')
})
