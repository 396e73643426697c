import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'
import { resetAllStores } from '.'
import { useCompose } from './compose'
import { messagesOf, useMessages } from './messages'
import { useNotices } from './notices'

const state = () => messagesOf('c1')(useMessages.getState())
const seqs = () => state().messages.map((message) => message.seq)

beforeEach(() => resetAllStores())
afterEach(() => vi.unstubAllGlobals())

describe('messages slice', () => {
  it('ignores events for conversations it does not hold', () => {
    useMessages.getState().merge('c1', [sent(1)])
    expect(useMessages.getState().byConversation).toEqual({})
  })

  it('keeps events that arrive while the first page loads, and merges the page with them', () => {
    useMessages.getState().hold('c1')
    useMessages.getState().merge('c1', [sent(11)])
    useMessages.getState().applyPage('c1', [sent(9), sent(10), sent(11)], true, false)
    expect(seqs()).toEqual([9, 10, 11])
    expect(state()).toMatchObject({ loaded: true, hasMoreBefore: true })
  })

  it('prepends older pages and records when the beginning is reached', () => {
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [sent(3), sent(4)], true, false)
    useMessages.getState().setLoadingOlder('c1', true)
    useMessages.getState().applyPage('c1', [sent(1), sent(2)], false, true)
    expect(seqs()).toEqual([1, 2, 3, 4])
    expect(state()).toMatchObject({ hasMoreBefore: false, loadingOlder: false })
    // Reloading the latest page later does not forget that the beginning is here.
    useMessages.getState().applyPage('c1', [sent(3), sent(4)], true, false)
    expect(state().hasMoreBefore).toBe(false)
  })

  it('replaces pending by sent, is idempotent, and removes deleted messages', () => {
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [sent(1)], false, false)
    useMessages.getState().merge('c1', [pending('x', 5), pending('y', 6)])
    const before = useMessages.getState().byConversation
    useMessages.getState().merge('c1', [pending('x', 5)])
    expect(useMessages.getState().byConversation).toBe(before)

    useMessages.getState().merge('c1', [{ ...sent(2, 'me'), key: 'me:x', clientId: 'x' }])
    expect(state().messages.map((message) => [message.key, message.state])).toEqual([
      ['bob:c1', 'sent'],
      ['me:x', 'sent'],
      ['me:y', 'pending'],
    ])
    useMessages.getState().remove('c1', ['me:y'])
    expect(state().messages.map((message) => message.key)).toEqual(['bob:c1', 'me:x'])
  })

  it('is empty again after a reset', () => {
    useMessages.getState().hold('c1')
    resetAllStores()
    expect(useMessages.getState().byConversation).toEqual({})
  })
})

describe('changes to messages', () => {
  it('shows the optimistic edit, tombstone and reaction the core answers with, in place', async () => {
    const original = sent(2, 'me')
    const calls: unknown[] = []
    stubBridge({
      editMessage: async (args) => (calls.push(['edit', args]), { ...original, body: args.body, editedAt: 5 }),
      deleteForEveryone: async (args) => (calls.push(['delete', args]), { ...original, body: '', deletedAt: 6 }),
      setReaction: async (args) => (calls.push(['react', args]), { ...original, reactions: [{ emoji: args.emoji, userIds: ['me'] }] }),
    })
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [sent(1), original, sent(3)], false, false)

    await useMessages.getState().editMessage(original, 'fixed')
    expect(state().messages[1]).toMatchObject({ key: original.key, body: 'fixed', editedAt: 5 })
    await useMessages.getState().setReaction(original, '👍', true)
    expect(state().messages[1]?.reactions).toEqual([{ emoji: '👍', userIds: ['me'] }])
    await useMessages.getState().deleteForEveryone(original)
    expect(seqs()).toEqual([1, 2, 3])
    expect(state().messages[1]).toMatchObject({ body: '', deletedAt: 6 })
    expect(calls).toEqual([
      ['edit', { conversationId: 'c1', messageKey: 'me:c2', body: 'fixed' }],
      ['react', { conversationId: 'c1', messageKey: 'me:c2', emoji: '👍', on: true }],
      ['delete', { conversationId: 'c1', messageKey: 'me:c2' }],
    ])
  })

  it('a reaction that changes nothing but the chips still re-renders the row (a new object)', () => {
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [sent(1)], false, false)
    const before = state().messages[0]
    useMessages.getState().merge('c1', [{ ...sent(1), reactions: [{ emoji: '🎉', userIds: ['bob'] }] }])
    expect(state().messages[0]).not.toBe(before)
    const after = state().messages[0]
    useMessages.getState().merge('c1', [{ ...sent(1), reactions: [{ emoji: '🎉', userIds: ['bob'] }] }])
    expect(state().messages[0]).toBe(after)
  })

  it('sends a reply with the key of the message it answers', async () => {
    const sendMessage = vi.fn(async () => pending('r', 9))
    stubBridge({ sendMessage })
    useMessages.getState().hold('c1')
    await useMessages.getState().sendMessage('c1', 'yes', 'bob:c1')
    expect(sendMessage).toHaveBeenCalledWith({ conversationId: 'c1', body: 'yes', replyToKey: 'bob:c1' })
  })
})

describe('compose and notices', () => {
  it('holds one reply target per conversation, and editing ends a reply in progress', () => {
    useCompose.getState().replyTo(sent(1))
    expect(useCompose.getState().replyingTo.c1?.key).toBe('bob:c1')
    useCompose.getState().startEditing('me:c2')
    expect(useCompose.getState().editingKey).toBe('me:c2')
    useCompose.getState().cancelReply('c1')
    expect(useCompose.getState().replyingTo).toEqual({})
  })

  it('keeps the last three notices and drops them after a while', () => {
    vi.useFakeTimers()
    try {
      for (let i = 0; i < 4; i++) useNotices.getState().push({ kind: 'refused', change: 'edit', code: 'forbidden', message: `n${i}` })
      expect(useNotices.getState().notices.map((notice) => notice.message)).toEqual(['n1', 'n2', 'n3'])
      vi.advanceTimersByTime(10_000)
      expect(useNotices.getState().notices).toEqual([])
    } finally {
      vi.useRealTimers()
    }
  })
})
