/**
 * The cache's side of eviction (eviction.ts): rows go only from the bottom
 * of a range, whole — search entries, attachments, text in the file — and
 * never past a row the outbox refers to or above my read marker.
 */
import { readFileSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import { connectionOf, expectIndexExact, expectIndexInvariant } from '../../../../../test/support/cache/search-checks'
import { conversationDto, serverMessage, serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'
import type { Attachment } from '../../../../shared/api'
import { catchUpSearchIndex } from '../../testing'
import type { AttachmentNews, Cache } from '../types'

const seqs = (cache: Cache, conversationId = 'c1') => cache.messagesInRange(conversationId, 1, 10_000).map((m) => m.seq)
const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

const read = (cache: Cache, conversationId: string, seq: number) => cache.applyMarker(conversationId, 'me', { readSeq: seq, deliveredSeq: seq })

/** A cache with c1 holding seqs 1–50 and c2 1–10, all read. */
function filled() {
  const temp = tempCache({ backgroundIndexing: false })
  const { cache } = temp
  cache.upsertConversations([conversationDto('c1', { lastSeq: 50 }), conversationDto('c2', { lastSeq: 10 })])
  cache.storeMessages([...serverMessages('c1', 1, 50), ...serverMessages('c2', 1, 10)])
  read(cache, 'c1', 50)
  read(cache, 'c2', 10)
  return temp
}

describe('evictThrough', () => {
  test('deletes from the bottom of the range through the seq, leaving one contiguous run and the other conversations alone', () => {
    const { cache } = filled()
    expect(cache.sentMessageCount()).toBe(60)
    expect(cache.bottomOfRange('c1', 3)).toEqual([
      { seq: 1, createdAt: 10_001 },
      { seq: 2, createdAt: 10_002 },
      { seq: 3, createdAt: 10_003 },
    ])
    expect(cache.evictThrough('c1', 20)).toBe(20)
    expect(seqs(cache)).toEqual(run(21, 50))
    expect(cache.lowestSeq('c1')).toBe(21)
    expect(seqs(cache, 'c2')).toEqual(run(1, 10))
    expect(cache.sentMessageCount()).toBe(40)
    // Nothing left at or below it: nothing more goes.
    expect(cache.evictThrough('c1', 20)).toBe(0)
    expect(cache.evictThrough('c1', 0)).toBe(0)
    expect(cache.evictThrough('unknown', 5)).toBe(0)
  })

  test('never above my read marker: unread messages stay (badges count the cache)', () => {
    const { cache } = filled()
    cache.upsertConversations([conversationDto('c3', { lastSeq: 30 })])
    cache.storeMessages(serverMessages('c3', 1, 30))
    read(cache, 'c3', 12)
    expect(cache.unreadCount('c3')).toBe(18)
    expect(cache.evictThrough('c3', 25)).toBe(12)
    expect(seqs(cache, 'c3')).toEqual(run(13, 30))
    expect(cache.unreadCount('c3')).toBe(18)
  })

  test('never a message the outbox refers to (a queued edit, delete or reaction), nor any above it; unsent messages stay', () => {
    const { cache } = filled()
    cache.storeMessages([serverMessage('c1', 51, { senderId: 'me', clientId: 'mine', body: 'helo' })])
    read(cache, 'c1', 51)
    expect(cache.queueChange('c1', 'bob:c1-c30', { kind: 'reaction', emoji: '👍', on: true }, 1).ok).toBe(true)
    expect(cache.queueChange('c1', 'me:mine', { kind: 'edit', body: 'hello' }, 2).ok).toBe(true)
    cache.addPending({ conversationId: 'c1', clientId: 'unsent-1', senderId: 'me', body: 'on its way', createdAt: 99_000 })
    expect(cache.evictThrough('c1', 51)).toBe(29)
    expect(seqs(cache)).toEqual(run(30, 51))
    // The queued changes are still there, and still shown.
    expect(cache.outbox().filter((item) => item.kind !== 'message').map((item) => item.kind)).toEqual(['reaction', 'edit'])
    expect(cache.messageBySeq('c1', 30)?.reactions).toEqual([{ emoji: '👍', userIds: ['me'] }])
    expect(cache.messages('c1', { limit: 100 }).at(-1)).toMatchObject({ clientId: 'unsent-1', state: 'pending' })
  })

  test('takes the messages out of search at once, indexed or not, and the index stays exact', async () => {
    const temp = tempCache({ backgroundIndexing: false })
    const { cache } = temp
    cache.upsertConversations([conversationDto('c1', { lastSeq: 40 })])
    cache.storeMessages(run(1, 20).map((seq) => serverMessage('c1', seq, { body: `harbour walk ${seq} 港口散步` })))
    read(cache, 'c1', 40)
    catchUpSearchIndex(cache)
    // Stored after the index caught up: in its backlog when evicted.
    cache.storeMessages(run(21, 40).map((seq) => serverMessage('c1', seq, { body: `harbour walk ${seq} 港口散步` })))
    expect(await cache.search('港口', 100)).toHaveLength(40)
    expect(cache.evictThrough('c1', 30)).toBe(30)
    expectIndexInvariant(cache)
    const found = await cache.search('harbour', 100)
    expect(found.map((hit) => hit.seq).sort((a, b) => (a ?? 0) - (b ?? 0))).toEqual(run(31, 40))
    expect(await cache.search('港口散步', 100)).toHaveLength(10)
    catchUpSearchIndex(cache)
    expectIndexExact(cache)
  })

  test('its text leaves the database file (secure_delete), once checkpointed', () => {
    const temp = tempCache({ backgroundIndexing: false })
    const secret = 'PX-evicted-5c1d-unique-marker 很久以前的会面地点'
    temp.cache.upsertConversations([conversationDto('c1', { lastSeq: 40 })])
    temp.cache.storeMessages(run(1, 40).map((seq) => serverMessage('c1', seq, { body: seq === 2 ? `${secret} ${'长'.repeat(3_000)}` : `neighbour ${seq}` })))
    read(temp.cache, 'c1', 40)
    catchUpSearchIndex(temp.cache)
    const db = connectionOf(temp.cache)
    db.pragma('wal_checkpoint(TRUNCATE)')
    const inFile = (text: string) => readFileSync(temp.path).includes(Buffer.from(text, 'utf8'))
    expect(inFile(secret)).toBe(true)
    expect(temp.cache.evictThrough('c1', 5)).toBe(5)
    db.pragma('wal_checkpoint(TRUNCATE)')
    for (const part of [secret, '很久以前的会面地点', 'PX-evicted-5c1d']) expect(inFile(part), part).toBe(false)
  })

  test('its attachments go too; a downloaded file is forgotten unless a message still cached carries it', () => {
    const { cache } = filled()
    const photo = (id: string): Attachment => ({ id, name: `${id}.jpg`, size: 1_000, mime: 'image/jpeg', width: 4, height: 3, hasThumbnail: true })
    cache.storeMessages([
      serverMessage('c2', 11, { attachments: [photo('a1')] }),
      serverMessage('c2', 12, { attachments: [photo('a2')] }),
      serverMessage('c2', 20, { attachments: [photo('a2')] }),
    ])
    cache.storeMessages(serverMessages('c2', 13, 19))
    read(cache, 'c2', 20)
    cache.recordCachedFile('a1', '/x/a1', 1_000, 1)
    cache.recordCachedFile('a2', '/x/a2', 1_000, 1)
    const news: AttachmentNews[] = []
    cache.watchAttachments((n) => news.push(n))
    expect(cache.evictThrough('c2', 15)).toBe(15)
    expect(news).toEqual([{ added: [], forgotten: ['a1'] }])
    expect(cache.attachment('a1')).toBeNull()
    expect(cache.cachedFile('a1')).toBeNull()
    // Seq 20 still carries a2: its file stays.
    expect(cache.attachment('a2')).toMatchObject({ messageKey: 'bob:c2-c20' })
    expect(cache.cachedFile('a2')).not.toBeNull()
  })
})
