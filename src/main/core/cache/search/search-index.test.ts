/**
 * The deferred search index (search-indexer.ts): messages are searchable the
 * moment they are stored, the index catches up in steps, survives restarts
 * and crashes mid-way, and never holds a stale or duplicate entry.
 */
import { spawnSync } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { connectionOf, expectIndexExact, expectIndexInvariant } from '../../../../../test/support/cache/search-checks'
import { serverMessage, serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'
import { catchUpSearchIndex, searchIndexBacklog, searchIndexStats, whenSearchIndexed } from '../../testing'
import { latestVersion, migrate, migrations } from '../database/migrate'
import { openCache } from '../index'
import type { SqliteCache } from '../sqlite-cache'
import type { Cache } from '../types'
import { MAX_STEP_ROWS } from './search-indexer'

const keysOf = async (cache: Cache, query: string, limit = 1_000): Promise<string[]> =>
  (await cache.search(query, limit)).map((hit) => hit.messageKey)
const manual = { backgroundIndexing: false } as const

/** A body with a word of its own (`uniq<n>x`), one shared word, and some Chinese. */
const numbered = (conversationId: string, from: number, to: number) =>
  serverMessages(conversationId, from, to).map((m) => ({ ...m, body: `note uniq${m.seq}x about the 预算会议 number ${m.seq}` }))

describe('searchable before and after indexing', () => {
  test('a stored message is found at once, while it is only in the backlog, and the same way once indexed', async () => {
    const { cache } = tempCache(manual)
    cache.storeMessages([
      serverMessage('c1', 1, { body: 'Quarterly budget review on Friday' }),
      serverMessage('c1', 2, { body: '我们周末去爬山吧 🎉' }),
      serverMessage('c1', 3, { body: 'Café crème, naïve résumé' }),
    ])
    expect(searchIndexBacklog(cache)).toBe(3)
    const queries = ['budget', 'BUDGET review', '去爬山', '周末', '🎉', 'cafe', 'CRÈME resume', 'fri budget', 'nothing like this']
    const before = await Promise.all(queries.map((query) => cache.search(query, 10)))
    expect(before.map((hits) => hits.map((hit) => hit.seq))).toEqual([[1], [1], [2], [2], [2], [3], [3], [1], []])

    expect(catchUpSearchIndex(cache)).toBe(3)
    expect(searchIndexBacklog(cache)).toBe(0)
    expect(await Promise.all(queries.map((query) => cache.search(query, 10)))).toEqual(before)
    expectIndexExact(cache)
  })

  test('pending messages too: found as soon as addPending returns', async () => {
    const { cache } = tempCache(manual)
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'draft of the agenda 议程', createdAt: 5 })
    expect(searchIndexBacklog(cache)).toBe(1)
    expect(await keysOf(cache, 'agenda')).toEqual(['me:k1'])
    expect(await keysOf(cache, '议程')).toEqual(['me:k1'])
    catchUpSearchIndex(cache)
    expect(await keysOf(cache, 'agenda')).toEqual(['me:k1'])
    expectIndexExact(cache)
  })

  test('a page of indexed hits merges with newer backlog rows, newest first, within the limit', async () => {
    const { cache } = tempCache(manual)
    cache.storeMessages(numbered('c1', 1, 30))
    catchUpSearchIndex(cache)
    cache.storeMessages(numbered('c1', 31, 40))
    // Older history arriving late lands in the backlog below the indexed rows.
    cache.storeMessages(numbered('c0', 1, 5).map((m) => ({ ...m, createdAt: m.seq })))
    expect(searchIndexBacklog(cache)).toBe(15)
    const seqs = async (limit: number) => (await cache.search('about the', limit)).map((hit) => `${hit.conversationId}:${hit.seq}`)
    const all = [...Array.from({ length: 40 }, (_, i) => `c1:${40 - i}`), ...Array.from({ length: 5 }, (_, i) => `c0:${5 - i}`)]
    for (const limit of [1, 5, 10, 11, 39, 40, 41, 45, 100]) expect(await seqs(limit)).toEqual(all.slice(0, limit))
    expect(await keysOf(cache, 'uniq3x')).toEqual(['bob:c1-c3', 'bob:c0-c3'])
    catchUpSearchIndex(cache)
    for (const limit of [1, 10, 41, 100]) expect(await seqs(limit)).toEqual(all.slice(0, limit))
  })

  test('the background indexer catches up by itself, in steps, and whenSearchIndexed tells when', async () => {
    const { cache } = tempCache()
    for (let from = 1; from <= 3_000; from += 200) cache.storeMessages(numbered('c1', from, from + 199))
    expect(searchIndexBacklog(cache)).toBe(3_000)
    expect(await keysOf(cache, 'uniq2999x')).toEqual(['bob:c1-c2999'])
    await whenSearchIndexed(cache)
    expect(searchIndexBacklog(cache)).toBe(0)
    expect(await keysOf(cache, 'uniq2999x')).toEqual(['bob:c1-c2999'])
    expect((await cache.search('预算会议', 5_000))).toHaveLength(3_000)
    expectIndexExact(cache)
  })

  test('one step stops at its time budget, however large the backlog', () => {
    const { cache } = tempCache(manual)
    for (let from = 1; from <= 4_000; from += 500) cache.storeMessages(numbered('c1', from, from + 499))
    const indexer = (cache as SqliteCache).indexer
    // The deadline is checked after every row: with no time to spare a step
    // indexes exactly one row, on any machine, and still commits it.
    for (let i = 1; i <= 3; i++) {
      expect(indexer.step(0)).toBe(1)
      expect(searchIndexBacklog(cache)).toBe(4_000 - i)
    }
    expectIndexInvariant(cache)
    // With the default budget, however fast the machine, a step takes at most
    // MAX_ROWS; every row leaves the backlog exactly once. (How long steps
    // take is measured by bench/core, not asserted here.)
    const sizes: number[] = []
    let left = searchIndexBacklog(cache)
    while (left > 0) {
      const done = catchUpSearchIndex(cache, 1)
      expect(done).toBeGreaterThan(0)
      expect(done).toBeLessThanOrEqual(MAX_STEP_ROWS)
      sizes.push(done)
      left -= done
      expect(searchIndexBacklog(cache)).toBe(left)
    }
    expect(sizes.length).toBeGreaterThanOrEqual(Math.ceil(3_997 / MAX_STEP_ROWS))
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(3_997)
    expect(catchUpSearchIndex(cache, 1)).toBe(0)
    // Older history arriving late waits in the backlog table, not the tail: the same deadline.
    cache.storeMessages(numbered('c0', 1, 20).map((m) => ({ ...m, createdAt: m.seq })))
    expect(indexer.step(0)).toBe(1)
    expect(searchIndexBacklog(cache)).toBe(19)
    expect(catchUpSearchIndex(cache)).toBe(19)
    expectIndexExact(cache)
  })
})

