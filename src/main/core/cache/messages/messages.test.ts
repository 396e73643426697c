import { describe, expect, test } from 'vitest'
import { conversationDto, serverMessage, serverMessages, tempCache } from '../../../../../test/support/cache/temp-cache'

const seqs = (messages: { seq: number | null }[]) => messages.map((message) => message.seq)

describe('storeMessages', () => {
  test('stores a page in one call and reports what changed, by conversation', async () => {
    const { cache } = tempCache()
    const result = cache.storeMessages([...serverMessages('c1', 1, 3), serverMessage('c2', 1)])
    expect(result.inserted).toBe(4)
    expect([...result.changed.keys()]).toEqual(['c1', 'c2'])
    expect(result.changed.get('c1')?.[0]).toEqual({
      key: 'bob:c1-c1',
      id: 'c1-m1',
      clientId: 'c1-c1',
      conversationId: 'c1',
      seq: 1,
      senderId: 'bob',
      body: 'message 1',
      createdAt: 10_001,
      state: 'sent',
      error: null,
      errorCode: null,
      rev: 1,
      editedAt: null,
      deletedAt: null,
      replyTo: null,
      reactions: [],
      mentions: [],
      attachments: [],
      kind: 'text',
      system: null,
    })
    expect(cache.messagesInRange('c1', 1, 3)).toEqual(result.changed.get('c1'))
  })

  test('is idempotent: the same page twice stores nothing new and reports no change', async () => {
    const { cache } = tempCache()
    const page = serverMessages('c1', 1, 200)
    expect(cache.storeMessages(page).inserted).toBe(200)
    const again = cache.storeMessages(page)
    expect(again).toEqual({ changed: new Map(), added: new Map(), inserted: 0, attachments: { added: [], forgotten: [] } })
    expect(cache.messages('c1', { limit: 500 })).toHaveLength(200)
  })

  test('a message already cached under the same seq is left alone', async () => {
    const { cache } = tempCache()
    cache.storeMessages([serverMessage('c1', 1, { body: 'original' })])
    const sameSeq = serverMessage('c1', 1, { id: 'other-id', clientId: 'other-client', body: 'same seq, other id' })
    expect(cache.storeMessages([sameSeq, sameSeq]).inserted).toBe(0)
    expect(cache.messages('c1', { limit: 10 }).map((m) => m.body)).toEqual(['original'])
    // The server never gives two messages one id; should it, the seq decides and nothing is lost
    // (migration 003: no index on ids).
    const sameId = serverMessage('c1', 2, { id: 'c1-m1', body: 'same id, other seq' })
    expect(cache.storeMessages([sameId]).inserted).toBe(1)
    expect(cache.messages('c1', { limit: 10 }).map((m) => m.body)).toEqual(['original', 'same id, other seq'])
  })

  test('a page partly cached already reports exactly the messages it stored, in order', async () => {
    const { cache } = tempCache()
    // Every tenth message came by realtime first; the page of 137 spans several multi-row INSERTs.
    cache.storeMessages(serverMessages('c1', 1, 137).filter((m) => m.seq % 10 === 0))
    const result = cache.storeMessages(serverMessages('c1', 1, 137))
    const fresh = Array.from({ length: 137 }, (_, i) => i + 1).filter((seq) => seq % 10 !== 0)
    expect(result.inserted).toBe(fresh.length)
    expect(result.changed.get('c1')?.map((m) => m.seq)).toEqual(fresh)
    expect(seqs(cache.messagesInRange('c1', 1, 137))).toEqual(Array.from({ length: 137 }, (_, i) => i + 1))
    expect((await cache.search('message', 500))).toHaveLength(137)
  })

  test('pages arriving out of order end up as one ascending run', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 201, 400))
    cache.storeMessages(serverMessages('c1', 1, 200))
    cache.storeMessages(serverMessages('c1', 150, 250))
    expect(seqs(cache.messagesInRange('c1', 1, 400))).toEqual(Array.from({ length: 400 }, (_, i) => i + 1))
    expect(cache.highestSeq('c1')).toBe(400)
    expect(cache.lowestSeq('c1')).toBe(1)
  })

  test("a pending message becomes the server's copy: same key, now with id and seq, its outbox row gone", async () => {
    const { cache } = tempCache()
    cache.upsertConversations([conversationDto('c1')])
    cache.storeMessages(serverMessages('c1', 1, 2))
    const pending = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: ' hello ', createdAt: 50_000 })
    cache.enqueueMarker('c1', 'read', 2)
    const sent = serverMessage('c1', 3, { id: 'srv-3', senderId: 'me', clientId: 'k1', body: 'hello', createdAt: 50_100 })
    const result = cache.storeMessages([sent])
    expect(result.inserted).toBe(0)
    const converted = result.changed.get('c1')?.[0]
    expect(converted).toMatchObject({ key: pending.key, id: 'srv-3', seq: 3, state: 'sent', body: 'hello', createdAt: 50_100 })
    expect(cache.messages('c1', { limit: 10 })).toEqual([
      ...cache.messagesInRange('c1', 1, 2),
      { ...pending, id: 'srv-3', seq: 3, rev: 3, state: 'sent', body: 'hello', createdAt: 50_100 },
    ])
    expect(cache.ownMessage('c1', 'k1')?.state).toBe('sent')
    expect(cache.outbox().map((item) => item.kind)).toEqual(['read'])
    expect((await cache.search('hello', 10)).map((hit) => hit.seq)).toEqual([3])
    expect(cache.storeMessages([sent]).changed.size).toBe(0)
  })

  test("a failed message whose server copy turns up after all becomes sent", async () => {
    const { cache } = tempCache()
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'hi', createdAt: 1 })
    cache.markFailed('c1', 'k1', 'timeout')
    cache.storeMessages([serverMessage('c1', 1, { senderId: 'me', clientId: 'k1', body: 'hi' })])
    expect(cache.ownMessage('c1', 'k1')).toMatchObject({ state: 'sent', error: null, seq: 1 })
  })

  test("another sender's message with my clientId does not convert my pending one", async () => {
    const { cache } = tempCache()
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'mine', createdAt: 1 })
    const result = cache.storeMessages([serverMessage('c1', 1, { senderId: 'bob', clientId: 'k1', body: 'theirs' })])
    expect(result.inserted).toBe(1)
    expect(cache.ownMessage('c1', 'k1')).toMatchObject({ state: 'pending', body: 'mine' })
    expect(cache.messages('c1', { limit: 10 }).map((m) => m.key)).toEqual(['bob:k1', 'me:k1'])
  })

  test('messages of a conversation that is not cached are stored too', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('later', 1, 3))
    expect(cache.highestSeq('later')).toBe(3)
    cache.upsertConversations([conversationDto('later', { lastSeq: 3 })])
    expect(cache.conversation('later')?.lastSeq).toBe(3)
  })

  test('a thousand messages of the same millisecond are all kept, in order', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 1_100, { createdAt: 77_000 }))
    expect(seqs(cache.messagesInRange('c1', 1, 1_100))).toHaveLength(1_100)
    expect((await cache.search('message', 3)).map((hit) => hit.seq)).toEqual([1_100, 1_099, 1_098])
  })
})

