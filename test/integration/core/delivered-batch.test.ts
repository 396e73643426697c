/**
 * Delivered markers of many conversations in one request, against a real
 * server process: back from a weekend with news in every conversation, the
 * core tells the server "delivered" for all of them in a few requests
 * (`POST /api/conversations/delivered-batch`), not one per conversation, and
 * every sender sees its conversation's marker move.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Conversation } from '../../../src/shared/api'
import { cleanupCoreDirs, eventually, fastTiming, startCore, waitConnected, type TestCore } from '../../helpers/core'
import { newUser, type MessengerUser } from '../../helpers/messenger'
import { parseExposition } from '../../helpers/prometheus'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const CONVERSATIONS = 30
const dataDir = mkdtempSync(join(tmpdir(), 'parley-delivered-batch-'))
let server: ServerProcess
let bob: MessengerUser
let alice: TestCore
const conversationIds: string[] = []

/** Delivered-marker requests the server answered with 2xx: one conversation each, and batches. */
async function deliveredRequests(): Promise<{ single: number; batch: number }> {
  const metrics = parseExposition(await (await fetch(`${server.url}/metrics`)).text())
  const count = (route: string) => metrics.valueOr0('parley_rest_requests_total', { method: 'POST', route, status_class: '2xx' })
  return { single: count('/api/conversations/:id/delivered'), batch: count('/api/conversations/delivered-batch') }
}

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, SEND_RATE_LIMIT: '1000000', AUTH_RATE_LIMIT: '1000', CONVERSATION_RATE_LIMIT: '1000' })
  bob = await newUser(server.url, 'dbb')
  alice = await startCore(server.url, { timing: fastTiming })
  await alice.core.register({ serverUrl: server.url, username: `dba${process.pid}`, password: 'password-1' })
  await waitConnected(alice.core)
  for (let i = 0; i < CONVERSATIONS; i++) conversationIds.push((await alice.core.createConversation({ memberIds: [bob.user.id], title: `group ${i}` })).id)
  await alice.stop()
}, 120_000)

afterAll(async () => {
  await alice?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('news in 30 conversations while the app was closed: every one marked delivered, in a few batch requests', async () => {
  // Bob writes in every conversation while alice's app is closed.
  const lastSeq = new Map<string, number>()
  for (const id of conversationIds) {
    await bob.send(id, `news in ${id}`)
    lastSeq.set(id, (await bob.send(id, `more news in ${id}`)).seq)
  }
  const before = await deliveredRequests()
  alice = await startCore(server.url, { userDataDir: alice.userDataDir, services: alice.services, timing: fastTiming })
  const me = () => alice.core.currentAccount?.me ?? ''
  await eventually(
    async () => {
      for (const id of conversationIds) {
        const { body } = await bob.call<Conversation>('GET', `/api/conversations/${id}`)
        if (body.markers[me()]?.deliveredSeq !== lastSeq.get(id)) return false
      }
      return true
    },
    20_000,
    'every conversation delivered on the server',
  )
  const after = await deliveredRequests()
  const single = after.single - before.single
  const batch = after.batch - before.batch
  // The delivered delay (200 ms): the first marker goes alone at once, the rest of the catch-up together after it.
  expect(batch).toBeGreaterThanOrEqual(1)
  expect(single + batch).toBeLessThanOrEqual(CONVERSATIONS / 3)
  // Nothing left queued, and nothing read: delivered is not read.
  await eventually(() => (alice.core.currentAccount?.cache.outbox() ?? []).length === 0, 5_000, 'the outbox empties')
  const { body } = await bob.call<Conversation>('GET', `/api/conversations/${conversationIds[0]}`)
  expect(body.markers[me()]?.readSeq).toBe(0)
})