describe('restarts', () => {
  test('close and reopen mid-backlog: indexing resumes where it stopped, no result is lost or doubled', async () => {
    const temp = tempCache(manual)
    for (let from = 1; from <= 2_000; from += 250) temp.cache.storeMessages(numbered('c1', from, from + 249))
    // One step takes at most 250 rows (its first estimate), however fast the machine.
    catchUpSearchIndex(temp.cache, 1)
    const left = searchIndexBacklog(temp.cache)
    expect(left).toBeGreaterThan(0)
    expect(left).toBeLessThan(2_000)
    expectIndexInvariant(temp.cache)
    const sample = [1, 2, 500, 1_000, 1_999, 2_000].map((n) => `uniq${n}x`)
    const before = await Promise.all(sample.map((query) => keysOf(temp.cache, query)))
    expect(before).toEqual(sample.map((_, i) => [`bob:c1-c${[1, 2, 500, 1_000, 1_999, 2_000][i]}`]))

    const reopened = temp.reopen({ backgroundIndexing: true })
    expect(searchIndexBacklog(reopened)).toBe(left)
    expect(await Promise.all(sample.map((query) => keysOf(reopened, query)))).toEqual(before)
    await whenSearchIndexed(reopened)
    expect(await Promise.all(sample.map((query) => keysOf(reopened, query)))).toEqual(before)
    const all = await keysOf(reopened, 'number', 5_000)
    expect(all).toHaveLength(2_000)
    expect(new Set(all).size).toBe(2_000)
    expectIndexExact(reopened)
  })

  test('close() while the background indexer is mid-way leaves a consistent database', async () => {
    const temp = tempCache()
    for (let from = 1; from <= 3_000; from += 300) temp.cache.storeMessages(numbered('c1', from, from + 299))
    // Let a few steps run, then close between two of them.
    while (searchIndexBacklog(temp.cache) > 2_500) await new Promise((resolve) => setTimeout(resolve, 2))
    const indexing = whenSearchIndexed(temp.cache)
    temp.cache.close()
    await expect(indexing).rejects.toThrow(/closed/)
    // Timers that were due must not touch the closed connection.
    await new Promise((resolve) => setTimeout(resolve, 50))

    const reopened = temp.reopen(manual)
    const left = searchIndexBacklog(reopened)
    expect(left).toBeGreaterThan(0)
    expect(left).toBeLessThan(3_000)
    expectIndexInvariant(reopened)
    expect(await keysOf(reopened, 'uniq1x')).toEqual(['bob:c1-c1'])
    catchUpSearchIndex(reopened)
    expect(await keysOf(reopened, 'number', 5_000)).toHaveLength(3_000)
    expectIndexExact(reopened)
  })

  test('a crash (SIGKILL) while indexing loses nothing: the next open resumes', async () => {
    const temp = tempCache(manual)
    temp.cache.close()
    const script = `
      import { openCache } from ${JSON.stringify(fileURLToPath(new URL('../index.ts', import.meta.url)))}
      const cache = openCache({ path: ${JSON.stringify(temp.path)}, me: 'me' })
      for (let page = 0; page < 10; page++) {
        cache.storeMessages(Array.from({ length: 200 }, (_, i) => {
          const seq = page * 200 + i + 1
          return { id: 's' + seq, conversationId: 'c1', seq, rev: seq, senderId: 'bob', clientId: 'b' + seq, body: 'crash test uniq' + seq + 'x 崩溃', createdAt: 10_000 + seq, editedAt: null, deletedAt: null, replyTo: null, reactions: [], mentions: [], attachments: [] }
        }))
      }
      // The background indexer runs a few steps, then the process dies without closing.
      setTimeout(() => process.kill(process.pid, 'SIGKILL'), 30)
    `
    const child = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: fileURLToPath(new URL('../../../../..', import.meta.url)),
      encoding: 'utf8',
    })
    expect(child.signal, child.stderr).toBe('SIGKILL')
    const cache = temp.reopen(manual)
    expectIndexInvariant(cache)
    expect(await keysOf(cache, '崩溃', 5_000)).toHaveLength(2_000)
    expect(await keysOf(cache, 'uniq1234x')).toEqual(['bob:b1234'])
    catchUpSearchIndex(cache)
    expect(await keysOf(cache, '崩溃', 5_000)).toHaveLength(2_000)
    expectIndexExact(cache)
  })
})

