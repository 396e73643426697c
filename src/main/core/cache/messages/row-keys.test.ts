import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { Message } from '../../../../shared/api'
import { rowKeyStats } from '../../testing'

/** Row ids by seq, read from the file (the cache never shows them). */
function rowIds(path: string, conversationId: string): number[] {
  const db = new BetterSqlite3(path, { readonly: true })
  try {
    return db.prepare<[string], number>('SELECT row_id FROM messages WHERE conversation_id = ? ORDER BY seq').pluck().all(conversationId)
  } finally {
    db.close()
  }
}

function storeInPages(store: (page: Message[]) => unknown, messages: readonly Message[], size = 200): void {
  for (let i = 0; i < messages.length; i += size) store(messages.slice(i, i + size))
}

const ascending = (ids: readonly number[]) => ids.every((id, i) => i === 0 || id > (ids[i - 1] as number))

describe('message row ids', () => {
  test('a free createdAt is the row id itself', () => {
    const { cache, path } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 3))
    expect(rowIds(path, 'c1')).toEqual([10_001, 10_002, 10_003])
    expect(rowKeyStats(cache).gapSearches).toBe(0)
  })

  test('a burst of messages with the same time takes consecutive ids, page after page, without searching the table', () => {
    const { cache, path } = tempCache()
    // 5,000 messages in the same millisecond, in 25 pages: before the fix each
    // one walked the run of ids taken before it (quadratic; seconds for 10,000).
    storeInPages((page) => cache.storeMessages(page), serverMessages('c1', 1, 5_000, { createdAt: 50_000 }))
    const ids = rowIds(path, 'c1')
    expect(ids).toHaveLength(5_000)
    expect(ids[0]).toBe(50_000)
    expect(ids.at(-1)).toBe(54_999)
    expect(rowKeyStats(cache).gapSearches).toBe(0)
    // Every id after the first page is the ceiling's successor: nothing to ask the table.
    expect(rowKeyStats(cache).lookups).toBe(0)
  })

  test('old history arriving after newer messages sorts among its own times, also when it comes in a burst of its own', () => {
    const { cache, path } = tempCache()
    cache.storeMessages(serverMessages('new', 1, 10, { createdAt: 10_000_000 }))
    // An old conversation: 600 messages in one millisecond, long before the newest row.
    storeInPages((page) => cache.storeMessages(page), serverMessages('old', 1, 600, { createdAt: 1_000 }))
    const old = rowIds(path, 'old')
    expect(old[0]).toBe(1_000)
    expect(ascending(old)).toBe(true)
    expect(old.at(-1)).toBeLessThan(10_000_000)
    expect(rowKeyStats(cache).gapSearches).toBe(0)
  })

  test('an old message whose time is taken finds the first gap after it', () => {
    const { cache, path } = tempCache()
    // Taken: 1000…1004 and 1006; the newest row is far ahead.
    cache.storeMessages([
      ...serverMessages('a', 1, 5, { createdAt: 1_000 }),
      ...serverMessages('b', 1, 1, { createdAt: 1_006 }),
      ...serverMessages('c', 1, 1, { createdAt: 600_000 }),
    ])
    expect(rowIds(path, 'a')).toEqual([1_000, 1_001, 1_002, 1_003, 1_004])
    cache.storeMessages(serverMessages('d', 1, 1, { createdAt: 1_001 }))
    expect(rowIds(path, 'd')).toEqual([1_005])
    cache.storeMessages(serverMessages('e', 1, 1, { createdAt: 1_001 }))
    expect(rowIds(path, 'e')).toEqual([1_007])
    expect(rowKeyStats(cache).gapSearches).toBe(2)
  })

  test('changes to cached messages of a burst (an id asked for each, their own time taken) walk its run once, not once each', () => {
    const { cache, path } = tempCache()
    // Four messages a millisecond: one dense run of 3,008 ids.
    const burst = serverMessages('c1', 1, 3_008).map((m) => ({ ...m, createdAt: 50_000 + Math.floor(m.seq / 4) }))
    storeInPages((page) => cache.storeMessages(page), burst)
    const ids = rowIds(path, 'c1')
    const before = rowKeyStats(cache).gapSearches
    // Edited in the order 16 people at once would (bench/core changes): runs of 16 backwards. A time below
    // the last one asked for used to walk to the run's end, each time (~780 walks of up to 3,000 rows here).
    const edits = burst.map((m, i) => {
      const at = i - (i % 16) + 15 - (i % 16)
      const edited = burst[at] as Message
      return { ...edited, rev: 10_000 + i, body: `edited ${edited.seq}`, editedAt: 1 }
    })
    storeInPages((page) => cache.storeMessages(page), edits, 50)
    expect(rowKeyStats(cache).gapSearches - before).toBeLessThanOrEqual(16)
    expect(rowIds(path, 'c1')).toEqual(ids)
    expect(cache.messageBySeq('c1', 1_234)?.body).toBe('edited 1234')
    // New messages inside the run still take the first free id after it.
    cache.storeMessages(serverMessages('c2', 1, 2, { createdAt: 50_100 }))
    expect(rowIds(path, 'c2')).toEqual([(ids.at(-1) as number) + 1, (ids.at(-1) as number) + 2])
  })

  test('a burst and messages interleaved with it: every id is the first free one at or after its time', () => {
    const { cache, path } = tempCache()
    cache.storeMessages(serverMessages('a', 1, 50, { createdAt: 7_000 }))
    // A conversation whose messages fall inside the burst's run, and one after it.
    cache.storeMessages([
      ...serverMessages('b', 1, 2, { createdAt: 7_010 }),
      ...serverMessages('c', 1, 1, { createdAt: 7_100 }),
      ...serverMessages('d', 1, 1, { createdAt: 7_020 }),
    ])
    expect(rowIds(path, 'a')).toEqual(Array.from({ length: 50 }, (_, i) => 7_000 + i))
    expect(rowIds(path, 'b')).toEqual([7_050, 7_051])
    expect(rowIds(path, 'c')).toEqual([7_100])
    expect(rowIds(path, 'd')).toEqual([7_052])
  })
})
