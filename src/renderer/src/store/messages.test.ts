import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'
import { resetAllStores } from '.'
import { useCompose } from './compose'
import { KEPT_CLOSED, messagesOf, RECENTLY_OPENED, useMessages } from './messages'
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

describe('bounded: the open conversation whole, a few recent ones trimmed, no others', () => {
  const run = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => sent(from + i))
  const held = () => Object.keys(useMessages.getState().byConversation).sort()
  const open = (id: string, messages = run(1, 300), hasMoreBefore = false) => {
    useMessages.getState().retain(id)
    useMessages.getState().hold(id)
    useMessages.getState().applyPage(id, messages, hasMoreBefore, false)
  }
  const of = (id: string) => messagesOf(id)(useMessages.getState())

  it('keeps the open conversation whole and the recently opened ones at their latest messages', () => {
    open('c1')
    open('c2')
    expect(of('c2').messages).toHaveLength(300)
    expect(of('c1').messages).toHaveLength(KEPT_CLOSED)
    expect(of('c1').messages.at(-1)?.seq).toBe(300)
    expect(of('c1').messages[0]?.seq).toBe(301 - KEPT_CLOSED)
    expect(of('c1').hasMoreBefore).toBe(true)
    // Reopened: whole again as its pages come, and untouched by the switch.
    useMessages.getState().retain('c1')
    expect(of('c1').messages).toHaveLength(KEPT_CLOSED)
    expect(of('c2').messages).toHaveLength(KEPT_CLOSED)
  })

  it('lets go of conversations beyond the recently opened', () => {
    const ids = Array.from({ length: RECENTLY_OPENED + 3 }, (_, i) => `k${i}`)
    for (const id of ids) open(id, run(1, 3))
    expect(held()).toEqual(ids.slice(-(RECENTLY_OPENED + 1)).sort())
    expect(useMessages.getState().recent[0]).toBe(ids.at(-1))
  })

  it('trims a held conversation that is not open as events grow it, but never the open one', () => {
    open('c1', run(1, 10))
    open('c2', run(1, 10))
    useMessages.getState().merge('c1', run(11, 400))
    useMessages.getState().merge('c2', run(11, 400))
    expect(of('c1').messages.length).toBeLessThanOrEqual(KEPT_CLOSED + 50)
    expect(of('c1').messages.at(-1)?.seq).toBe(400)
    expect(of('c2').messages).toHaveLength(400)
  })

  it('leaves messages older than the held run to the core (no gap in the run)', () => {
    open('c1', run(101, 150), true)
    useMessages.getState().merge('c1', [{ ...sent(5), body: 'edited far back' }, sent(151)])
    expect(of('c1').messages.map((message) => message.seq)).toEqual(run(101, 151).map((message) => message.seq))
  })

  it('drops an older page that arrives after its conversation was trimmed', async () => {
    let answer: (page: { messages: ReturnType<typeof sent>[]; hasMoreBefore: boolean }) => void = () => undefined
    stubBridge({ loadMessages: () => new Promise((resolve) => (answer = resolve)) })
    open('c1', run(100, 300), true)
    const loading = useMessages.getState().loadOlder('c1')
    open('c2', run(1, 3))
    answer({ messages: run(1, 99), hasMoreBefore: false })
    expect(await loading).toBe(false)
    expect(of('c1').messages[0]?.seq).toBe(301 - KEPT_CLOSED)
    expect(of('c1')).toMatchObject({ hasMoreBefore: true, loadingOlder: false })
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
