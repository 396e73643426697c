/**
 * Issue 14 in OS notifications: a desktop core against a real server. Bob's
 * group holds "Alice" and "\u0410lice" (Cyrillic \u0410, another account): each one's
 * notification title carries the sender's @username; Carol, whose name looks
 * like nobody's, gets her plain name.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { cleanupCoreDirs, eventually, startCore, waitConnected, waitForEvent, type TestCore } from '../../helpers/core'
import { newUser, type MessengerUser } from '../../helpers/messenger'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

let server: ServerProcess
let bob: TestCore
let alice: MessengerUser
let mallory: MessengerUser
let carol: MessengerUser
let conversationId = ''
const dataDir = mkdtempSync(join(tmpdir(), 'parley-lookalike-'))

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, AUTH_RATE_LIMIT: '1000' })
  bob = await startCore(server.url)
  const session = await bob.core.register({ serverUrl: server.url, username: `bob${process.pid}`, password: 'password-1', displayName: 'Bob' })
  alice = await newUser(server.url, 'alice', 'Alice')
  mallory = await newUser(server.url, 'mallory', '\u0410lice')
  carol = await newUser(server.url, 'carol', 'Carol')
  await waitConnected(bob.core)
  const created = await alice.call<{ id: string }>('POST', '/api/conversations', {
    memberIds: [session.user?.id, mallory.user.id, carol.user.id],
    title: 'Team',
  })
  conversationId = created.body.id
  const ids = [alice.user.id, mallory.user.id, carol.user.id]
  await eventually(async () => (await bob.core.getUsers({ ids })).length === 3, 10_000, 'bob knows the members')
}, 60_000)

afterAll(async () => {
  await bob?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('look-alike senders are told apart by @username in the title; others keep their plain name', async () => {
  bob.core.windowFocusChanged(false)
  for (const [sender, body] of [
    [mallory, 'from mallory'],
    [alice, 'from alice'],
    [carol, 'from carol'],
  ] as const) {
    const arrived = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.body === body))
    await sender.send(conversationId, body)
    await arrived
  }
  expect(bob.services.notifications.map(({ title, body }) => ({ title, body }))).toEqual([
    { title: `\u2068\u0410lice\u2069 \u2066@${mallory.user.username}\u2069 · Team`, body: 'from mallory' },
    { title: `\u2068Alice\u2069 \u2066@${alice.user.username}\u2069 · Team`, body: 'from alice' },
    { title: 'Carol · Team', body: 'from carol' },
  ])
})
