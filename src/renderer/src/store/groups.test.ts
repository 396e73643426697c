import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { ChatConversation } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useConversations } from './conversations'
import { editDraft, flushDraft, loadDraft, replaceDraft } from './drafts'
import { useUi } from './ui'
import { useUsers } from './users'

const group: ChatConversation = {
  id: 'g1',
  kind: 'group',
  title: 'Q3',
  memberIds: ['me', 'bob'],
  lastMessage: null,
  lastSeq: 0,
  readSeq: 0,
  deliveredSeq: 0,
  unreadCount: 0,
  mentionCount: 0,
  markers: {},
  lastActivityAt: 0,
  members: [
    { userId: 'me', role: 'owner' },
    { userId: 'bob', role: 'member' },
  ],
  mutedUntil: null,
  muted: false,
  left: false,
}

beforeEach(() => resetAllStores())
afterEach(() => {
  vi.unstubAllGlobals()
  vi.useRealTimers()
})

describe('conversations slice: mute and groups', () => {
  it('shows a mute at once and takes the core’s answer', async () => {
    const until = Date.now() + 3_600_000
    let answer: (conversation: ChatConversation) => void = () => undefined
    stubBridge({ setMuted: () => new Promise((resolve) => (answer = resolve)) })
    useConversations.getState().upsert([group])
    const muting = useConversations.getState().setMuted('g1', until)
    expect(useConversations.getState().byId.g1).toMatchObject({ mutedUntil: until, muted: true })
    answer({ ...group, mutedUntil: until, muted: true, lastSeq: 3 })
    await muting
    expect(useConversations.getState().byId.g1?.lastSeq).toBe(3)
  })

  it('takes a refused mute back and rejects', async () => {
    stubBridge({ setMuted: () => Promise.reject(new Error('[offline] no connection')) })
    useConversations.getState().upsert([group])
    await expect(useConversations.getState().setMuted('g1', Date.now() + 1_000)).rejects.toThrow('[offline]')
    expect(useConversations.getState().byId.g1).toMatchObject({ mutedUntil: null, muted: false })
  })

  it('leaving marks the group left at once', async () => {
    stubBridge({ leaveConversation: () => Promise.resolve(null) })
    useConversations.getState().upsert([group])
    await useConversations.getState().leave('g1')
    expect(useConversations.getState().byId.g1?.left).toBe(true)
  })

  it('blocking marks the person blocked; unblocking clears it', async () => {
    stubBridge({ blockUser: () => Promise.resolve(null), unblockUser: () => Promise.resolve(null) })
    useUsers.getState().upsert([{ id: 'bob', username: 'bob', displayName: 'Bob', online: true, lastSeenAt: null }])
    await useUsers.getState().block('bob')
    expect(useUsers.getState().byId.bob?.blocked).toBe(true)
    await useUsers.getState().unblock('bob')
    expect(useUsers.getState().byId.bob?.blocked).toBeUndefined()
  })
})

describe('drafts', () => {
  it('loads the saved draft on open, unless something was typed there since', async () => {
    stubBridge({ getDraft: ({ conversationId }) => Promise.resolve(conversationId === 'g1' ? 'from last time' : 'stale') })
    loadDraft('g1')
    await vi.waitFor(() => expect(useUi.getState().drafts.g1).toBe('from last time'))
    useUi.getState().setDraft('g2', 'typed already')
    loadDraft('g2')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(useUi.getState().drafts.g2).toBe('typed already')
  })

  it('saves after a pause, on switching away, and clears on send', async () => {
    vi.useFakeTimers()
    const saved: [string, string][] = []
    stubBridge({ setDraft: ({ conversationId, text }) => (saved.push([conversationId, text]), Promise.resolve(null)) })
    editDraft('g1', 'hel')
    editDraft('g1', 'hello')
    vi.advanceTimersByTime(300)
    expect(saved).toEqual([['g1', 'hello']])
    editDraft('g1', 'hello again')
    flushDraft('g1')
    expect(saved.at(-1)).toEqual(['g1', 'hello again'])
    replaceDraft('g1', '')
    expect(saved.at(-1)).toEqual(['g1', ''])
    expect(useUi.getState().drafts.g1).toBe('')
  })
})
