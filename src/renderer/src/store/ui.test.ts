import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { SearchHit } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useUi } from './ui'

const hit = (senderId: string): SearchHit => ({
  conversationId: 'c1',
  messageKey: `${senderId}:m1`,
  seq: 1,
  senderId,
  createdAt: 0,
  snippet: [{ text: 'harbour', match: true }],
})

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
    const search = vi.fn(() => Promise.resolve([hit('bob')]))
    const getUsers = vi.fn(() => Promise.resolve([]))
    stubBridge({ search, getUsers })
    useUi.getState().setSearchQuery('har')
    await vi.advanceTimersByTimeAsync(100)
    useUi.getState().setSearchQuery('harbour ')
    await vi.advanceTimersByTimeAsync(199)
    expect(search).not.toHaveBeenCalled()
    await vi.advanceTimersByTimeAsync(1)
    expect(search.mock.calls).toEqual([[{ query: 'harbour', limit: 50 }]])
    expect(useUi.getState().search).toEqual({ status: 'done', query: 'harbour', hits: [hit('bob')] })
    expect(getUsers.mock.calls).toEqual([[{ ids: ['bob'] }]])
  })

  it('drops the answer for a query that changed meanwhile; an empty query is idle at once', async () => {
    let answer: (hits: SearchHit[]) => void = () => undefined
    const search = vi.fn(() => new Promise<SearchHit[]>((resolve) => (answer = resolve)))
    stubBridge({ search })
    useUi.getState().setSearchQuery('old')
    await vi.advanceTimersByTimeAsync(200)
    expect(useUi.getState().search).toEqual({ status: 'searching', query: 'old' })
    useUi.getState().setSearchQuery('new')
    answer([hit('bob')])
    await vi.advanceTimersByTimeAsync(0)
    expect(useUi.getState().search).toEqual({ status: 'searching', query: 'old' })
    useUi.getState().setSearchQuery('')
    expect(useUi.getState().search).toEqual({ status: 'idle' })
    await vi.advanceTimersByTimeAsync(1_000)
    expect(search).toHaveBeenCalledTimes(1)
  })

  it('shows a failed search with the message of the call’s error', async () => {
    stubBridge({ search: () => Promise.reject(new Error('[internal] the index is busy')) })
    useUi.getState().setSearchQuery('harbour')
    await vi.advanceTimersByTimeAsync(200)
    expect(useUi.getState().search).toEqual({ status: 'failed', query: 'harbour', message: 'the index is busy' })
  })

  it('a reset forgets a search that was about to run', async () => {
    const search = vi.fn(() => Promise.resolve([]))
    stubBridge({ search })
    useUi.getState().setSearchQuery('harbour')
    resetAllStores()
    await vi.advanceTimersByTimeAsync(1_000)
    expect(search).not.toHaveBeenCalled()
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
