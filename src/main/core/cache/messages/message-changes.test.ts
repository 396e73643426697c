/**
 * Changes the server makes to cached messages (issue 17): a newer rev
 * replaces what is stored, an older or equal one never does; search follows
 * edits and deletes at once (an edit's old index entry is deleted later by
 * the indexer, and ignored by search meanwhile); a deleted message's text
 * leaves the file; reply previews, mentions and unread counts follow.
 */
import { readFileSync } from 'node:fs'
import type { Database } from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { expectIndexExact, expectIndexInvariant } from '../../../../../test/support/cache/search-checks'
import { conversationDto, serverMessage, tempCache } from '../../../../../test/support/cache/temp-cache'
import { catchUpSearchIndex, searchIndexBacklog } from '../../testing'
import type { SqliteCache } from '../sqlite-cache'
import type { Cache } from '../types'

const connection = (cache: Cache) => (cache as unknown as { db: Database }).db
const keys = async (cache: Cache, query: string) => (await cache.search(query, 10)).map((hit) => hit.seq)
/** Old index entries of edited rows not deleted yet (database/migrations/006-deferred-search-forget.ts). */
const staleEntries = (cache: Cache) => connection(cache).prepare('SELECT row_id, body FROM messages_fts_stale ORDER BY row_id').all()
/** The FTS5 index's own blocks: any write to messages_fts changes them. */
const indexBlocks = (cache: Cache) => connection(cache).prepare('SELECT count(*), total(length(block)) FROM messages_fts_data').raw().get()

describe('a newer rev replaces a cached message; an older or equal one is ignored', () => {
  test('edit, reactions, tombstone — and the stale copies that arrive after them', () => {
    const { cache } = tempCache()
    cache.storeMessages([serverMessage('c1', 1, { body: 'first text' })])
    const edited = serverMessage('c1', 1, { rev: 5, body: 'second text', editedAt: 20_000 })
    const result = cache.storeMessages([edited])
    expect(result.inserted).toBe(0)
    expect(result.added.size).toBe(0)
    expect(result.changed.get('c1')).toMatchObject([{ body: 'second text', rev: 5, editedAt: 20_000 }])
    // The same rev again, and an older one: nothing changes, nothing is reported.
    expect(cache.storeMessages([edited]).changed.size).toBe(0)
    expect(cache.storeMessages([serverMessage('c1', 1, { rev: 3, body: 'stale' })]).changed.size).toBe(0)
    expect(cache.messageBySeq('c1', 1)).toMatchObject({ body: 'second text', rev: 5 })

    const reacted = serverMessage('c1', 1, { rev: 6, body: 'second text', editedAt: 20_000, reactions: [{ emoji: '👍', userIds: ['me', 'bob'] }] })
    cache.storeMessages([reacted])
    expect(cache.messageBySeq('c1', 1)?.reactions).toEqual([{ emoji: '👍', userIds: ['me', 'bob'] }])

    const tombstone = serverMessage('c1', 1, { rev: 7, body: '', editedAt: 20_000, deletedAt: 30_000 })
    cache.storeMessages([tombstone])
    expect(cache.storeMessages([reacted]).changed.size).toBe(0)
    expect(cache.messageBySeq('c1', 1)).toMatchObject({ body: '', deletedAt: 30_000, reactions: [], rev: 7 })
  })

  test('a cache from before revs (rev NULL) takes any rev', () => {
    const temp = tempCache()
    temp.cache.storeMessages([serverMessage('c1', 1, { body: 'old' })])
    connection(temp.cache).prepare('UPDATE messages SET rev = NULL').run()
    temp.cache.storeMessages([serverMessage('c1', 1, { rev: 1, body: 'now' })])
    expect(temp.cache.messageBySeq('c1', 1)?.body).toBe('now')
  })
})

describe('search follows edits and deletes at once', () => {
  for (const indexed of [false, true]) {
    test(`${indexed ? 'indexed' : 'still unindexed'}: the old text is never found, the new one at once; a tombstone matches nothing`, async () => {
      const { cache } = tempCache({ backgroundIndexing: false })
      cache.storeMessages([serverMessage('c1', 1, { body: 'meet at the harbour' }), serverMessage('c1', 2, { body: '周末去爬山' })])
      if (indexed) catchUpSearchIndex(cache)
      cache.storeMessages([serverMessage('c1', 1, { rev: 3, body: 'meet at the station', editedAt: 1 })])
      expect(await keys(cache, 'harbour')).toEqual([])
      expect(await keys(cache, 'station')).toEqual([1])
      cache.storeMessages([serverMessage('c1', 2, { rev: 4, body: '', deletedAt: 2 })])
      expect(await keys(cache, '爬山')).toEqual([])
      expect(await keys(cache, '周末去')).toEqual([])
      catchUpSearchIndex(cache)
      expect(await keys(cache, 'harbour')).toEqual([])
      expect(await keys(cache, '周末去')).toEqual([])
      expect(await keys(cache, 'station')).toEqual([1])
    })
  }
})

