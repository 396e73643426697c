/**
 * `loadMessages` pages against a real server: the latest, older ones
 * (`beforeSeq`) and newer ones (`afterSeq`, for a message list whose window
 * was scrolled back from the latest), each saying whether more lies before
 * and after it; the argument schema refuses both seqs at once.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, expect, test } from 'vitest'
import { dispatchCall } from '../../../src/main/core/dispatch'
import type { MessagePageResult } from '../../../src/shared/ipc'
import { cleanupCoreDirs, eventually, startCore, type TestCore } from '../../helpers/core'
import { directConversation, newUser } from '../../helpers/messenger'
import { spawnServer } from '../../kit/server-process'

const COUNT = 30
const dataDir = mkdtempSync(join(tmpdir(), 'parley-message-pages-'))
const cores: TestCore[] = []
afterAll(async () => {
  for (const core of cores) await core.stop()
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

const seqs = (page: MessagePageResult) => page.messages.map((message) => message.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

test('pages before and after a seq say what lies beyond them; the latest ends with my unsent messages', async () => {
  const server = await spawnServer({ DATA_DIR: dataDir })
  const alice = await newUser(server.url, 'mpa')
  const bob = await newUser(server.url, 'mpb')
  const conversation = await directConversation(bob, alice)
  for (let n = 1; n <= COUNT; n++) await bob.send(conversation.id, `message ${n}`, `m-${n}`)

  const app = await startCore(server.url)
  cores.push(app)
  const { core } = app
  await core.login({ serverUrl: server.url, username: alice.user.username, password: 'correct-horse' })
  await eventually(() => core.currentAccount?.cache.highestSeq(conversation.id) === COUNT, 15_000, 'alice has every message')
  // Offline (the server stopped): the unsent message stays unsent.
  server.child.kill('SIGKILL')
  await server.exited
  const unsent = await core.sendMessage({ conversationId: conversation.id, body: 'not sent yet' })

  const page = (args: { beforeSeq?: number; afterSeq?: number; limit: number }) => core.loadMessages({ conversationId: conversation.id, ...args })

  const latest = await page({ limit: 10 })
  expect(seqs(latest)).toEqual([...range(21, 30), null])
  expect(latest.messages.at(-1)?.key).toBe(unsent.key)
  expect(latest).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })

  const older = await page({ beforeSeq: 11, limit: 10 })
  expect(seqs(older)).toEqual(range(1, 10))
  expect(older).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true })

  const middle = await page({ afterSeq: 10, limit: 10 })
  expect(seqs(middle)).toEqual(range(11, 20))
  expect(middle).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true })

  const first = await page({ afterSeq: 0, limit: 10 })
  expect(seqs(first)).toEqual(range(1, 10))
  expect(first).toMatchObject({ hasMoreBefore: false, hasMoreAfter: true })

  // The page that reaches the newest is the latest: the unsent one follows, nothing after.
  const last = await page({ afterSeq: 20, limit: 10 })
  expect(seqs(last)).toEqual([...range(21, 30), null])
  expect(last).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })

  const beyond = await page({ afterSeq: 30, limit: 10 })
  expect(seqs(beyond)).toEqual([null])
  expect(beyond).toMatchObject({ hasMoreBefore: true, hasMoreAfter: false })

  // Through the argument schema, as the window calls it: one seq or the other, never both, never hostile.
  expect(await dispatchCall(core, 'loadMessages', { conversationId: conversation.id, afterSeq: 25, limit: 3 })).toMatchObject({
    ok: true,
    value: { hasMoreAfter: true },
  })
  for (const args of [
    { afterSeq: 5, beforeSeq: 20 },
    { afterSeq: -1 },
    { afterSeq: 1.5 },
    { afterSeq: '5' },
    { afterSeq: Number.MAX_SAFE_INTEGER + 2 },
    { afterSeq: Number.NaN },
  ]) {
    expect(await dispatchCall(core, 'loadMessages', { conversationId: conversation.id, ...args })).toMatchObject({ ok: false, error: { code: 'bad_request' } })
  }
}, 60_000)
