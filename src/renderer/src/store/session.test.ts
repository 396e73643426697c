import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatConversation, ChatUser, ConnectionStatus, SessionInfo } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useConnection } from './connection'
import { useConversations } from './conversations'
import { useMessages } from './messages'
import { FIRST_PAGE, FIRST_SCREEN_WAIT_MS, LATER_PAGE, useSession } from './session'
import { useUi } from './ui'
import { useUsers } from './users'

const SERVER = 'http://127.0.0.1:3000'
const person = (id: string): ChatUser => ({ id, username: id, displayName: id, online: false, lastSeenAt: null })
const alice = person('alice')
const connected: ConnectionStatus = { state: 'connected', nextRetryAt: null, lastError: null }
const withBob: ChatConversation = {
  id: 'c1',
  kind: 'direct',
  title: null,
  memberIds: ['alice', 'bob'],
  lastMessage: null,
  lastSeq: 0,
  readSeq: 0,
  deliveredSeq: 0,
  unreadCount: 0,
  mentionCount: 0,
  markers: {},
  lastActivityAt: 0,
  members: [
    { userId: 'alice', role: 'member' },
    { userId: 'bob', role: 'member' },
  ],
  mutedUntil: null,
  muted: false,
  left: false,
}

/** A core with alice's account: her conversation with bob, whose profile it sends when asked. */
function aliceCore(session: SessionInfo = { serverUrl: SERVER, user: alice }) {
  const calls = {
    login: vi.fn(() => Promise.resolve(session)),
    logout: vi.fn(() => Promise.resolve({ serverUrl: SERVER, user: null })),
    listConversationPage: vi.fn(() => Promise.resolve({ conversations: [withBob], next: null })),
    getConnection: vi.fn(() => Promise.resolve(connected)),
    getUsers: vi.fn(() => Promise.resolve([person('bob')])),
    firstScreenPainted: vi.fn(() => Promise.resolve(null)),
    loadMessages: vi.fn(() => new Promise<never>(() => undefined)),
  }
  stubBridge(calls)
  return calls
}

beforeEach(() => resetAllStores())
afterEach(() => vi.unstubAllGlobals())