describe('an edit’s old index entry is deleted by the indexer, after the write; search never finds the old text', () => {
  const COUNT = 300
  const body = (n: number, word: string) => `${word}${n}x shared words 共同的话 ${n}`
  const edits = (word: string, rev: number) =>
    Array.from({ length: COUNT }, (_, i) => serverMessage('c1', i + 1, { rev: rev + i, body: body(i + 1, word), editedAt: 5 }))

  test('300 indexed rows edited: before the indexer runs, after one old entry, part way, and at the end', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    cache.storeMessages(Array.from({ length: COUNT }, (_, i) => serverMessage('c1', i + 1, { body: body(i + 1, 'oldword') })))
    catchUpSearchIndex(cache)
    const all = edits('newword', 1_000)
    for (let at = 0; at < COUNT; at += 50) cache.storeMessages(all.slice(at, at + 50))
    expect(staleEntries(cache)).toHaveLength(COUNT)
    expect(searchIndexBacklog(cache)).toBe(COUNT)
    const newestFirst = Array.from({ length: COUNT }, (_, i) => COUNT - i)
    const check = async (moment: string) => {
      expectIndexInvariant(cache)
      for (const n of [1, 2, 150, 299, 300]) {
        expect(await keys(cache, `oldword${n}x`), `${moment}: the old text of ${n}`).toEqual([])
        expect(await keys(cache, `newword${n}x`), `${moment}: the new text of ${n}`).toEqual([n])
      }
      expect(await cache.search('oldword', 1_000), moment).toEqual([])
      expect((await cache.search('NEWWORD', 1_000)).map((hit) => hit.seq), moment).toEqual(newestFirst)
      // In the old text and the new: each row once, newest first, whatever the limit.
      for (const limit of [1, 10, 299, 300, 1_000]) {
        expect((await cache.search('shared words', limit)).map((hit) => hit.seq), `${moment}, limit ${limit}`).toEqual(newestFirst.slice(0, limit))
        expect((await cache.search('共同的话', limit)).map((hit) => hit.seq), `${moment}, limit ${limit}`).toEqual(newestFirst.slice(0, limit))
      }
    }
    await check('before the indexer runs')
    expect((cache as SqliteCache).indexer.step(0)).toBe(1)
    expect(staleEntries(cache)).toHaveLength(COUNT - 1)
    await check('one old entry deleted')
    catchUpSearchIndex(cache, 2)
    await check('part way')
    catchUpSearchIndex(cache)
    expect(staleEntries(cache)).toEqual([])
    await check('all done')
    expectIndexExact(cache)
  })

  test('storing an edit leaves messages_fts untouched; a second edit keeps the first old body (what the index holds)', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    cache.storeMessages([serverMessage('c1', 1, { body: 'first wording' }), serverMessage('c1', 2, { body: 'untouched neighbour' })])
    catchUpSearchIndex(cache)
    const rowId = connection(cache).prepare('SELECT row_id FROM messages WHERE seq = 1').pluck().get() as number
    const blocks = indexBlocks(cache)
    cache.storeMessages([serverMessage('c1', 1, { rev: 5, body: 'second wording', editedAt: 1 })])
    // Fails with the FTS5 'delete' in the write (schema 5's trigger): that writes a segment.
    expect(indexBlocks(cache)).toEqual(blocks)
    cache.storeMessages([serverMessage('c1', 1, { rev: 6, body: 'third wording', editedAt: 2 })])
    expect(indexBlocks(cache)).toEqual(blocks)
    expect(staleEntries(cache)).toEqual([{ row_id: rowId, body: 'first wording' }])
    expect(await keys(cache, 'first')).toEqual([])
    expect(await keys(cache, 'second')).toEqual([])
    expect(await keys(cache, 'third wording')).toEqual([1])
    // Reactions leave the body alone: nothing noted.
    cache.storeMessages([serverMessage('c1', 2, { rev: 7, body: 'untouched neighbour', reactions: [{ emoji: '👍', userIds: ['me'] }] })])
    expect(staleEntries(cache)).toHaveLength(1)
    expect(searchIndexBacklog(cache)).toBe(1)
    catchUpSearchIndex(cache)
    expect(staleEntries(cache)).toEqual([])
    expectIndexExact(cache)
    expect(await keys(cache, 'wording')).toEqual([1])
    expect(await keys(cache, 'neighbour')).toEqual([2])
  })

  test('a delete for everyone, a deleted row or a new row id after an edit take the old entry out at once', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    cache.storeMessages([1, 2, 3].map((seq) => serverMessage('c1', seq, { body: `original text ${seq}` })))
    catchUpSearchIndex(cache)
    cache.storeMessages([1, 2, 3].map((seq) => serverMessage('c1', seq, { rev: 10 + seq, body: `edited text ${seq}`, editedAt: 1 })))
    expect(staleEntries(cache)).toHaveLength(3)
    const db = connection(cache)
    const rowOf = (seq: number) => db.prepare('SELECT row_id FROM messages WHERE seq = ?').pluck().get(seq) as number
    const [, two, three] = [rowOf(1), rowOf(2), rowOf(3)]
    let blocks = indexBlocks(cache)
    cache.storeMessages([serverMessage('c1', 1, { rev: 20, body: '', deletedAt: 2 })])
    expect(staleEntries(cache)).toHaveLength(2)
    expect(indexBlocks(cache)).not.toEqual(blocks)
    blocks = indexBlocks(cache)
    db.prepare('DELETE FROM messages WHERE row_id = ?').run(two)
    expect(staleEntries(cache)).toHaveLength(1)
    expect(indexBlocks(cache)).not.toEqual(blocks)
    db.prepare('UPDATE messages SET row_id = ? WHERE row_id = ?').run(three + 1_000_000, three)
    expect(staleEntries(cache)).toEqual([])
    expectIndexInvariant(cache)
    expect(await keys(cache, 'original')).toEqual([])
    expect(await keys(cache, 'text')).toEqual([3])
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
    expect(await keys(cache, 'original')).toEqual([])
    expect(await keys(cache, 'edited text')).toEqual([3])
  })
})

