import { existsSync, statSync } from 'node:fs'
import { expect, test } from 'vitest'
import { connectionOf } from '../../../../../test/support/cache/search-checks'
import { serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { SqliteCache } from '../sqlite-cache'
import { Checkpointer } from './checkpointer'
import { SMALL_AUTOCHECKPOINT, WORKER_BACKSTOP_AUTOCHECKPOINT } from './database'

test('a long run of writes: the worker copies the log into the database while the connection only has the backstop', async () => {
  const { cache, path } = tempCache({ backgroundIndexing: false })
  const db = connectionOf(cache)
  expect(db.pragma('wal_autocheckpoint', { simple: true })).toBe(WORKER_BACKSTOP_AUTOCHECKPOINT)
  const checkpointer = (cache as SqliteCache).checkpointer
  expect(checkpointer?.active).toBe(true)
  // 60,000 messages write about 16 MB of log, below the backstop (32 MB): the
  // connection itself never copies any of it into the database file, and no indexer runs.
  // In four rounds, each waited out: how many checkpoints fit inside a round is the
  // machine's business, that each round's rows reach the database file is not.
  let size = statSync(path).size
  for (let round = 0; round < 4; round++) {
    const before = checkpointer?.stats.done ?? 0
    for (let from = round * 15_000 + 1; from <= (round + 1) * 15_000; from += 200) {
      cache.storeMessages(serverMessages('c1', from, from + 199, { body: `a message of some length, number ${from}, to fill the log` }))
      // As sync does between pages: the worker's answers arrive.
      await new Promise((resolve) => setImmediate(resolve))
    }
    await checkpointer?.whenIdle()
    expect(checkpointer?.stats.done ?? 0).toBeGreaterThan(before)
    // The worker did: the database file holds the round's rows (without it, only the empty schema).
    const grown = statSync(path).size
    expect(grown).toBeGreaterThan(size + 1024 * 1024)
    size = grown
  }
  expect(checkpointer?.stats.failures).toBe(0)
  expect(cache.highestSeq('c1')).toBe(60_000)
})

test('a worker that cannot start hands checkpoints back', async () => {
  const { path } = tempCache()
  const failure = await new Promise<unknown>((resolve) => {
    const checkpointer = new Checkpointer({ path, module: '/nonexistent/better-sqlite3.js', onFailure: resolve })
    checkpointer.noteWrite()
  })
  expect(String(failure)).toMatch(/Cannot find module/)
  expect(SMALL_AUTOCHECKPOINT).toBeLessThan(WORKER_BACKSTOP_AUTOCHECKPOINT)
})

test('close() waits for the worker: the cache closes last, SQLite removes the log, the files can go at once', () => {
  const { cache, path } = tempCache({ backgroundIndexing: false })
  cache.storeMessages(serverMessages('c1', 1, 500))
  expect(existsSync(`${path}-wal`)).toBe(true)
  cache.close()
  expect(existsSync(`${path}-wal`)).toBe(false)
  expect(existsSync(`${path}-shm`)).toBe(false)
})
