/**
 * A search that has to scan many unindexed rows (right after a large sync)
 * gives the event loop turns while it scans, on a read-only connection of its
 * own: its answer is that of one snapshot, whatever the main connection
 * writes or indexes between its slices.
 */
import { describe, expect, test } from 'vitest'
import { withTurns } from '../../../../../test/support/cache/search-checks'
import { serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { Message } from '../../../../shared/api'
import { catchUpSearchIndex, searchIndexBacklog, setSearchSliceMs } from '../../testing'
import type { Cache } from '../types'
import { BACKLOG_CHUNK } from './search'

const ROWS = 60_000
const manual = { backgroundIndexing: false } as const

/**
 * ROWS unindexed messages in conversation c1, one in 2,000 with the rare word:
 * a search for it reads them all. New ones (the index's tail), or with
 * `lateHistory` old ones arriving after newer messages were indexed (rows in
 * the backlog table: database/migrations/004-search-tail.ts).
 */
function bigBacklog({ lateHistory = false } = {}): Cache {
  const { cache } = tempCache(manual)
  if (lateHistory) {
    cache.storeMessages(serverMessages('recent', 1, 10, { createdAt: 10_000_000 }))
    catchUpSearchIndex(cache)
  }
  const messages = serverMessages('c1', 1, ROWS).map((m) => ({
    ...m,
    body: m.seq % 2_000 === 0 ? `the zyzzogeton report number ${m.seq}` : `an ordinary message number ${m.seq} about lunch`,
  }))
  for (let i = 0; i < messages.length; i += 1_000) cache.storeMessages(messages.slice(i, i + 1_000))
  expect(searchIndexBacklog(cache)).toBe(ROWS)
  return slicedEveryChunk(cache)
}

/** A turn before every chunk of BACKLOG_CHUNK rows, on any machine (by default a turn comes every 8 ms of work). */
function slicedEveryChunk(cache: Cache): Cache {
  setSearchSliceMs(cache, 0)
  return cache
}
/** Chunks in a scan of every row. */
const CHUNKS = Math.ceil(ROWS / BACKLOG_CHUNK)

const seqsOf = (hits: readonly { seq: number | null }[]) => hits.map((hit) => hit.seq)

describe('search over a large unindexed backlog', () => {
  test('yields to the event loop while it scans, and finds every match', async () => {
    const cache = bigBacklog()
    const { result, turns } = await withTurns(() => cache.search('zyzzogeton', 100))
    expect(seqsOf(result)).toEqual(Array.from({ length: ROWS / 2_000 }, (_, i) => ROWS - i * 2_000))
    // A turn between every two chunks: the scan never holds the thread for more than one chunk.
    expect(turns).toBeGreaterThanOrEqual(CHUNKS - 1)
  })

  test.each([false, true])('answers from one snapshot while the main connection writes and indexes between its slices (late history: %s)', async (lateHistory) => {
    const cache = bigBacklog({ lateHistory })
    const expected = await cache.search('zyzzogeton', 100)
    const newer: Message[] = serverMessages('c1', ROWS + 1, ROWS + 5).map((m) => ({ ...m, body: `zyzzogeton late ${m.seq}` }))
    const { result, turns } = await withTurns(
      () => cache.search('zyzzogeton', 100),
      () => {
        // Between two slices: new matching messages arrive and every row moves into the index.
        cache.storeMessages(newer)
        catchUpSearchIndex(cache)
      },
    )
    expect(turns).toBeGreaterThanOrEqual(CHUNKS - 1)
    expect(searchIndexBacklog(cache)).toBe(0)
    // Nothing missed (rows indexed meanwhile), nothing doubled, nothing from after the snapshot.
    expect(result).toEqual(expected)
    // The next search sees the new state.
    expect(seqsOf(await cache.search('zyzzogeton', 3))).toEqual([ROWS + 5, ROWS + 4, ROWS + 3])
    expect(seqsOf(await cache.search('zyzzogeton', 100))).toEqual([...seqsOf(newer).reverse(), ...seqsOf(expected)])
  })

  test('searches asked for at once run one after another, each with its own answer', async () => {
    const cache = bigBacklog()
    const [rare, lunch, none] = await Promise.all([
      cache.search('zyzzogeton', 2),
      cache.search('lunch', 2),
      cache.search('nothing matches this', 2),
    ])
    expect(seqsOf(rare ?? [])).toEqual([ROWS, ROWS - 2_000])
    expect(seqsOf(lunch ?? [])).toEqual([ROWS - 1, ROWS - 2])
    expect(none).toEqual([])
  })

  test('closing the cache during a search fails that search, not the process; the file opens again', async () => {
    const temp = tempCache(manual)
    const messages = serverMessages('c1', 1, ROWS).map((m) => ({ ...m, body: `an ordinary message number ${m.seq}` }))
    for (let i = 0; i < messages.length; i += 1_000) temp.cache.storeMessages(messages.slice(i, i + 1_000))
    slicedEveryChunk(temp.cache)
    const closing = withTurns(
      () => temp.cache.search('zyzzogeton', 10),
      () => temp.cache.close(),
    )
    await expect(closing).rejects.toThrow(/not open/)
    const reopened = temp.reopen(manual)
    expect(seqsOf(await reopened.search('ordinary', 2))).toEqual([ROWS, ROWS - 1])
  })
})
