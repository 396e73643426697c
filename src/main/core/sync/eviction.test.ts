/**
 * The eviction policy (eviction.ts) over a real cache: past the cap, the
 * oldest history outside the budget goes, oldest first over conversations,
 * each from the bottom of its range — and never the budget, the newest row
 * beyond it, a conversation's latest KEEP_LATEST, nor the open conversation.
 */
import { describe, expect, test } from 'vitest'
import { conversationDto, serverMessage, tempCache } from '../../../../test/support/cache/temp-cache'
import type { MessagePage } from '../../../shared/api'
import type { HistoryBudget } from '../../../shared/settings'
import type { Cache } from '../cache/types'
import { Eviction, KEEP_LATEST, type EvictionDeps } from './eviction'
import { History } from './history'

const DAY = 86_400_000
const NOW = 1_000 * DAY
const quiet = () => undefined

/**
 * Conversation `id` with seqs 1..count, one message a minute, its newest at `newestAt`;
 * read to the end.
 */
function store(cache: Cache, id: string, count: number, newestAt: number): void {
  cache.upsertConversations([conversationDto(id, { lastSeq: count })])
  const page: ReturnType<typeof serverMessage>[] = []
  for (let seq = 1; seq <= count; seq++) page.push(serverMessage(id, seq, { createdAt: newestAt - (count - seq) * 60_000 }))
  cache.storeMessages(page)
  cache.applyMarker(id, 'me', { readSeq: count, deliveredSeq: count })
}

function range(cache: Cache, id: string): [number | null, number] {
  const lowest = cache.lowestSeq(id)
  const highest = cache.highestSeq(id)
  // Contiguous: as many rows as the span.
  expect(cache.messagesInRange(id, 1, highest)).toHaveLength(lowest === null ? 0 : highest - lowest + 1)
  return [lowest, highest]
}

function eviction(cache: Cache, options: Partial<Omit<EvictionDeps, 'cache' | 'budget' | 'cap'>> & { budget: HistoryBudget; cap: number | null }) {
  const { budget, cap, ...rest } = options
  return new Eviction({
    cache,
    budget: () => budget,
    cap: () => cap,
    focused: () => null,
    busy: () => false,
    now: () => NOW,
    log: { info: quiet, warn: quiet },
    ...rest,
  })
}

/** A History over the cache that must fetch nothing (what the backfill would decide). */
const backfillOf = (cache: Cache, budget: HistoryBudget) =>
  new History({
    cache,
    api: { messages: () => Promise.reject(new Error('nothing should be fetched')) },
    sync: { storeOlder: () => 0, fetchBelowRange: async (_id: string, request: () => Promise<MessagePage>) => ({ page: await request(), stale: false }), busy: false },
    budget: () => budget,
    retryDelayMs: () => 1,
    now: () => NOW,
    log: { warn: quiet, debug: quiet },
  })

