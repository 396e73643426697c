/**
 * The whole app with an external realtime service: `npm run server
 * --realtime-only` as the Pusher-compatible service, a second server process
 * with PUSHER_HOST/PUSHER_PORT as the api, and two desktop cores. Messages,
 * receipts and presence (learnt from the service's signed webhooks) work end
 * to end.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, test } from 'vitest'
import { cleanupCoreDirs, eventually, expectCacheEqualsServer, startCore, waitConnected, type TestCore } from '../helpers/core'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { freePort } from '../kit/ports'

const credentials = { PUSHER_APP_ID: 'ext-app', PUSHER_KEY: 'ext-key', PUSHER_SECRET: 'ext-secret-value' }
const dirs: string[] = []
let service: ServerProcess
let api: ServerProcess
let alice: TestCore
let bob: TestCore

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-extp-'))
  dirs.push(dir)
  return dir
}

beforeAll(async () => {
  const [servicePort, apiPort] = [await freePort(), await freePort()]
  service = await spawnServer({
    ...credentials,
    PORT: String(servicePort),
    DATA_DIR: tempDir(),
    REALTIME_ONLY: 'true',
    ACTIVITY_TIMEOUT: '2',
    PONG_GRACE: '1',
    WEBHOOK_URL: `http://127.0.0.1:${apiPort}/api/pusher/webhooks`,
  })
  api = await spawnServer({
    ...credentials,
    PORT: String(apiPort),
    DATA_DIR: tempDir(),
    PUSHER_HOST: '127.0.0.1',
    PUSHER_PORT: String(servicePort),
    PUSHER_USE_TLS: 'false',
    AUTH_RATE_LIMIT: '1000',
  })
  alice = await startCore(api.url)
  bob = await startCore(api.url)
}, 60_000)

afterAll(async () => {
  await alice?.stop()
  await bob?.stop()
  for (const node of [api, service]) node?.child.kill('SIGKILL')
  cleanupCoreDirs()
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
})

test('two desktop cores chat through an external realtime service; presence comes from its webhooks', async () => {
  await alice.core.register({ serverUrl: api.url, username: `xa${process.pid}`, password: 'password-1', displayName: 'Alice' })
  const bobId = (await bob.core.register({ serverUrl: api.url, username: `xb${process.pid}`, password: 'password-1' })).user?.id ?? ''
  await Promise.all([waitConnected(alice.core), waitConnected(bob.core)])
  const conversation = await alice.core.createConversation({ memberIds: [bobId] })
  await eventually(async () => (await bob.core.listConversations()).length === 1, 10_000, 'bob has the conversation')

  await alice.core.sendMessage({ conversationId: conversation.id, body: 'over the external service' })
  await eventually(() => bob.core.currentAccount?.cache.highestSeq(conversation.id) === 1, 10_000, 'bob received')
  await bob.core.sendMessage({ conversationId: conversation.id, body: 'and back' })
  await eventually(() => alice.core.currentAccount?.cache.highestSeq(conversation.id) === 2, 10_000, 'alice received')
  await bob.core.markRead({ conversationId: conversation.id, seq: 2 })
  await eventually(async () => {
    const view = (await alice.core.listConversations())[0]
    return view?.markers[bobId]?.readSeq === 2
  }, 10_000, 'read marker at alice')

  // The api learns presence from the service's webhooks: bob is online in the directory.
  await eventually(async () => (await alice.core.listUsers({ query: `xb${process.pid}` }))[0]?.online === true, 10_000, 'online')
  for (const side of [alice, bob]) {
    await side.core.currentAccount?.outbox.whenEmpty()
    await expectCacheEqualsServer(side.core, api.url, side.core.currentAccount?.api.token ?? '', conversation.id)
  }
  await bob.stop()
  await eventually(
    async () => (await alice.core.listUsers({ query: `xb${process.pid}` }))[0]?.online === false,
    15_000,
    'offline after bob quits',
  )
}, 90_000)
