import { expect, test } from 'vitest'
import { tempCache } from '../../../../../test/support/cache/temp-cache'
import type { OutboxItem } from '../types'

const seqOf = (item: OutboxItem) => (item.kind === 'read' || item.kind === 'delivered' ? item.seq : null)
const markers = (items: OutboxItem[]) => items.map((item) => (item.kind === 'message' ? [item.kind, item.clientId] : [item.kind, item.conversationId, seqOf(item)]))

test('enqueueMarker coalesces to one row per conversation and kind holding the highest seq', () => {
  const { cache } = tempCache()
  cache.enqueueMarker('c1', 'delivered', 4)
  cache.enqueueMarker('c1', 'read', 2)
  cache.enqueueMarker('c1', 'delivered', 9)
  cache.enqueueMarker('c1', 'delivered', 6)
  cache.enqueueMarker('c2', 'read', 1)
  cache.enqueueMarker('c1', 'read', 3)
  expect(markers(cache.outbox())).toEqual([
    ['delivered', 'c1', 9],
    ['read', 'c1', 3],
    ['read', 'c2', 1],
  ])
})

test('outbox() lists messages and markers oldest first, with their attempts', () => {
  const { cache } = tempCache()
  cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'a', createdAt: 1 })
  cache.enqueueMarker('c1', 'read', 5)
  cache.addPending({ conversationId: 'c2', senderId: 'me', clientId: 'k2', body: 'b', createdAt: 2 })
  const items = cache.outbox()
  expect(markers(items)).toEqual([
    ['message', 'k1'],
    ['read', 'c1', 5],
    ['message', 'k2'],
  ])
  expect(items.map((item) => item.id)).toEqual([...items.map((item) => item.id)].sort((a, b) => a - b))
  expect(items[1]).toEqual({ id: items[1]?.id, kind: 'read', conversationId: 'c1', seq: 5, attempts: 0, nextAttemptAt: 0, lastError: null })
})

test('completeOutbox removes a row that was sent', () => {
  const { cache } = tempCache()
  cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'a', createdAt: 1 })
  cache.enqueueMarker('c1', 'delivered', 2)
  for (const item of cache.outbox()) cache.completeOutbox(item)
  expect(cache.outbox()).toEqual([])
  expect(cache.ownMessage('c1', 'k1')?.state).toBe('pending')
})

test('completeOutbox keeps a marker row that was raised after it was read', () => {
  const { cache } = tempCache()
  cache.enqueueMarker('c1', 'read', 5)
  const [sending] = cache.outbox()
  cache.enqueueMarker('c1', 'read', 8)
  if (sending) cache.completeOutbox(sending)
  expect(markers(cache.outbox())).toEqual([['read', 'c1', 8]])
})

test('completeOutbox of a stale item never removes a newer row', () => {
  const { cache } = tempCache()
  cache.enqueueMarker('c1', 'read', 5)
  const [stale] = cache.outbox()
  if (stale) cache.completeOutbox(stale)
  cache.enqueueMarker('c1', 'read', 5)
  if (stale) cache.completeOutbox(stale)
  expect(markers(cache.outbox())).toEqual([['read', 'c1', 5]])
})

test('rescheduleOutbox counts the attempt and remembers when and why', () => {
  const { cache } = tempCache()
  cache.enqueueMarker('c1', 'read', 5)
  const [item] = cache.outbox()
  cache.rescheduleOutbox(item?.id ?? -1, 12_345, 'HTTP 503')
  cache.rescheduleOutbox(item?.id ?? -1, 23_456, 'network down')
  expect(cache.outbox()[0]).toMatchObject({ attempts: 2, nextAttemptAt: 23_456, lastError: 'network down' })
  // Raising the marker keeps its schedule: a higher seq is no reason to retry sooner.
  cache.enqueueMarker('c1', 'read', 6)
  expect(cache.outbox()[0]).toMatchObject({ seq: 6, attempts: 2, nextAttemptAt: 23_456 })
})

test('a new marker row is due when asked; raising it keeps that schedule', () => {
  const { cache } = tempCache()
  cache.enqueueMarker('c1', 'delivered', 4, 1_200)
  cache.enqueueMarker('c1', 'delivered', 9, 5_000)
  cache.enqueueMarker('c1', 'read', 2)
  expect(cache.outbox().map((item) => [item.kind, seqOf(item), item.nextAttemptAt])).toEqual([
    ['delivered', 9, 1_200],
    ['read', 2, 0],
  ])
})

test('a marker raised while it was being sent stays, due no sooner than the time given on completing', () => {
  const { cache } = tempCache()
  cache.enqueueMarker('c1', 'delivered', 4, 1_000)
  const [sending] = cache.outbox()
  cache.enqueueMarker('c1', 'delivered', 7, 1_100)
  if (sending) cache.completeOutbox(sending, 2_000)
  expect(cache.outbox().map((item) => [seqOf(item), item.nextAttemptAt, item.attempts])).toEqual([[7, 2_000, 0]])
  // Completing the row that was sent as it is removes it, whatever the time given.
  const [raised] = cache.outbox()
  if (raised) cache.completeOutbox(raised, 3_000)
  expect(cache.outbox()).toEqual([])
})