test('a deleted message’s text is gone from the database file and its WAL (secure_delete), once checkpointed', async () => {
  const temp = tempCache({ backgroundIndexing: false })
  const secret = 'PX-secret-7f3a9c-unique-marker 秘密的会面地点'
  // Long, as a pasted text is: its overflow pages go to the free list when it is deleted, and there,
  // without secure_delete, the text would stay (checked: this test fails with it off).
  temp.cache.storeMessages(
    Array.from({ length: 40 }, (_, i) => serverMessage('c1', i + 1, { body: i === 1 ? `${secret} ${'长'.repeat(3_000)}` : `neighbour ${i}` })),
  )
  catchUpSearchIndex(temp.cache)
  const db = connection(temp.cache)
  expect(db.pragma('secure_delete', { simple: true })).toBe(1)
  db.pragma('wal_checkpoint(TRUNCATE)')
  const bytes = Buffer.from(secret, 'utf8')
  const inFiles = () => [temp.path, `${temp.path}-wal`].map((file) => readFileSync(file, { flag: 'r' }).includes(bytes))
  expect(inFiles()).toEqual([true, false])

  temp.cache.storeMessages([serverMessage('c1', 2, { rev: 4, body: '', deletedAt: 50_000 })])
  catchUpSearchIndex(temp.cache)
  expect(await temp.cache.search('unique-marker', 10)).toEqual([])
  db.pragma('wal_checkpoint(TRUNCATE)')
  expect(inFiles()).toEqual([false, false])
  // Nor any part of it long enough to mean something: the CJK half, the marker alone.
  for (const part of ['秘密的会面地点', 'PX-secret-7f3a9c']) {
    expect(readFileSync(temp.path).includes(Buffer.from(part, 'utf8')), part).toBe(false)
  }
})