describe('changes to indexed and unindexed rows', () => {
  const draft = (clientId: string, body: string, createdAt = 50_000) => ({ conversationId: 'c1', senderId: 'me', clientId, body, createdAt })

  for (const indexedFirst of [false, true]) {
    const when = indexedFirst ? 'after it was indexed' : 'while it is in the backlog'
    test(`pending → sent ${when}: one hit, now sent, under its new row id; the old entry is gone`, async () => {
      const { cache } = tempCache(manual)
      cache.addPending(draft('k1', 'lunch plans for thursday'))
      if (indexedFirst) catchUpSearchIndex(cache)
      // The server's copy: its own time (so a new row id) and, here, a normalized body.
      cache.storeMessages([serverMessage('c1', 7, { senderId: 'me', clientId: 'k1', body: 'Lunch plans for Friday', createdAt: 60_000 })])
      expect((await cache.search('lunch', 10)).map((hit) => [hit.messageKey, hit.seq])).toEqual([['me:k1', 7]])
      expect(await keysOf(cache, 'thursday')).toEqual([])
      expect(await keysOf(cache, 'friday')).toEqual(['me:k1'])
      expectIndexInvariant(cache)
      catchUpSearchIndex(cache)
      expect((await cache.search('lunch', 10)).map((hit) => [hit.messageKey, hit.seq])).toEqual([['me:k1', 7]])
      expect(await keysOf(cache, 'thursday')).toEqual([])
      expect(await keysOf(cache, 'friday')).toEqual(['me:k1'])
      expectIndexExact(cache)
    })

    test(`failed and retried ${when}: still one hit, with no re-indexing needed`, async () => {
      const { cache } = tempCache(manual)
      cache.addPending(draft('k1', 'message that will fail'))
      if (indexedFirst) catchUpSearchIndex(cache)
      const backlog = searchIndexBacklog(cache)
      cache.markFailed('c1', 'k1', 'Body too long')
      expect(await keysOf(cache, 'will fail')).toEqual(['me:k1'])
      cache.retryFailed('c1', 'k1')
      expect(await keysOf(cache, 'will fail')).toEqual(['me:k1'])
      expect(searchIndexBacklog(cache)).toBe(backlog)
      catchUpSearchIndex(cache)
      expect(await keysOf(cache, 'will fail')).toEqual(['me:k1'])
      expectIndexExact(cache)
    })

    test(`deleteUnsent ${when}: no hit left behind, in the index or the backlog`, async () => {
      const { cache } = tempCache(manual)
      cache.addPending(draft('k1', 'delete me please'))
      cache.addPending(draft('k2', 'keep me please', 50_001))
      if (indexedFirst) catchUpSearchIndex(cache)
      cache.markFailed('c1', 'k1', 'refused')
      expect(cache.deleteUnsent('c1', 'k1')).toBe(true)
      expect(await keysOf(cache, 'please')).toEqual(['me:k2'])
      expect(await keysOf(cache, 'delete')).toEqual([])
      expectIndexInvariant(cache)
      catchUpSearchIndex(cache)
      expect(await keysOf(cache, 'please')).toEqual(['me:k2'])
      expectIndexExact(cache)
    })
  }

  test('re-delivered pages change nothing: no duplicate rows, hits or backlog entries', async () => {
    const { cache } = tempCache(manual)
    const page = numbered('c1', 1, 50)
    cache.storeMessages(page)
    catchUpSearchIndex(cache, 1)
    const backlog = searchIndexBacklog(cache)
    expect(cache.storeMessages(page).inserted).toBe(0)
    expect(cache.storeMessages(page.slice(10, 20)).changed.size).toBe(0)
    expect(searchIndexBacklog(cache)).toBe(backlog)
    expect(await keysOf(cache, 'note', 100)).toHaveLength(50)
    catchUpSearchIndex(cache)
    expect(await keysOf(cache, 'note', 100)).toHaveLength(50)
    expectIndexExact(cache)
  })

  test('a body edited in place (another connection) is re-indexed, never matched by its old text', async () => {
    const { cache } = tempCache(manual)
    cache.storeMessages([serverMessage('c1', 1, { body: 'original wording here' })])
    catchUpSearchIndex(cache)
    connectionOf(cache).prepare('UPDATE messages SET body = ? WHERE seq = 1').run('corrected wording here')
    expect(searchIndexBacklog(cache)).toBe(1)
    expect(await keysOf(cache, 'original')).toEqual([])
    expect(await keysOf(cache, 'corrected')).toEqual(['bob:c1-c1'])
    catchUpSearchIndex(cache)
    expect(await keysOf(cache, 'original')).toEqual([])
    expect(await keysOf(cache, 'corrected')).toEqual(['bob:c1-c1'])
    expectIndexExact(cache)
  })

  test('a term with NUL in it is searched, not a syntax error', async () => {
    const { cache } = tempCache(manual)
    cache.storeMessages([serverMessage('c1', 1, { body: 'abc\u0000def and more' }), serverMessage('c1', 2, { body: 'abcdef plain' })])
    const before = await keysOf(cache, 'bc\u0000de')
    expect(before).toEqual(['bob:c1-c2', 'bob:c1-c1'])
    catchUpSearchIndex(cache)
    expect(await keysOf(cache, 'bc\u0000de')).toEqual(before)
    expect(await keysOf(cache, 'abcdef')).toEqual(before)
  })
})

