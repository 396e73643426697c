/**
 * A cache file this build cannot read (garbage, a newer schema) does not keep
 * the app from starting: it is set aside, kept, and a fresh cache is filled
 * from the server. A failure that is not the file's fault leaves it in place.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { latestVersion } from '../../../src/main/core/cache/database/migrate'
import { cleanupCoreDirs, eventually, expectCacheEqualsServer, startCore, waitConnected, type TestCore } from '../../helpers/core'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-unreadable-'))
let server: ServerProcess
let alice: TestCore
let bob: TestCore
let conversationId = ''

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, AUTH_RATE_LIMIT: '1000' })
  alice = await startCore(server.url)
  bob = await startCore(server.url)
  await alice.core.register({ serverUrl: server.url, username: `ua${process.pid}`, password: 'password-1' })
  const bobUser = (await bob.core.register({ serverUrl: server.url, username: `ub${process.pid}`, password: 'password-1' })).user
  await Promise.all([waitConnected(alice.core), waitConnected(bob.core)])
  conversationId = (await alice.core.createConversation({ memberIds: [bobUser?.id ?? ''] })).id
  await eventually(async () => (await bob.core.listConversations()).length === 1, 10_000, 'bob has the conversation')
  for (const body of ['one', 'two', '三']) await bob.core.sendMessage({ conversationId, body })
  await bob.core.currentAccount?.outbox.whenEmpty()
  await eventually(() => alice.core.currentAccount?.cache.highestSeq(conversationId) === 3, 10_000, 'alice has all three')
}, 60_000)

afterAll(async () => {
  // A failed test may leave alice already stopped: the server goes down whatever the cores do.
  try {
    await Promise.allSettled([alice.stop(), bob.stop()])
  } finally {
    server.child.kill('SIGTERM')
    await server.exited
    cleanupCoreDirs()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

/** The account's cache directory under alice's userData, and the files in it. */
function accountDir(): string {
  const accounts = join(alice.userDataDir, 'accounts')
  const [only] = readdirSync(accounts)
  return join(accounts, only ?? '')
}
const asideFiles = () => readdirSync(accountDir()).filter((name) => name.startsWith('cache.sqlite.unreadable-') && !/-(wal|shm)$/.test(name))

async function restartAlice(): Promise<void> {
  alice = await startCore(server.url, { userDataDir: alice.userDataDir, services: alice.services })
  await waitConnected(alice.core)
  await eventually(() => alice.core.currentAccount?.cache.highestSeq(conversationId) === 3, 10_000, 'alice refilled from the server')
  const token = alice.core.currentAccount?.api.token ?? ''
  await expectCacheEqualsServer(alice.core, server.url, token, conversationId)
}

test('a cache file that is not a database: kept aside, and the app starts and refills from the server', async () => {
  await alice.stop()
  const path = join(accountDir(), 'cache.sqlite')
  const garbage = Buffer.from('this is not an SQLite database, just bytes '.repeat(200))
  writeFileSync(path, garbage)
  rmSync(`${path}-wal`, { force: true })
  rmSync(`${path}-shm`, { force: true })

  await restartAlice()
  const aside = asideFiles()
  expect(aside).toHaveLength(1)
  expect(readFileSync(join(accountDir(), aside[0] ?? ''))).toEqual(garbage)
  expect((await alice.core.getSession()).user?.username).toBe(`ua${process.pid}`)
})

test('a cache written by a newer version: kept aside as it was, and the app starts', async () => {
  await alice.stop()
  const path = join(accountDir(), 'cache.sqlite')
  const db = new BetterSqlite3(path)
  db.pragma(`user_version = ${latestVersion + 1}`)
  db.close()
  const before = asideFiles().length

  await restartAlice()
  const aside = asideFiles()
  expect(aside).toHaveLength(before + 1)
  const newest = aside.sort().at(-1) ?? ''
  const kept = new BetterSqlite3(join(accountDir(), newest), { readonly: true })
  expect(kept.pragma('user_version', { simple: true })).toBe(latestVersion + 1)
  // It still holds what it held: the three messages, for whichever version can read it.
  expect(kept.prepare('SELECT count(*) FROM messages').pluck().get()).toBe(3)
  kept.close()
})

test('a failure that is not the file\'s fault (the cache path is a directory): nothing is moved, the error goes up', async () => {
  await alice.stop()
  const dir = accountDir()
  const path = join(dir, 'cache.sqlite')
  const before = readdirSync(dir).sort()
  rmSync(path)
  for (const suffix of ['-wal', '-shm']) rmSync(`${path}${suffix}`, { force: true })
  // A directory where the file should be: SQLite cannot open it, whatever it would hold.
  mkdirSync(path)
  await expect(startCore(server.url, { userDataDir: alice.userDataDir, services: alice.services })).rejects.toThrow()
  expect(statSync(path).isDirectory()).toBe(true)
  expect(asideFiles()).toEqual(before.filter((name) => name.startsWith('cache.sqlite.unreadable-') && !/-(wal|shm)$/.test(name)))

  rmSync(path, { recursive: true })
  expect(existsSync(path)).toBe(false)
  await restartAlice()
})
