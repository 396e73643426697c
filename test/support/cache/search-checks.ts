/**
 * For the cache's search tests: the connection behind a cache, the search
 * index's own consistency checks, and counting the event-loop turns a search
 * takes. (A seeded PRNG: test/kit/random.ts.)
 */
import type { Database } from 'better-sqlite3'
import { expect } from 'vitest'
import { TrigramFold } from '../../../src/main/core/cache/search/trigram-fold'
import type { Cache } from '../../../src/main/core/cache/types'
import { searchIndexBacklog } from '../../../src/main/core/testing'

export const connectionOf = (cache: Cache): Database => (cache as unknown as { db: Database }).db

/** Row ids that have at least one trigram in `messages_fts` (bodies of three or more characters). */
export function indexedRowIds(cache: Cache): Set<number> {
  const db = connectionOf(cache)
  db.exec('CREATE VIRTUAL TABLE IF NOT EXISTS temp.test_fts_instances USING fts5vocab (main, messages_fts, instance)')
  return new Set(db.prepare<[], number>('SELECT DISTINCT doc FROM temp.test_fts_instances').pluck().all())
}

/** Rows still to index: the backlog table's and the tail's (row ids above its mark; database/migrations/004-search-tail.ts). */
export function backlogRowIds(cache: Cache): Set<number> {
  const db = connectionOf(cache)
  const table = db.prepare<[], number>('SELECT row_id FROM messages_fts_backlog').pluck().all()
  const tail = db.prepare<[], number>('SELECT row_id FROM messages WHERE row_id > (SELECT above FROM messages_fts_tail)').pluck().all()
  const above = db.prepare<[], number>('SELECT above FROM messages_fts_tail').pluck().get() as number
  for (const id of table) expect(id, `backlog table row ${id} is above the tail mark ${above}`).toBeLessThanOrEqual(above)
  return new Set([...table, ...tail])
}

/** Edited rows whose old entry is still in the index, for the indexer to delete (database/migrations/006-deferred-search-forget.ts). */
export function staleRowIds(cache: Cache): Set<number> {
  return new Set(connectionOf(cache).prepare<[], number>('SELECT row_id FROM messages_fts_stale').pluck().all())
}

/**
 * The invariant at any moment: no row is both indexed and in the backlog,
 * every backlog id is a message, and every message with a trigram to index
 * is in one of the two. A row with a stale entry (an edited row's old body,
 * which search ignores) counts as not indexed: it is a message in the
 * backlog table.
 */
export function expectIndexInvariant(cache: Cache): void {
  const db = connectionOf(cache)
  const stale = staleRowIds(cache)
  const inTable = new Set(db.prepare<[], number>('SELECT row_id FROM messages_fts_backlog').pluck().all())
  for (const id of stale) expect(inTable.has(id), `stale row ${id} is not in the backlog table`).toBe(true)
  const indexed = new Set([...indexedRowIds(cache)].filter((id) => !stale.has(id)))
  const backlog = backlogRowIds(cache)
  const rows = db.prepare<[], { row_id: number; body: string }>('SELECT row_id, body FROM messages').all()
  const ids = new Set(rows.map((row) => row.row_id))
  for (const id of backlog) {
    expect(indexed.has(id), `row ${id} is both indexed and in the backlog`).toBe(false)
    expect(ids.has(id), `backlog row ${id} is not a message`).toBe(true)
  }
  for (const id of indexed) expect(ids.has(id), `row ${id} is indexed but not a message`).toBe(true)
  const fold = new TrigramFold(db)
  for (const row of rows) {
    if ([...fold.fold(row.body)].length >= 3) {
      expect(indexed.has(row.row_id) || backlog.has(row.row_id), `row ${row.row_id} is neither indexed nor in the backlog`).toBe(true)
    }
  }
}

/**
 * With the backlog empty: FTS5's own integrity check, comparing the index
 * with the messages table — any missing, stale or duplicate entry fails it.
 */
export function expectIndexExact(cache: Cache): void {
  expect(searchIndexBacklog(cache)).toBe(0)
  expect(() => connectionOf(cache).exec(`INSERT INTO messages_fts (messages_fts, rank) VALUES ('integrity-check', 1)`)).not.toThrow()
}

/** Runs `search`, counting the event-loop turns taken while it runs; `onFirstTurn` runs in the first one. */
export async function withTurns<T>(search: () => Promise<T>, onFirstTurn: () => void = () => undefined): Promise<{ result: T; turns: number }> {
  let turns = 0
  let done = false
  const tick = () => {
    if (done) return
    if (turns++ === 0) onFirstTurn()
    setImmediate(tick)
  }
  setImmediate(tick)
  try {
    return { result: await search(), turns }
  } finally {
    done = true
  }
}