test('the index is not rebuilt by opening: a cache with nothing to index schedules nothing', async () => {
  const temp = tempCache()
  temp.cache.storeMessages(numbered('c1', 1, 10))
  await whenSearchIndexed(temp.cache)
  const reopened = openCache({ path: temp.path, me: 'me' })
  try {
    expect(searchIndexBacklog(reopened)).toBe(0)
    await expect(whenSearchIndexed(reopened)).resolves.toBeUndefined()
  } finally {
    reopened.close()
  }
})

/** Close the temp cache and rebuild its file empty at schema `version` (an older app's cache); the caller closes the connection. */
function schemaOf(temp: ReturnType<typeof tempCache>, version: number): BetterSqlite3.Database {
  temp.cache.close()
  const db = new BetterSqlite3(temp.path)
  db.pragma('user_version = 0')
  for (const name of ['drafts', 'blocked_users', 'message_attachments', 'outbox_attachments', 'attachment_files', 'messages_fts', 'messages_fts_backlog', 'messages_fts_tail', 'messages_fts_stale', 'messages', 'outbox', 'settings', 'markers', 'conversation_members', 'conversations', 'users']) {
    db.exec(`DROP TABLE IF EXISTS ${name}`)
  }
  migrate(db, temp.path, migrations.slice(0, version))
  return db
}