describe('eviction', () => {
  test('under the cap, or without one, nothing goes', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 500, NOW - 200 * DAY)
    expect(await eviction(cache, { budget: { kind: 'days', days: 30 }, cap: 500 }).run()).toEqual({ before: 500, after: 500, evicted: 0 })
    expect(await eviction(cache, { budget: { kind: 'days', days: 30 }, cap: null }).run()).toBeNull()
    expect(range(cache, 'c1')).toEqual([1, 500])
  })

  test('over the cap: the oldest history outside the budget, oldest first over conversations, until within the cap', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    // c-old's history is older than c-mid's; c-new is inside the 30-day budget entirely.
    store(cache, 'c-old', 1_000, NOW - 400 * DAY)
    store(cache, 'c-mid', 1_000, NOW - 100 * DAY)
    store(cache, 'c-new', 1_000, NOW - DAY)
    const result = await eviction(cache, { budget: { kind: 'days', days: 30 }, cap: 2_500 }).run()
    expect(result).toEqual({ before: 3_000, after: 2_500, evicted: 500 })
    // All of it from the oldest conversation, from the bottom.
    expect(range(cache, 'c-old')).toEqual([501, 1_000])
    expect(range(cache, 'c-mid')).toEqual([1, 1_000])
    expect(range(cache, 'c-new')).toEqual([1, 1_000])
  })

  test('a soft cap: the budget, the newest message beyond it and each conversation’s latest KEEP_LATEST stay', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    // c1 is ten days old; c2's 1,000 messages, a minute apart, all fall inside the last two days.
    store(cache, 'c1', 1_000, NOW - 10 * DAY)
    store(cache, 'c2', 1_000, NOW)
    const result = await eviction(cache, { budget: { kind: 'days', days: 2 }, cap: 100 }).run()
    // c1 is wholly outside the budget: it keeps its latest KEEP_LATEST.
    expect(range(cache, 'c1')).toEqual([1_000 - KEEP_LATEST + 1, 1_000])
    expect(range(cache, 'c2')).toEqual([1, 1_000])
    expect(result).toEqual({ before: 2_000, after: 1_000 + KEEP_LATEST, evicted: 1_000 - KEEP_LATEST })
  })

  test('with a budget of messages: each conversation keeps that many, and the newest one beyond them', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 1_000, NOW - DAY)
    store(cache, 'c2', 300, NOW)
    await eviction(cache, { budget: { kind: 'messages', count: 200 }, cap: 1 }).run()
    expect(range(cache, 'c1')).toEqual([800, 1_000])
    expect(range(cache, 'c2')).toEqual([100, 300])
    // The backfill sees both past the budget: it fetches nothing back (no eviction and refetch in turn).
    const history = backfillOf(cache, { kind: 'messages', count: 200 })
    expect([history.withinBudget('c1'), history.withinBudget('c2')]).toEqual([false, false])
  })

  test('the same with days: the backfill finds the range past the budget after an eviction', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 5_000, NOW)
    // 5,000 minutes ≈ 3.5 days; a 2-day budget holds the newest 2,880.
    await eviction(cache, { budget: { kind: 'days', days: 2 }, cap: 1_000 }).run()
    const [lowest] = range(cache, 'c1')
    // Seqs from 2,120 are inside it; 2,119 is the newest outside it and stays.
    expect(lowest).toBe(5_000 - 2_880 - 1)
    const history = backfillOf(cache, { kind: 'days', days: 2 })
    expect(history.withinBudget('c1')).toBe(false)
  })

  test('all history as the budget: nothing is outside it, so nothing goes', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 1_000, NOW - 400 * DAY)
    expect(await eviction(cache, { budget: { kind: 'all' }, cap: 1 }).run()).toEqual({ before: 1_000, after: 1_000, evicted: 0 })
  })

  test('the open conversation is left alone, even when it is the oldest', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'open', 1_000, NOW - 400 * DAY)
    store(cache, 'other', 1_000, NOW - 300 * DAY)
    await eviction(cache, { budget: { kind: 'days', days: 30 }, cap: 1_500, focused: () => 'open' }).run()
    expect(range(cache, 'open')).toEqual([1, 1_000])
    expect(range(cache, 'other')).toEqual([501, 1_000])
  })

  test('waits while sync or the backfill is busy', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 1_000, NOW - 400 * DAY)
    let busy = true
    const running = eviction(cache, { budget: { kind: 'days', days: 30 }, cap: 500, busy: () => busy }).run()
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(range(cache, 'c1')).toEqual([1, 1_000])
    busy = false
    expect(await running).toMatchObject({ evicted: 500 })
    expect(range(cache, 'c1')).toEqual([501, 1_000])
  })

  test('a run asked for while one runs runs once more after it; stopped, nothing more goes', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 1_000, NOW - 400 * DAY)
    let cap = 900
    const evict = new Eviction({
      cache,
      budget: () => ({ kind: 'days', days: 30 }),
      cap: () => cap,
      focused: () => null,
      busy: () => false,
      now: () => NOW,
      log: { info: quiet, warn: quiet },
    })
    const first = evict.run()
    cap = 600
    void evict.run()
    await first
    await evict.whenIdle()
    expect(cache.sentMessageCount()).toBe(600)
    evict.stop()
    cap = 200
    expect(await evict.run()).toBeNull()
    expect(cache.sentMessageCount()).toBe(600)
  })

  test('later: one run a while after the last call (the user may scroll back on)', async () => {
    const { cache } = tempCache({ backgroundIndexing: false })
    store(cache, 'c1', 1_000, NOW - 400 * DAY)
    const evict = eviction(cache, { budget: { kind: 'days', days: 30 }, cap: 500 })
    evict.later(60)
    await new Promise((resolve) => setTimeout(resolve, 40))
    evict.later(60)
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(cache.sentMessageCount()).toBe(1_000)
    await expect.poll(() => cache.sentMessageCount(), { timeout: 5_000 }).toBe(500)
  })
})
