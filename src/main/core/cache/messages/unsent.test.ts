import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import { serverMessage, tempCache } from '../../../../../test/support/cache/temp-cache'

const draft = (clientId: string, body = 'hello', createdAt = 1_000) => ({ conversationId: 'c1', senderId: 'me', clientId, body, createdAt })

describe('addPending', () => {
  test('writes a pending message and its outbox row', async () => {
    const { cache } = tempCache()
    const message = cache.addPending(draft('k1', 'hello there', 5_000))
    expect(message).toEqual({
      key: 'me:k1',
      id: null,
      clientId: 'k1',
      conversationId: 'c1',
      seq: null,
      senderId: 'me',
      body: 'hello there',
      createdAt: 5_000,
      state: 'pending',
      error: null,
      errorCode: null,
      rev: null,
      editedAt: null,
      deletedAt: null,
      replyTo: null,
      reactions: [],
      mentions: [],
      attachments: [],
      kind: 'text',
      system: null,
    })
    expect(cache.ownMessage('c1', 'k1')).toEqual(message)
    expect(cache.outbox()).toEqual([
      { id: expect.any(Number), kind: 'message', conversationId: 'c1', clientId: 'k1', attempts: 0, nextAttemptAt: 0, lastError: null },
    ])
  })

  test('is one transaction: when the outbox insert fails, the message is not written either', async () => {
    const temp = tempCache()
    // Another connection makes every outbox insert fail, after the message insert has run.
    const saboteur = new BetterSqlite3(temp.path)
    saboteur.exec(`CREATE TRIGGER outbox_refuses BEFORE INSERT ON outbox BEGIN SELECT RAISE(ABORT, 'outbox is full'); END`)
    saboteur.close()
    expect(() => temp.cache.addPending(draft('k1'))).toThrow(/outbox is full/)
    expect(temp.cache.ownMessage('c1', 'k1')).toBeNull()
    expect(temp.cache.messages('c1', { limit: 10 })).toEqual([])
    expect((await temp.cache.search('hello', 10))).toEqual([])
    expect(temp.cache.outbox()).toEqual([])
  })

  test('the same clientId twice is refused and leaves the first one alone', async () => {
    const { cache } = tempCache()
    cache.addPending(draft('k1', 'first'))
    expect(() => cache.addPending(draft('k1', 'second'))).toThrow(/UNIQUE/)
    expect(cache.messages('c1', { limit: 10 }).map((m) => m.body)).toEqual(['first'])
    expect(cache.outbox()).toHaveLength(1)
  })
})

describe('failed, retry, delete', () => {
  test('markFailed keeps the message with its error and drops its outbox row', async () => {
    const { cache } = tempCache()
    cache.addPending(draft('k1'))
    const failed = cache.markFailed('c1', 'k1', 'Message too long')
    expect(failed).toMatchObject({ key: 'me:k1', state: 'failed', error: 'Message too long', seq: null })
    expect(cache.ownMessage('c1', 'k1')).toEqual(failed)
    expect(cache.outbox()).toEqual([])
    expect(cache.markFailed('c1', 'missing', 'x')).toBeNull()
  })

  test('retryFailed makes it pending again with a fresh outbox row at the end of the queue', async () => {
    const { cache } = tempCache()
    cache.addPending(draft('k1'))
    const [first] = cache.outbox()
    cache.markFailed('c1', 'k1', 'refused')
    cache.addPending(draft('k2'))
    const retried = cache.retryFailed('c1', 'k1')
    expect(retried).toMatchObject({ key: 'me:k1', state: 'pending', error: null })
    const items = cache.outbox()
    expect(items.map((item) => item.kind === 'message' && item.clientId)).toEqual(['k2', 'k1'])
    expect(items[1]?.id).toBeGreaterThan(first?.id ?? Infinity)
    expect(cache.retryFailed('c1', 'k1')).toBeNull()
    expect(cache.retryFailed('c1', 'k2')).toBeNull()
  })

  test('deleteUnsent removes a pending or failed message with its outbox row and its search entry', async () => {
    const { cache } = tempCache()
    cache.addPending(draft('k1', 'pending words'))
    cache.addPending(draft('k2', 'failed words'))
    cache.markFailed('c1', 'k2', 'refused')
    cache.enqueueMarker('c1', 'read', 3)
    expect(cache.deleteUnsent('c1', 'k1')).toBe(true)
    expect(cache.deleteUnsent('c1', 'k2')).toBe(true)
    expect(cache.deleteUnsent('c1', 'k2')).toBe(false)
    expect(cache.messages('c1', { limit: 10 })).toEqual([])
    expect(cache.outbox().map((item) => item.kind)).toEqual(['read'])
    expect((await cache.search('words', 10))).toEqual([])
  })

  test('a sent message cannot be failed, retried or deleted', async () => {
    const { cache } = tempCache()
    cache.addPending(draft('k1'))
    cache.storeMessages([serverMessage('c1', 1, { senderId: 'me', clientId: 'k1', body: 'hello' })])
    expect(cache.markFailed('c1', 'k1', 'late error')).toBeNull()
    expect(cache.retryFailed('c1', 'k1')).toBeNull()
    expect(cache.deleteUnsent('c1', 'k1')).toBe(false)
    expect(cache.ownMessage('c1', 'k1')).toMatchObject({ state: 'sent', seq: 1 })
  })

  test('ownMessage finds only messages written on this device', async () => {
    const { cache } = tempCache()
    cache.storeMessages([serverMessage('c1', 1, { senderId: 'bob', clientId: 'theirs' })])
    expect(cache.ownMessage('c1', 'theirs')).toBeNull()
    cache.addPending(draft('mine'))
    expect(cache.ownMessage('c1', 'mine')?.key).toBe('me:mine')
    expect(cache.ownMessage('other-conversation', 'mine')).toBeNull()
  })
})