describe('upgrading a schema-1 cache', () => {
  test('its index stays valid and in use: nothing to re-index, every message found, own rows still unique', async () => {
    const temp = tempCache(manual)
    // A cache as the previous version left it: rows indexed by the old triggers, in the same transaction.
    const db = schemaOf(temp, 1)
    const insert = db.prepare(
      `INSERT INTO messages (row_id, conversation_id, id, seq, sender_id, client_id, body, created_at, state, own) VALUES (?, 'c1', ?, ?, 'bob', ?, ?, ?, 'sent', 0)`,
    )
    for (let seq = 1; seq <= 100; seq++) insert.run(10_000 + seq, `m${seq}`, seq, `k${seq}`, `old message uniq${seq}x 旧消息`, 10_000 + seq)
    db.prepare(
      `INSERT INTO messages (row_id, conversation_id, sender_id, client_id, body, created_at, state, own) VALUES (20000, 'c1', 'me', 'p1', 'pending from before', 20000, 'pending', 1)`,
    ).run()
    db.close()

    const cache = temp.reopen(manual)
    expect(connectionOf(cache).pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(searchIndexBacklog(cache)).toBe(0)
    expectIndexExact(cache)
    expect(await keysOf(cache, '旧消息', 1_000)).toHaveLength(100)
    expect(await keysOf(cache, 'uniq42x')).toEqual(['bob:k42'])
    expect(await keysOf(cache, 'before')).toEqual(['me:p1'])
    expect(() => cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'again', createdAt: 1 })).toThrow(/UNIQUE/)
    // The pending row converts when the server's copy arrives, as before.
    cache.storeMessages([serverMessage('c1', 101, { senderId: 'me', clientId: 'p1', body: 'pending from before', createdAt: 30_000 })])
    expect((await cache.search('before', 10)).map((hit) => [hit.messageKey, hit.seq])).toEqual([['me:p1', 101]])
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
  })
})