describe('reading', () => {
  test('lastMessages reads many conversations together, each as lastMessage would: the newest unsent, else the highest seq, else null', () => {
    const { cache } = tempCache()
    const photo = { id: 'a1', name: 'a1.jpg', size: 1_000, mime: 'image/jpeg', width: 4, height: 3, hasThumbnail: true }
    cache.upsertConversations(['sent', 'pending', 'files', 'reply', 'deleted', 'empty'].map((id) => conversationDto(id)))
    cache.storeMessages([
      ...serverMessages('sent', 1, 30),
      ...serverMessages('pending', 1, 3),
      serverMessage('files', 1, { attachments: [photo] }),
      serverMessage('reply', 1, { body: 'the original' }),
      serverMessage('reply', 2, { replyTo: { id: 'reply-m1', seq: 1, senderId: 'bob', body: 'the original', deleted: false } }),
      serverMessage('deleted', 1),
      serverMessage('deleted', 2, { deletedAt: 5_000, body: '' }),
    ])
    cache.addPending({ conversationId: 'pending', senderId: 'me', clientId: 'p1', body: 'first', createdAt: 90_000 })
    cache.addPending({ conversationId: 'pending', senderId: 'me', clientId: 'p2', body: 'second', createdAt: 90_001 })
    const ids = ['sent', 'pending', 'files', 'reply', 'deleted', 'empty', 'unknown']
    const together = cache.lastMessages([...ids, 'sent'])
    expect([...together.keys()]).toEqual(ids)
    for (const id of ids) expect(together.get(id), id).toEqual(cache.lastMessage(id))
    expect(together.get('sent')?.seq).toBe(30)
    expect(together.get('pending')?.body).toBe('second')
    expect(together.get('files')?.attachments.map((a) => a.id)).toEqual(['a1'])
    expect(together.get('reply')?.replyTo?.body).toBe('the original')
    expect(together.get('deleted')?.deletedAt).toBe(5_000)
    expect(together.get('empty')).toBeNull()
    expect(cache.lastMessages([])).toEqual(new Map())
  })

  test('the latest page is ascending, with every unsent own message after the sent ones', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 120))
    const p1 = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'one', createdAt: 90_000 })
    const p2 = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p2', body: 'two', createdAt: 90_001 })
    cache.markFailed('c1', 'p1', 'refused')
    const page = cache.messages('c1', { limit: 50 })
    expect(seqs(page)).toEqual([...Array.from({ length: 50 }, (_, i) => 71 + i), null, null])
    expect(page.slice(-2).map((m) => [m.key, m.state])).toEqual([
      [p1.key, 'failed'],
      [p2.key, 'pending'],
    ])
  })

  test('older pages by beforeSeq hold sent messages only', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 120))
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'one', createdAt: 90_000 })
    expect(seqs(cache.messages('c1', { beforeSeq: 71, limit: 50 }))).toEqual(Array.from({ length: 50 }, (_, i) => 21 + i))
    expect(seqs(cache.messages('c1', { beforeSeq: 21, limit: 50 }))).toEqual(Array.from({ length: 20 }, (_, i) => 1 + i))
    expect(cache.messages('c1', { beforeSeq: 1, limit: 50 })).toEqual([])
  })

  test('newer pages by afterSeq: ascending from the seq after it; the unsent ones only with the page that reaches the highest', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 120))
    const p1 = cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'one', createdAt: 90_000 })
    expect(seqs(cache.messages('c1', { afterSeq: 0, limit: 50 }))).toEqual(Array.from({ length: 50 }, (_, i) => 1 + i))
    expect(seqs(cache.messages('c1', { afterSeq: 20, limit: 50 }))).toEqual(Array.from({ length: 50 }, (_, i) => 21 + i))
    // Exactly up to the highest: the page is the latest, so the unsent one follows.
    const last = cache.messages('c1', { afterSeq: 70, limit: 50 })
    expect(seqs(last)).toEqual([...Array.from({ length: 50 }, (_, i) => 71 + i), null])
    expect(last.at(-1)?.key).toBe(p1.key)
    // One short of the highest: more follows, and no unsent message yet.
    expect(seqs(cache.messages('c1', { afterSeq: 69, limit: 50 }))).toEqual(Array.from({ length: 50 }, (_, i) => 70 + i))
    expect(seqs(cache.messages('c1', { afterSeq: 110, limit: 50 }))).toEqual([...Array.from({ length: 10 }, (_, i) => 111 + i), null])
    expect(seqs(cache.messages('c1', { afterSeq: 120, limit: 50 }))).toEqual([null])
    // Another conversation's messages never show.
    cache.storeMessages(serverMessages('c2', 1, 5))
    expect(seqs(cache.messages('c2', { afterSeq: 3, limit: 50 }))).toEqual([4, 5])
  })

  test('an empty or unknown conversation', async () => {
    const { cache } = tempCache()
    expect(cache.messages('none', { limit: 50 })).toEqual([])
    expect(cache.highestSeq('none')).toBe(0)
    expect(cache.lowestSeq('none')).toBeNull()
    expect(cache.lastMessage('none')).toBeNull()
    expect(cache.messagesInRange('none', 1, 10)).toEqual([])
  })

  test('messagesInRange is inclusive and skips unsent messages', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 10))
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'x', createdAt: 1 })
    expect(seqs(cache.messagesInRange('c1', 3, 5))).toEqual([3, 4, 5])
    expect(seqs(cache.messagesInRange('c1', 9, 20))).toEqual([9, 10])
  })

  test('lastMessage is the newest unsent message, else the highest seq', async () => {
    const { cache } = tempCache()
    cache.storeMessages(serverMessages('c1', 1, 5))
    expect(cache.lastMessage('c1')?.seq).toBe(5)
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p1', body: 'first', createdAt: 100_000 })
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p2', body: 'second', createdAt: 100_001 })
    expect(cache.lastMessage('c1')).toMatchObject({ key: 'me:p2', state: 'pending' })
    cache.deleteUnsent('c1', 'p2')
    cache.deleteUnsent('c1', 'p1')
    expect(cache.lastMessage('c1')?.seq).toBe(5)
  })
})
