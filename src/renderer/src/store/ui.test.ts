import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SearchHit } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useConnection } from './connection'
import { useUi } from './ui'

const hit = (senderId: string): SearchHit => ({
  conversationId: 'c1',
  messageKey: `${senderId}:m1`,
  seq: 1,
  senderId,
  createdAt: 0,
  snippet: [{ text: 'harbour', match: true }],
})

/** A hit of message `n` (key m<n>, seq n) at time `at`. */
const at = (n: number, createdAt: number, conversationId = 'c1'): SearchHit => ({
  conversationId,
  messageKey: `bob:m${n}`,
  seq: n,
  senderId: 'bob',
  createdAt,
  snippet: [{ text: 'harbour', match: true }],
})

/** A call the test answers when it likes. */
function held<T>() {
  const answers: { resolve: (value: T) => void; reject: (err: Error) => void }[] = []
  const call = vi.fn(() => new Promise<T>((resolve, reject) => answers.push({ resolve, reject })))
  return { call, answers }
}

const search = () => useUi.getState().search

beforeEach(() => {
  vi.useFakeTimers()
  resetAllStores()
})

afterEach(() => {
  resetAllStores()
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('ui slice: search', () => {
  it('searches once typing pauses, and asks for the senders it does not know', async () => {
    const local = vi.fn(() => Promise.resolve([hit('bob')]))
    const server = vi.fn(() => Promise.resolve([hit('carol')]))
    const getUsers = vi.fn(() => Promise.resolve([]))
    stubBridge({ search: local, searchServer: server, getUsers })
    useUi.getState().setSearchQuery('har')
    await vi.advanceTimersByTimeAsync(100)
    useUi.getState().setSearchQuery('harbour ')
    await vi.advanceTimersByTimeAsync(199)
    expect(local).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(local.mock.calls).toEqual([[{ query: 'harbour', limit: 50 }]])
    expect(server.mock.calls).toEqual([[{ query: 'harbour', limit: 50 }]])
    expect(search()).toEqual({ status: 'done', query: 'harbour', hits: [hit('bob'), hit('carol')], server: 'done' })
    expect(getUsers.mock.calls).toEqual([[{ ids: ['bob'] }], [{ ids: ['carol'] }]])
  })

  it('shows the cache’s hits at once, marked while the server is searched; then merges its hits newest first, each message once', async () => {
    const server = held<SearchHit[]>()
    stubBridge({ search: () => Promise.resolve([at(9, 900), at(5, 500), at(4, 400)]), searchServer: server.call, getUsers: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    expect(search()).toEqual({ status: 'done', query: 'harbour', hits: [at(9, 900), at(5, 500), at(4, 400)], server: 'loading' })
    // m5 is on both (once), m7 (newer than the cache’s m5) and m2 only on the server; c2’s m5 is another message.
    server.answers[0]?.resolve([at(7, 700), at(5, 500), at(5, 450, 'c2'), at(2, 200)])
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({
      status: 'done',
      query: 'harbour',
      hits: [at(9, 900), at(7, 700), at(5, 500), at(5, 450, 'c2'), at(4, 400), at(2, 200)],
      server: 'done',
    })
  })

  it('merged, at most 50 hits: the newest', async () => {
    const local = Array.from({ length: 50 }, (_, i) => at(100 - i, 10_000 - i * 10))
    const server = Array.from({ length: 50 }, (_, i) => at(200 - i, 10_005 - i * 10))
    stubBridge({ search: () => Promise.resolve(local), searchServer: () => Promise.resolve(server), getUsers: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    const state = search()
    const hits = state.status === 'done' ? state.hits : []
    expect(hits).toHaveLength(50)
    expect(hits.map((h) => h.createdAt)).toEqual([...local, ...server].map((h) => h.createdAt).sort((a, b) => b - a).slice(0, 50))
  })

  it('a server answer that comes before the cache’s waits for it', async () => {
    const local = held<SearchHit[]>()
    stubBridge({ search: local.call, searchServer: () => Promise.resolve([at(2, 200)]), getUsers: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    expect(search()).toEqual({ status: 'searching', query: 'harbour' })
    local.answers[0]?.resolve([at(3, 300)])
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({ status: 'done', query: 'harbour', hits: [at(3, 300), at(2, 200)], server: 'done' })
  })

  it('drops the answer for a query that changed meanwhile; an empty query is idle at once', async () => {
    let answer: (hits: SearchHit[]) => void = () => undefined
    const local = vi.fn(() => new Promise<SearchHit[]>((resolve) => (answer = resolve)))
    stubBridge({ search: local, searchServer: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('old')
    await vi.advanceTimersByTimeAsync(200)
    expect(search()).toEqual({ status: 'searching', query: 'old' })
    useUi.getState().setSearchQuery('new')
    answer([hit('bob')])
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({ status: 'searching', query: 'old' })
    useUi.getState().setSearchQuery('')
    expect(search()).toEqual({ status: 'idle' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(local).toHaveBeenCalledTimes(1)
  })

  it('a late server answer for an earlier query never lands on a newer one', async () => {
    const server = held<SearchHit[]>()
    const local = vi.fn((args: { query: string }) => Promise.resolve(args.query === 'old' ? [at(1, 100)] : [at(3, 300)]))
    stubBridge({ search: local, searchServer: server.call, getUsers: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('old')
    await vi.advanceTimersByTimeAsync(200)
    useUi.getState().setSearchQuery('new')
    await vi.advanceTimersByTimeAsync(200)
    expect(search()).toEqual({ status: 'done', query: 'new', hits: [at(3, 300)], server: 'loading' })
    // The old query's server answer comes last-but-one: dropped; the new one's lands.
    server.answers[0]?.resolve([at(2, 200)])
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({ status: 'done', query: 'new', hits: [at(3, 300)], server: 'loading' })
    server.answers[1]?.resolve([at(4, 400)])
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({ status: 'done', query: 'new', hits: [at(4, 400), at(3, 300)], server: 'done' })
    // And a failure of an old query's server part says nothing about the new one.
    useUi.getState().setSearchQuery('newer')
    await vi.advanceTimersByTimeAsync(200)
    useUi.getState().setSearchQuery('newest')
    await vi.advanceTimersByTimeAsync(200)
    server.answers[2]?.reject(new Error('[offline] Searching older messages needs a connection to the server.'))
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toMatchObject({ status: 'done', query: 'newest', server: 'loading' })
  })

  it('offline, failed or rate limited: the cache’s hits only, saying why; "Try again" asks the server again', async () => {
    const server = held<SearchHit[]>()
    stubBridge({ search: () => Promise.resolve([at(5, 500)]), searchServer: server.call, getUsers: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    server.answers[0]?.reject(new Error('[offline] Searching older messages needs a connection to the server.'))
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({ status: 'done', query: 'harbour', hits: [at(5, 500)], server: 'offline' })
    // Only an offline part is retried by the connection coming back.
    useUi.getState().retryServerSearch('rateLimited')
    expect(server.call).toHaveBeenCalledTimes(1)
    useUi.getState().retryServerSearch('offline')
    expect(search()).toMatchObject({ server: 'loading' })
    // Retrying while it is under way asks nothing more.
    useUi.getState().retryServerSearch()
    expect(server.call).toHaveBeenCalledTimes(2)
    server.answers[1]?.reject(new Error('[rate_limited] Too many requests'))
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toMatchObject({ hits: [at(5, 500)], server: 'rateLimited' })
    useUi.getState().retryServerSearch()
    server.answers[2]?.reject(new Error('[unreachable] Cannot reach the server'))
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toMatchObject({ hits: [at(5, 500)], server: 'failed' })
    useUi.getState().retryServerSearch()
    expect(search()).toMatchObject({ server: 'loading' })
    server.answers[3]?.resolve([at(5, 500), at(1, 100)])
    await vi.advanceTimersByTimeAsync(0)
    expect(search()).toEqual({ status: 'done', query: 'harbour', hits: [at(5, 500), at(1, 100)], server: 'done' })
    // Done: nothing to retry.
    useUi.getState().retryServerSearch()
    expect(server.call).toHaveBeenCalledTimes(4)
  })

  it('an offline answer when the connection is back already asks once more at once', async () => {
    const server = held<SearchHit[]>()
    stubBridge({ search: () => Promise.resolve([at(5, 500)]), searchServer: server.call, getUsers: () => Promise.resolve([]) })
    useConnection.getState().setStatus({ state: 'connected', nextRetryAt: null, lastError: null })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    server.answers[0]?.reject(new Error('[offline] Searching older messages needs a connection to the server.'))
    await vi.advanceTimersByTimeAsync(0)
    expect(server.call).toHaveBeenCalledTimes(2)
    expect(search()).toMatchObject({ server: 'loading' })
    // Only once: offline again is shown as offline.
    server.answers[1]?.reject(new Error('[offline] Searching older messages needs a connection to the server.'))
    await vi.advanceTimersByTimeAsync(0)
    expect(server.call).toHaveBeenCalledTimes(2)
    expect(search()).toMatchObject({ hits: [at(5, 500)], server: 'offline' })
  })

  it('shows a failed search with the message of the call’s error', async () => {
    stubBridge({ search: () => Promise.reject(new Error('[internal] the index is busy')), searchServer: () => Promise.resolve([]) })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    expect(search()).toEqual({ status: 'failed', query: 'harbour', message: 'the index is busy' })
  })

  it('a reset forgets a search that was about to run', async () => {
    const local = vi.fn(() => Promise.resolve([]))
    const server = vi.fn(() => Promise.resolve([]))
    stubBridge({ search: local, searchServer: server })
    useUi.getState().setSearchQuery('harbour')
    resetAllStores()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(local).not.toHaveBeenCalled()
    expect(server).not.toHaveBeenCalled()
    expect(useUi.getState()).toMatchObject({ searchQuery: '', search: { status: 'idle' } })
  })
})

describe('ui slice: Esc’s "show the latest" request', () => {
  it('each request is new; clearing an older one leaves a newer one alone', () => {
    useUi.getState().requestReadLatest('c1')
    const first = useUi.getState().readLatest
    useUi.getState().requestReadLatest('c1')
    const second = useUi.getState().readLatest
    expect(second?.conversationId).toBe('c1')
    expect(second?.nonce).not.toBe(first?.nonce)
    useUi.getState().clearReadLatest(first?.nonce ?? -1)
    expect(useUi.getState().readLatest).toBe(second)
    useUi.getState().clearReadLatest(second?.nonce ?? -1)
    expect(useUi.getState().readLatest).toBeNull()
  })
})

describe('ui slice: jumps to a message', () => {
  it('opens the conversation; only a jump that asks for it moves focus to the row', () => {
    useUi.getState().jumpToMessage({ conversationId: 'c2', messageKey: 'k1', seq: 4 })
    expect(useUi.getState().activeConversationId).toBe('c2')
    expect(useUi.getState().jumpTarget).toMatchObject({ conversationId: 'c2', messageKey: 'k1', seq: 4, focus: false })
    useUi.getState().jumpToMessage({ conversationId: 'c2', messageKey: 'k1', seq: 4 }, { focus: true })
    expect(useUi.getState().jumpTarget).toMatchObject({ messageKey: 'k1', focus: true })
  })
})