describe('upgrading a schema-2 cache', () => {
  test('its backlog and index carry over, my messages are flagged for unread counts, new rows still reach the backlog', async () => {
    const temp = tempCache(manual)
    // A cache as schema 2 left it: rows noted in the backlog by its insert trigger, half of them indexed since.
    const db = schemaOf(temp, 2)
    const insert = db.prepare(
      `INSERT INTO messages (row_id, conversation_id, id, seq, sender_id, client_id, body, created_at, state, own) VALUES (?, 'c1', ?, ?, ?, ?, ?, ?, 'sent', 0)`,
    )
    for (let seq = 1; seq <= 100; seq++) {
      insert.run(10_000 + seq, `m${seq}`, seq, seq % 4 === 0 ? 'me' : 'bob', `k${seq}`, `schema two uniq${seq}x 第二版`, 10_000 + seq)
    }
    expect(db.prepare('SELECT count(*) FROM messages_fts_backlog').pluck().get()).toBe(100)
    const indexRow = db.prepare('INSERT INTO messages_fts (rowid, body) VALUES (?, ?)')
    for (let seq = 1; seq <= 50; seq++) indexRow.run(10_000 + seq, `schema two uniq${seq}x 第二版`)
    db.prepare('DELETE FROM messages_fts_backlog WHERE row_id <= 10050').run()
    db.close()

    const cache = temp.reopen(manual)
    const connection = connectionOf(cache)
    expect(connection.pragma('user_version', { simple: true })).toBe(latestVersion)
    const indexes = connection.prepare(`SELECT name FROM sqlite_schema WHERE type = 'index' AND tbl_name = 'messages'`).pluck().all()
    expect(indexes).not.toContain('messages_by_id')
    expect(indexes).not.toContain('messages_by_sender')
    expect(indexes).toContain('messages_mine')
    expect(searchIndexBacklog(cache)).toBe(50)
    expectIndexInvariant(cache)
    expect(await keysOf(cache, '第二版')).toHaveLength(100)
    // 25 of the 100 are mine (every fourth), none read.
    expect(cache.unreadCount('c1')).toBe(75)
    // New rows, sent and pending, go to the backlog without the old trigger.
    cache.storeMessages(serverMessages('c1', 101, 110, { body: 'after the upgrade' }))
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p9', body: 'pending after the upgrade', createdAt: 50_000 })
    expect(searchIndexBacklog(cache)).toBe(61)
    expectIndexInvariant(cache)
    expect(await keysOf(cache, 'after the upgrade')).toHaveLength(11)
    expect(cache.unreadCount('c1')).toBe(85)
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
    expect(await keysOf(cache, '第二版')).toHaveLength(100)
  })
})

