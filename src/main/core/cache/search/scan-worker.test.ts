/**
 * A search of short terms only (one LIKE over every row, newest first) runs
 * on the scan worker: the main thread keeps taking turns while a rare term is
 * looked for in every message, the answer is the one the statement gives on
 * the main thread, and a worker that cannot start or is closed mid-search
 * never loses an answer or crashes anything.
 */
import { existsSync } from 'node:fs'
import { expect, test } from 'vitest'
import { connectionOf, withTurns } from '../../../../../test/support/cache/search-checks'
import { serverMessages, tempCache, type TempCache } from '../../../../../test/support/cache/temp-cache'
import { openReader } from '../database/database'
import type { SqliteCache } from '../sqlite-cache'
import { ScanWorker, ScanWorkerUnavailable } from './scan-worker'
import { MessageSearch } from './search'

const ROWS = 60_000
/** Two characters: no trigram, so a LIKE over every row. One message in 2,000 has it. */
const RARE = '淼鑫'
const manual = { backgroundIndexing: false } as const

function bigHistory(): TempCache {
  const temp = tempCache(manual)
  const messages = serverMessages('c1', 1, ROWS).map((m) => ({
    ...m,
    body: m.seq % 2_000 === 0 ? `周末见${RARE}，第${m.seq}号` : `an ordinary message number ${m.seq} about lunch`,
  }))
  for (let i = 0; i < messages.length; i += 1_000) temp.cache.storeMessages(messages.slice(i, i + 1_000))
  return temp
}

/** A MessageSearch over the cache's file with the given scanner (null: every statement on the main thread). */
function searchWith(temp: TempCache, scanner: ScanWorker | null): { search: MessageSearch; close: () => void } {
  const reader = openReader({ path: temp.path })
  return {
    search: new MessageSearch(reader, connectionOf(temp.cache), scanner),
    close: () => {
      scanner?.close()
      reader.close()
    },
  }
}

const seqsOf = (hits: readonly { seq: number | null }[]) => hits.map((hit) => hit.seq)
const expectedRare = Array.from({ length: ROWS / 2_000 }, (_, i) => ROWS - i * 2_000)

test('a rare short term is looked for in every row on the worker while the event loop keeps turning; same answer as on the main thread', async () => {
  const temp = bigHistory()
  const scanner = (temp.cache as SqliteCache).scanner
  const { result, turns } = await withTurns(() => temp.cache.search(RARE, 100))
  expect(seqsOf(result)).toEqual(expectedRare)
  expect(result[0]?.snippet).toContainEqual({ text: RARE, match: true })
  expect(scanner.ran).toBe(1)
  // The statement reads 60,000 rows on the worker; the main thread is free meanwhile.
  expect(turns).toBeGreaterThanOrEqual(1)

  // The same statement on the main thread: the same hits, and not a single turn until it is done.
  const inThread = searchWith(temp, null)
  const alone = await withTurns(() => inThread.search.search(RARE, 100))
  expect(alone.result).toEqual(result)
  expect(alone.turns).toBe(0)
  inThread.close()

  // Common short terms stop early, on the worker too; long terms never go there.
  expect(seqsOf(await temp.cache.search('周末', 3))).toEqual(expectedRare.slice(0, 3))
  expect(seqsOf(await temp.cache.search('lunch', 2))).toEqual([ROWS - 1, ROWS - 2])
  expect(scanner.ran).toBe(2)
})

test('the search indexer takes no step while the worker scans, and carries on after', async () => {
  const temp = tempCache({ indexerTiming: { busyWindowMs: 1, deferMs: 1 } })
  const messages = serverMessages('c1', 1, ROWS).map((m) => ({ ...m, body: `an ordinary message number ${m.seq} about lunch` }))
  for (let i = 0; i < messages.length; i += 1_000) temp.cache.storeMessages(messages.slice(i, i + 1_000))
  const indexer = (temp.cache as SqliteCache).indexer
  // The indexer is stepping (one step per turn of the event loop) when the search starts.
  while (indexer.stats.steps === 0) await new Promise((resolve) => setImmediate(resolve))
  let stepsAtFirstTurn = -1
  const { result, turns } = await withTurns(
    () => temp.cache.search(RARE, 10),
    () => (stepsAtFirstTurn = indexer.stats.steps),
  )
  expect(result).toEqual([])
  expect(turns).toBeGreaterThanOrEqual(2)
  expect(indexer.stats.steps).toBe(stepsAtFirstTurn)
  while (indexer.stats.steps === stepsAtFirstTurn) await new Promise((resolve) => setImmediate(resolve))
})