describe('session slice', () => {
  it('signing in takes the session and loads the account: conversations, connection, the people in them', async () => {
    const core = aliceCore()
    useSession.getState().setSession({ serverUrl: SERVER, user: null })
    await useSession.getState().signIn({ serverUrl: SERVER, username: 'alice', password: 'correct-horse-1' })
    expect(core.login).toHaveBeenCalledWith({ serverUrl: SERVER, username: 'alice', password: 'correct-horse-1' })
    expect(useSession.getState()).toMatchObject({ status: 'signedIn', serverUrl: SERVER, user: alice })
    await vi.waitFor(() => expect(useUsers.getState().byId.bob).toEqual(person('bob')))
    expect(useConversations.getState()).toMatchObject({ loaded: true, byId: { c1: withBob } })
    expect(useConnection.getState().status).toEqual(connected)
    // Alice came with the session: only bob is asked for.
    expect(core.getUsers.mock.calls).toEqual([[{ ids: ['bob'] }]])
  })

  it('a refused sign-in rejects with the call’s error and leaves the session as it was', async () => {
    stubBridge({ login: () => Promise.reject(new Error('[unauthorized] wrong username or password')) })
    useSession.getState().setSession({ serverUrl: SERVER, user: null })
    await expect(useSession.getState().signIn({ serverUrl: SERVER, username: 'alice', password: 'nope' })).rejects.toThrow('[unauthorized]')
    expect(useSession.getState()).toMatchObject({ status: 'signedOut', user: null })
  })

  it('the same account again keeps what the UI holds; signing out drops it (window focus stays)', async () => {
    const core = aliceCore()
    useSession.getState().apply({ serverUrl: SERVER, user: alice })
    await vi.waitFor(() => expect(useConversations.getState().loaded).toBe(true))
    useUi.getState().setWindowFocused(true)
    useUi.getState().openConversation('c1')

    useSession.getState().apply({ serverUrl: SERVER, user: alice })
    expect(useUi.getState().activeConversationId).toBe('c1')
    expect(core.listConversationPage).toHaveBeenCalledTimes(1)

    useSession.getState().signOut()
    await vi.waitFor(() => expect(useSession.getState().status).toBe('signedOut'))
    expect(useConversations.getState()).toMatchObject({ loaded: false, byId: {} })
    expect(useUsers.getState().byId).toEqual({})
    expect(useUi.getState()).toMatchObject({ activeConversationId: null, windowFocused: true })
  })

  it('reopens the conversation the window showed last, unless another was opened meanwhile or it is gone', async () => {
    aliceCore()
    useSession.getState().apply({ serverUrl: SERVER, user: alice, lastOpenConversationId: 'c1' })
    await vi.waitFor(() => expect(useUi.getState().activeConversationId).toBe('c1'))

    resetAllStores()
    aliceCore()
    useSession.getState().apply({ serverUrl: SERVER, user: alice, lastOpenConversationId: 'c1' })
    // A parley:// link opened another before the list came.
    useUi.getState().openConversation('c9')
    await vi.waitFor(() => expect(useConversations.getState().loaded).toBe(true))
    expect(useUi.getState().activeConversationId).toBe('c9')

    resetAllStores()
    aliceCore()
    useSession.getState().apply({ serverUrl: SERVER, user: alice, lastOpenConversationId: 'gone' })
    await vi.waitFor(() => expect(useConversations.getState().loaded).toBe(true))
    expect(useUi.getState().activeConversationId).toBeNull()
  })

  it('tells the core its first screen is painted once the reopened conversation’s latest messages are in, once', async () => {
    const core = aliceCore()
    let answer: (page: { messages: []; hasMoreBefore: false; hasMoreAfter: false }) => void = () => undefined
    core.loadMessages.mockImplementation(() => new Promise<never>((resolve) => (answer = resolve as unknown as typeof answer)))
    useSession.getState().apply({ serverUrl: SERVER, user: alice, lastOpenConversationId: 'c1' })
    await vi.waitFor(() => expect(useUi.getState().activeConversationId).toBe('c1'))
    // The message list asks for them (no component here: the store's call stands in for it).
    void useMessages.getState().loadLatest('c1')
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(core.firstScreenPainted).not.toHaveBeenCalled()
    answer({ messages: [], hasMoreBefore: false, hasMoreAfter: false })
    await vi.waitFor(() => expect(core.firstScreenPainted).toHaveBeenCalledTimes(1))
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(core.firstScreenPainted).toHaveBeenCalledTimes(1)
  })

  it('with nothing to reopen the core is told once the list is in; with messages that never come, after FIRST_SCREEN_WAIT_MS', async () => {
    const core = aliceCore()
    useSession.getState().apply({ serverUrl: SERVER, user: alice })
    await vi.waitFor(() => expect(core.firstScreenPainted).toHaveBeenCalledTimes(1), { timeout: 1_000 })

    resetAllStores()
    const stuck = aliceCore()
    const started = Date.now()
    useSession.getState().apply({ serverUrl: SERVER, user: alice, lastOpenConversationId: 'c1' })
    await vi.waitFor(() => expect(stuck.firstScreenPainted).toHaveBeenCalledTimes(1), { timeout: FIRST_SCREEN_WAIT_MS + 2_000 })
    expect(Date.now() - started).toBeGreaterThanOrEqual(FIRST_SCREEN_WAIT_MS)
  })

  it('a long list comes a page at a time: the first with the conversation to reopen, later pages only add what is not there yet', async () => {
    const conversation = (id: string, lastActivityAt: number, other: string): ChatConversation => ({
      ...withBob,
      id,
      lastActivityAt,
      memberIds: ['alice', other],
      members: [
        { userId: 'alice', role: 'member' },
        { userId: other, role: 'member' },
      ],
    })
    const c1 = conversation('c1', 300, 'bob')
    const c2 = conversation('c2', 200, 'carol')
    const c3 = conversation('c3', 100, 'dave')
    const c4 = conversation('c4', 50, 'erin')
    // c3 changed after the core read its page: the event's copy is the newer one.
    const c3Newer = { ...c3, unreadCount: 4 }
    const pages = [
      { conversations: [c1, c4], next: { lastActivityAt: 300, id: 'c1' } },
      { conversations: [c2, c3], next: { lastActivityAt: 100, id: 'c3' } },
      { conversations: [c4], next: null },
    ]
    const listConversationPage = vi.fn(() => {
      const page = pages.shift()
      if (page === undefined) throw new Error('no more pages')
      if (pages.length === 1) useConversations.getState().upsert([c3Newer])
      return Promise.resolve(page)
    })
    const getUsers = vi.fn((args: { ids: string[] }) => Promise.resolve(args.ids.map(person)))
    stubBridge({ listConversationPage, getConnection: () => Promise.resolve(connected), getUsers })
    useSession.getState().apply({ serverUrl: SERVER, user: alice, lastOpenConversationId: 'c4' })
    await vi.waitFor(() => expect(listConversationPage).toHaveBeenCalledTimes(3))
    await vi.waitFor(() => expect(Object.keys(useConversations.getState().byId).sort()).toEqual(['c1', 'c2', 'c3', 'c4']))
    expect(listConversationPage.mock.calls).toEqual([
      [{ after: null, limit: FIRST_PAGE, include: ['c4'] }],
      [{ after: { lastActivityAt: 300, id: 'c1' }, limit: LATER_PAGE, include: [] }],
      [{ after: { lastActivityAt: 100, id: 'c3' }, limit: LATER_PAGE, include: [] }],
    ])
    expect(useConversations.getState().byId.c3).toEqual(c3Newer)
    expect(useUi.getState().activeConversationId).toBe('c4')
    await vi.waitFor(() => expect(Object.keys(useUsers.getState().byId).sort()).toEqual(['alice', 'bob', 'carol', 'dave', 'erin']))
  })

  it('a saved sign-in waiting for the keyring is signed out with its notice, and signed in once the core says so', async () => {
    aliceCore()
    useSession.getState().apply({ serverUrl: SERVER, user: null, notice: 'keyring_locked' })
    expect(useSession.getState()).toMatchObject({ status: 'signedOut', notice: 'keyring_locked' })
    useSession.getState().apply({ serverUrl: SERVER, user: alice })
    expect(useSession.getState()).toMatchObject({ status: 'signedIn', notice: null })
    await vi.waitFor(() => expect(useConversations.getState().loaded).toBe(true))
  })
})
