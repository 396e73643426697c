import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatUser } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { selectPersonName, useUsers } from './users'

const user = (id: string, displayName: string, online = false): ChatUser => ({ id, username: id, displayName, online, lastSeenAt: null })
const name = (id: string) => selectPersonName(id, 'Unknown')(useUsers.getState())

beforeEach(() => resetAllStores())

describe('users slice: look-alikes (issue 14)', () => {
  it('names shared or looking alike among known users carry the @username; a unique one does not', () => {
    useUsers.getState().upsert([user('alice', 'Alice'), user('bob', 'Bob')])
    expect(name('alice')).toBe('Alice')
    useUsers.getState().upsert([user('mallory', '\u0410lice')])
    expect(name('alice')).toBe('\u2068Alice\u2069 \u2066@alice\u2069')
    expect(name('mallory')).toBe('\u2068\u0410lice\u2069 \u2066@mallory\u2069')
    expect(name('bob')).toBe('Bob')
    useUsers.getState().upsert([user('bob2', 'Bob')])
    expect(name('bob')).toBe('\u2068Bob\u2069 \u2066@bob\u2069')
    expect(name('nobody')).toBe('Unknown')
  })

  it('a rename is seen; a presence change keeps the same set (no re-render for it)', () => {
    useUsers.getState().upsert([user('alice', 'Alice'), user('mallory', 'Alice')])
    const before = useUsers.getState().lookAlikes
    useUsers.getState().upsert([user('mallory', 'Alice', true)])
    expect(useUsers.getState().lookAlikes).toBe(before)
    useUsers.getState().upsert([user('mallory', 'Mallory', true)])
    expect(useUsers.getState().lookAlikes.size).toBe(0)
    expect(name('alice')).toBe('Alice')
  })

  it('reset forgets them', () => {
    useUsers.getState().upsert([user('a', 'Same'), user('b', 'Same')])
    useUsers.getState().reset()
    expect(useUsers.getState().lookAlikes.size).toBe(0)
  })
})

describe('users slice: fetching the profiles it does not know', () => {
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.restoreAllMocks()
  })

  it('asks once for each unknown id; again after a failed call or a reset', async () => {
    const getUsers = vi.fn((args: { ids: string[] }) => Promise.resolve(args.ids.map((id) => user(id, id.toUpperCase()))))
    stubBridge({ getUsers })
    useUsers.getState().upsert([user('known', 'Known')])
    useUsers.getState().ensure(['a', 'b', 'a', 'known', ''])
    useUsers.getState().ensure(['b'])
    expect(getUsers.mock.calls).toEqual([[{ ids: ['a', 'b'] }]])
    await vi.waitFor(() => expect(name('b')).toBe('B'))

    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined)
    getUsers.mockRejectedValueOnce(new Error('[unreachable] offline'))
    useUsers.getState().ensure(['c'])
    await vi.waitFor(() => expect(warn).toHaveBeenCalledWith('parley: getUsers failed', { code: 'unreachable', message: 'offline' }))
    useUsers.getState().ensure(['c'])
    expect(getUsers).toHaveBeenLastCalledWith({ ids: ['c'] })

    useUsers.getState().reset()
    useUsers.getState().ensure(['a'])
    expect(getUsers).toHaveBeenLastCalledWith({ ids: ['a'] })
    expect(getUsers).toHaveBeenCalledTimes(4)
  })

  it('asks in batches of 1,000', () => {
    const getUsers = vi.fn((_args: { ids: string[] }) => Promise.resolve([]))
    stubBridge({ getUsers })
    useUsers.getState().ensure(Array.from({ length: 2_500 }, (_, i) => `p${i}`))
    expect(getUsers.mock.calls.map(([args]) => args.ids.length)).toEqual([1_000, 1_000, 500])
  })
})
