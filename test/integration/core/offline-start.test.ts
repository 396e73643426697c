/** The app starts with the server unreachable and serves cached conversations, history and search. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { cleanupCoreDirs, eventually, startCore, waitConnected, type TestCore } from '../../helpers/core'
import { spawnServer } from '../../kit/server-process'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-offline-'))
const cores: TestCore[] = []
afterAll(async () => {
  for (const core of cores) await core.stop()
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('quit, stop the server, start again: conversations, history and search come from the cache', async () => {
  const server = await spawnServer({ DATA_DIR: dataDir })
  const alice = await startCore(server.url)
  const bob = await startCore(server.url)
  cores.push(bob)
  await alice.core.register({ serverUrl: server.url, username: `oa${process.pid}`, password: 'password-1' })
  const bobUser = (await bob.core.register({ serverUrl: server.url, username: `ob${process.pid}`, password: 'password-1' })).user
  await waitConnected(alice.core)
  const conversation = await alice.core.createConversation({ memberIds: [bobUser?.id ?? ''] })
  await alice.core.sendMessage({ conversationId: conversation.id, body: 'We hike on Saturday' })
  await eventually(async () => (await bob.core.listConversations()).length === 1, 10_000, 'bob has the conversation')
  await bob.core.sendMessage({ conversationId: conversation.id, body: '我们周末去爬山吧' })
  await eventually(() => alice.core.currentAccount?.cache.highestSeq(conversation.id) === 2, 10_000, 'alice has both')
  await alice.core.currentAccount?.outbox.whenEmpty()

  await alice.stop()
  server.child.kill('SIGKILL')
  await server.exited

  const reopened = await startCore(server.url, { userDataDir: alice.userDataDir, services: alice.services })
  cores.push(reopened)
  const session = await reopened.core.getSession()
  expect(session.user?.username).toBe(`oa${process.pid}`)
  const conversations = await reopened.core.listConversations()
  expect(conversations.map((c) => c.id)).toEqual([conversation.id])
  const page = await reopened.core.loadMessages({ conversationId: conversation.id, limit: 50 })
  expect(page.messages.map((m) => m.body)).toEqual(['We hike on Saturday', '我们周末去爬山吧'])
  expect((await reopened.core.search({ query: '周末', limit: 10 })).map((hit) => hit.seq)).toEqual([2])
  expect((await reopened.core.search({ query: 'hike', limit: 10 })).map((hit) => hit.seq)).toEqual([1])
  expect((await reopened.core.getConnection()).state).not.toBe('connected')
}, 60_000)

test('a waiting core connects as soon as the server is back', async () => {
  const secondDir = mkdtempSync(join(tmpdir(), 'parley-offline2-'))
  const server = await spawnServer({ DATA_DIR: secondDir })
  const core = await startCore(server.url)
  cores.push(core)
  await core.core.register({ serverUrl: server.url, username: `oc${process.pid}`, password: 'password-1' })
  await waitConnected(core.core)
  const port = server.port
  server.child.kill('SIGKILL')
  await server.exited
  await eventually(async () => (await core.core.getConnection()).state === 'offline', 10_000, 'offline')
  const status = await core.core.getConnection()
  expect(status.nextRetryAt).toBeGreaterThan(Date.now() - 100)
  const again = await spawnServer({ DATA_DIR: secondDir, PORT: String(port) })
  await waitConnected(core.core, 20_000)
  again.child.kill('SIGKILL')
  rmSync(secondDir, { recursive: true, force: true })
}, 60_000)