describe('background indexing leaves a run of writes the thread', () => {
  const writeFor = async (cache: Cache, ms: number, from: number): Promise<number> => {
    const end = performance.now() + ms
    let seq = from
    while (performance.now() < end) {
      cache.storeMessages(numbered('c1', seq, seq + 19))
      seq += 20
      await new Promise((resolve) => setImmediate(resolve))
    }
    return seq
  }

  test('no step while writes keep coming; the backlog is indexed once they stop', async () => {
    // A wide busy window, so that a descheduled moment on a loaded machine does not count as a pause.
    const { cache } = tempCache({ indexerTiming: { busyWindowMs: 1_000, deferMs: 60_000 } })
    const seq = await writeFor(cache, 400, 1)
    expect(searchIndexStats(cache).steps).toBe(0)
    expect(searchIndexBacklog(cache)).toBe(seq - 1)
    await whenSearchIndexed(cache)
    expect(searchIndexStats(cache).steps).toBeGreaterThan(0)
    expectIndexExact(cache)
  })

  test('writes that go on past deferMs no longer hold it back', async () => {
    const { cache } = tempCache({ indexerTiming: { busyWindowMs: 250, deferMs: 100 } })
    await writeFor(cache, 600, 1)
    expect(searchIndexStats(cache).steps).toBeGreaterThan(0)
    await whenSearchIndexed(cache)
    expectIndexExact(cache)
  })
})

test('a held indexer starts no step until every hold is released; then it catches up by itself', async () => {
  const { cache } = tempCache({ indexerTiming: { busyWindowMs: 1, deferMs: 1 } })
  const indexer = (cache as SqliteCache).indexer
  const first = indexer.hold()
  const second = indexer.hold()
  cache.storeMessages(numbered('c1', 1, 300))
  const indexed = whenSearchIndexed(cache)
  await new Promise((resolve) => setTimeout(resolve, 100))
  first()
  // Released twice: counts once.
  first()
  await new Promise((resolve) => setTimeout(resolve, 50))
  expect(searchIndexStats(cache).steps).toBe(0)
  expect(searchIndexBacklog(cache)).toBe(300)
  second()
  await indexed
  expect(searchIndexStats(cache).steps).toBeGreaterThan(0)
  expectIndexExact(cache)
})

describe('the tail: new rows need no backlog row of their own', () => {
  const backlogTableRows = (cache: Cache) => connectionOf(cache).prepare('SELECT count(*) FROM messages_fts_backlog').pluck().get()

  test('pages newer than everything indexed are the tail; older history arriving later goes to the backlog table', async () => {
    const { cache } = tempCache(manual)
    cache.storeMessages(numbered('new', 1, 300))
    expect(backlogTableRows(cache)).toBe(0)
    expect(searchIndexBacklog(cache)).toBe(300)
    expectIndexInvariant(cache)
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
    // A conversation whose history is older than every indexed row: below the tail mark.
    cache.storeMessages(numbered('old', 1, 40).map((m) => ({ ...m, createdAt: m.createdAt - 5_000_000 })))
    // And new ones again, above it.
    cache.storeMessages(numbered('new', 301, 320))
    expect(backlogTableRows(cache)).toBe(40)
    expect(searchIndexBacklog(cache)).toBe(60)
    expectIndexInvariant(cache)
    expect(await keysOf(cache, 'number')).toHaveLength(360)
    // Half-way: part of the tail done, the table untouched; then everything.
    catchUpSearchIndex(cache, 1)
    expectIndexInvariant(cache)
    expect(await keysOf(cache, 'number')).toHaveLength(360)
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
    expect(await keysOf(cache, 'number')).toHaveLength(360)
  })

  test('a pending message above the mark and its conversion below it: one hit throughout', async () => {
    const { cache } = tempCache(manual)
    cache.storeMessages(numbered('c1', 1, 10))
    catchUpSearchIndex(cache)
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'pending uniqpx', createdAt: 90_000 })
    expect(backlogTableRows(cache)).toBe(0)
    expect(await keysOf(cache, 'uniqpx')).toEqual(['me:p1'])
    // The server's copy carries an older time: the row moves below the mark.
    cache.storeMessages([serverMessage('c1', 11, { senderId: 'me', clientId: 'p1', body: 'pending uniqpx', createdAt: 5 })])
    expectIndexInvariant(cache)
    expect(await keysOf(cache, 'uniqpx')).toEqual(['me:p1'])
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
    expect(await keysOf(cache, 'uniqpx')).toEqual(['me:p1'])
  })
})