describe('an edited message’s old text leaves the file too', () => {
  const secret = 'PX-secret-7f3a9c-unique-marker 秘密的会面地点'
  const setUp = () => {
    const temp = tempCache({ backgroundIndexing: false })
    temp.cache.storeMessages(
      Array.from({ length: 40 }, (_, i) => serverMessage('c1', i + 1, { body: i === 1 ? `${secret} ${'长'.repeat(3_000)}` : `neighbour ${i}` })),
    )
    catchUpSearchIndex(temp.cache)
    const db = connection(temp.cache)
    db.pragma('wal_checkpoint(TRUNCATE)')
    const inFiles = (text: string) => [temp.path, `${temp.path}-wal`].map((file) => readFileSync(file).includes(Buffer.from(text, 'utf8')))
    expect(inFiles(secret)).toEqual([true, false])
    return { temp, db, inFiles }
  }

  test('edited: kept as the stale entry until the indexer deletes it, then gone once checkpointed', async () => {
    const { temp, db, inFiles } = setUp()
    temp.cache.storeMessages([serverMessage('c1', 2, { rev: 4, body: 'nothing to see here', editedAt: 50_000 })])
    expect(await temp.cache.search('unique-marker', 10)).toEqual([])
    expect(staleEntries(temp.cache)).toHaveLength(1)
    catchUpSearchIndex(temp.cache)
    expect(staleEntries(temp.cache)).toEqual([])
    db.pragma('wal_checkpoint(TRUNCATE)')
    for (const part of [secret, '秘密的会面地点', 'PX-secret-7f3a9c']) expect(inFiles(part), part).toEqual([false, false])
  })

  test('edited, then deleted for everyone before the indexer ran: gone at once, once checkpointed', async () => {
    const { temp, db, inFiles } = setUp()
    temp.cache.storeMessages([serverMessage('c1', 2, { rev: 4, body: `still ${secret} ${'长'.repeat(3_000)} edited`, editedAt: 50_000 })])
    temp.cache.storeMessages([serverMessage('c1', 2, { rev: 5, body: '', deletedAt: 60_000 })])
    // No indexer step: the tombstone took the stale entry out in its own transaction.
    expect(staleEntries(temp.cache)).toEqual([])
    expect(await temp.cache.search('unique-marker', 10)).toEqual([])
    db.pragma('wal_checkpoint(TRUNCATE)')
    for (const part of [secret, '秘密的会面地点', 'PX-secret-7f3a9c']) expect(inFiles(part), part).toEqual([false, false])
    catchUpSearchIndex(temp.cache)
    expectIndexExact(temp.cache)
  })
})