test('a worker that cannot start: the statement runs on the main thread, with the same answer', async () => {
  const temp = bigHistory()
  const failures: unknown[] = []
  const broken = new ScanWorker({ path: temp.path, module: '/nonexistent/better-sqlite3.js', onFailure: (err) => failures.push(err) })
  const { search, close } = searchWith(temp, broken)
  expect(seqsOf(await search.search(RARE, 100))).toEqual(expectedRare)
  expect(broken.available).toBe(false)
  expect(String(failures[0])).toMatch(/Cannot find module/)
  await expect(broken.all('SELECT 1', [])).rejects.toBeInstanceOf(ScanWorkerUnavailable)
  // From then on, straight on the main thread.
  expect(seqsOf(await search.search(RARE, 2))).toEqual(expectedRare.slice(0, 2))
  expect(broken.ran).toBe(0)
  close()
})

test('a worker thread that cannot even be created: the search runs on the main thread', async () => {
  const temp = bigHistory()
  // A function cannot be passed to a worker: the Worker constructor throws at once.
  const broken = new ScanWorker({ path: temp.path, module: (() => undefined) as unknown as string })
  const { search, close } = searchWith(temp, broken)
  expect(seqsOf(await search.search(RARE, 100))).toEqual(expectedRare)
  expect(broken.available).toBe(false)
  expect(broken.started).toBe(1)
  close()
})

test('the worker reads only: a statement that writes or fails is refused with its error, and the worker carries on', async () => {
  const temp = bigHistory()
  const scanner = new ScanWorker({ path: temp.path })
  await expect(scanner.all('DELETE FROM messages RETURNING row_id', [])).rejects.toThrow(/readonly/)
  await expect(scanner.all('SELECT * FROM nowhere', [])).rejects.toThrow(/no such table/)
  expect(scanner.available).toBe(true)
  expect(await scanner.all<{ n: number }>('SELECT count(*) AS n FROM messages WHERE conversation_id = ?', ['c1'])).toEqual([{ n: ROWS }])
  expect(temp.cache.highestSeq('c1')).toBe(ROWS)
  scanner.close()
  await expect(scanner.all('SELECT 1', [])).rejects.toThrow(/not open/)
})

test('the worker stops after a while without statements, and starts again for the next one', async () => {
  const temp = tempCache(manual)
  temp.cache.storeMessages(serverMessages('c1', 1, 100))
  const scanner = new ScanWorker({ path: temp.path, idleMs: 50 })
  const count = () => scanner.all<{ n: number }>('SELECT count(*) AS n FROM messages', [])
  expect(await count()).toEqual([{ n: 100 }])
  expect(scanner.running).toBe(true)
  const deadline = Date.now() + 5_000
  while (scanner.running && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
  expect(scanner.running).toBe(false)
  temp.cache.storeMessages(serverMessages('c1', 101, 150))
  expect(await count()).toEqual([{ n: 150 }])
  expect(scanner.started).toBe(2)
  expect(scanner.available).toBe(true)
  scanner.close()
})

test('closing the cache during a short-term search fails that search, not the process; the log goes and the file opens again', async () => {
  const temp = bigHistory()
  const closing = withTurns(
    () => temp.cache.search('zq', 10),
    () => temp.cache.close(),
  )
  await expect(closing).rejects.toThrow(/not open/)
  // Both connections are closed: SQLite removed the log.
  expect(existsSync(`${temp.path}-wal`)).toBe(false)
  const reopened = temp.reopen(manual)
  expect(seqsOf(await reopened.search(RARE, 2))).toEqual(expectedRare.slice(0, 2))
})