describe('views', () => {
  test('a reply shows its original as it is now: edited, then deleted (preview empty); key finds it', () => {
    const { cache } = tempCache()
    cache.storeMessages([
      serverMessage('c1', 1, { body: 'where shall we eat?' }),
      serverMessage('c1', 2, {
        senderId: 'me',
        body: 'the noodle place',
        replyTo: { id: 'c1-m1', seq: 1, senderId: 'bob', body: 'where shall we eat?', deleted: false },
      }),
    ])
    const reply = () => cache.messageBySeq('c1', 2)?.replyTo
    expect(reply()).toEqual({ id: 'c1-m1', seq: 1, senderId: 'bob', body: 'where shall we eat?', deleted: false, key: 'bob:c1-c1' })
    cache.storeMessages([serverMessage('c1', 1, { rev: 3, body: 'where shall we have lunch?', editedAt: 1 })])
    expect(reply()?.body).toBe('where shall we have lunch?')
    cache.storeMessages([serverMessage('c1', 1, { rev: 4, body: '', deletedAt: 2 })])
    expect(reply()).toEqual({ id: 'c1-m1', seq: 1, senderId: 'bob', body: '', deleted: true, key: 'bob:c1-c1' })
  })

  test('a reply whose original is not cached shows the server preview, follows its edits and delete, and finds the original once cached', () => {
    const { cache } = tempCache()
    const preview = { id: 'c1-m1', seq: 1, senderId: 'bob', body: 'where shall we eat?', deleted: false }
    // Only the latest page is cached: the reply (seq 500), not the original (seq 1).
    cache.storeMessages([serverMessage('c1', 500, { senderId: 'me', body: 'the noodle place', replyTo: preview })])
    const reply = () => cache.messageBySeq('c1', 500)?.replyTo
    expect(reply()).toEqual({ ...preview, key: null })
    // The server gives the reply a new rev when its original changes (message-changes.ts touchReplies).
    cache.storeMessages([serverMessage('c1', 500, { senderId: 'me', rev: 600, body: 'the noodle place', replyTo: { ...preview, body: 'lunch?' } })])
    expect(reply()).toEqual({ ...preview, body: 'lunch?', key: null })
    cache.storeMessages([serverMessage('c1', 500, { senderId: 'me', rev: 601, body: 'the noodle place', replyTo: { ...preview, body: '', deleted: true } })])
    expect(reply()).toEqual({ ...preview, body: '', deleted: true, key: null })
    // Deleted means gone: the original's text is nowhere in the file.
    const db = (cache as unknown as { db: Database }).db
    expect(db.prepare(`SELECT count(*) FROM messages WHERE reply_preview LIKE '%lunch%'`).pluck().get()).toBe(0)
    // An older copy (a lower rev) changes nothing.
    cache.storeMessages([serverMessage('c1', 500, { senderId: 'me', rev: 599, body: 'the noodle place', replyTo: preview })])
    expect(reply()?.deleted).toBe(true)
  })

  test('a reply prefers its cached original (queued edits, and the key that finds it) over the stored preview', () => {
    const { cache } = tempCache()
    const preview = { id: 'c1-m1', seq: 1, senderId: 'bob', body: 'where shall we eat?', deleted: false }
    cache.storeMessages([serverMessage('c1', 2, { senderId: 'me', body: 'the noodle place', replyTo: preview })])
    expect(cache.messageBySeq('c1', 2)?.replyTo?.key).toBeNull()
    cache.storeMessages([serverMessage('c1', 1, { body: 'where shall we eat tonight?', rev: 3, editedAt: 1 })])
    expect(cache.messageBySeq('c1', 2)?.replyTo).toEqual({ ...preview, body: 'where shall we eat tonight?', key: 'bob:c1-c1' })
  })

  test('a reply stored without a preview (before migration 009) is sent again, with its quote, once a page brings its original', () => {
    const { cache } = tempCache()
    cache.storeMessages([
      serverMessage('c1', 40, { senderId: 'me', body: 'the noodle place', replyTo: { id: 'c1-m12', seq: 12, senderId: 'bob', body: 'lunch?', deleted: false } }),
      serverMessage('c1', 41, { senderId: 'me', body: 'or the other one', replyTo: { id: 'c1-m3', seq: 3, senderId: 'bob', body: 'dinner?', deleted: false } }),
      serverMessage('c1', 42, { body: 'no reply' }),
    ])
    // As an older Parley left them: no preview.
    const db = connection(cache)
    db.prepare('UPDATE messages SET reply_preview = NULL').run()
    const plan = db.prepare(`EXPLAIN QUERY PLAN SELECT row_id FROM messages m WHERE m.conversation_id = 'c1' AND m.reply_to_seq BETWEEN 10 AND 20
      AND m.reply_to_seq IS NOT NULL AND m.reply_preview IS NULL AND m.seq IS NOT NULL`).all() as { detail: string }[]
    expect(plan.map((row) => row.detail).join()).toContain('messages_unpreviewed_replies')
    expect(cache.messageBySeq('c1', 40)?.replyTo).toMatchObject({ seq: 12, senderId: '', body: '' })

    // An older page (seqs 10–20) brings the first reply's original: that reply goes out again, showing it; the other does not.
    const page = Array.from({ length: 11 }, (_, n) => serverMessage('c1', 10 + n, n === 2 ? { body: 'lunch?' } : {}))
    const result = cache.storeMessages(page)
    const sent = result.changed.get('c1') ?? []
    expect(sent.filter((message) => message.seq !== null && message.seq >= 40).map((message) => [message.seq, message.replyTo?.body])).toEqual([[40, 'lunch?']])
    expect(sent.find((message) => message.seq === 40)?.replyTo).toMatchObject({ seq: 12, senderId: 'bob', key: 'bob:c1-c12' })
    // Not new: the reply was cached already.
    expect((result.added.get('c1') ?? []).map((message) => message.seq)).toEqual(page.map((message) => message.seq))

    // Storing the page again inserts nothing and sends nothing of the replies.
    const again = cache.storeMessages(page)
    expect((again.changed.get('c1') ?? []).some((message) => message.seq === 40)).toBe(false)
  })

  test('unread and unread mentions leave out deleted messages and my own', () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1', { lastSeq: 4 })])
    cache.storeMessages([
      serverMessage('c1', 1, { body: '@me look', mentions: ['me'] }),
      serverMessage('c1', 2, { body: '@me again', mentions: ['me'] }),
      serverMessage('c1', 3, { body: 'no mention' }),
      serverMessage('c1', 4, { senderId: 'me', body: '@me talking to myself', mentions: ['me'] }),
    ])
    expect([cache.unreadCount('c1'), cache.unreadMentions('c1')]).toEqual([3, 2])
    cache.storeMessages([serverMessage('c1', 2, { rev: 9, body: '', deletedAt: 1 })])
    expect([cache.unreadCount('c1'), cache.unreadMentions('c1')]).toEqual([2, 1])
    cache.applyMarker('c1', 'me', { readSeq: 1, deliveredSeq: 4 })
    expect([cache.unreadCount('c1'), cache.unreadMentions('c1')]).toEqual([1, 0])
    expect(cache.totalUnread(0)).toBe(1)
  })
})
