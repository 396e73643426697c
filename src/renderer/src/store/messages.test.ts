import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'
import { resetAllStores } from '.'
import { useCompose } from './compose'
import type { MessagePageResult } from '../../../shared/ipc'
import { HELD_MAX, KEPT_CLOSED, messagesOf, REACH_BY_PAGES, RECENTLY_OPENED, useMessages } from './messages'
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

  it('a window opened before anything was cached learns from the first messages that older ones exist', () => {
    // Opened while the first sync was on its way: an empty latest page, nothing before it.
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [], false, false)
    expect(state()).toMatchObject({ loaded: true, hasMoreBefore: false })
    // The sync's latest page arrives by events: the run starts at 433, so 1…432 exist.
    useMessages.getState().merge('c1', [sent(433), sent(434)])
    expect(state().hasMoreBefore).toBe(true)
    // Likewise when a refresh of the latest page brings them.
    resetAllStores()
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [], false, false)
    useMessages.getState().applyPage('c1', [sent(433), sent(434)], true, false)
    expect(state().hasMoreBefore).toBe(true)
    // A conversation that starts at its first message has nothing before it.
    resetAllStores()
    useMessages.getState().hold('c1')
    useMessages.getState().applyPage('c1', [], false, false)
    useMessages.getState().merge('c1', [sent(1)])
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

  it('lets go of conversations beyond the recently opened, and tells the core so (no more of their messages)', () => {
    const released: string[] = []
    stubBridge({
      releaseMessages: async ({ conversationIds }) => {
        released.push(...conversationIds)
        return null
      },
    })
    const ids = Array.from({ length: RECENTLY_OPENED + 3 }, (_, i) => `k${i}`)
    for (const id of ids) open(id, run(1, 3))
    expect(held()).toEqual(ids.slice(-(RECENTLY_OPENED + 1)).sort())
    expect(useMessages.getState().recent[0]).toBe(ids.at(-1))
    expect(released).toEqual(ids.slice(0, 2))
    // Reopening one asks the core for its messages again (loadMessages): nothing is released then.
    open('k0', run(1, 3))
    expect(released).toEqual([...ids.slice(0, 2), ids[2]])
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
    let answer: (page: MessagePageResult) => void = () => undefined
    stubBridge({ loadMessages: () => new Promise((resolve) => (answer = resolve)) })
    open('c1', run(100, 300), true)
    const loading = useMessages.getState().loadOlder('c1')
    open('c2', run(1, 3))
    answer({ messages: run(1, 99), hasMoreBefore: false, hasMoreAfter: true })
    expect(await loading).toBe(false)
    expect(of('c1').messages[0]?.seq).toBe(301 - KEPT_CLOSED)
    expect(of('c1')).toMatchObject({ hasMoreBefore: true, loadingOlder: false })
  })

  it('an older page that cannot be loaded (offline) says so until a later try brings it', async () => {
    let fail = true
    stubBridge({
      loadMessages: () => (fail ? Promise.reject(new Error('Cannot reach the server')) : Promise.resolve({ messages: run(50, 99), hasMoreBefore: true, hasMoreAfter: true })),
      getUsers: async () => [],
    })
    open('c1', run(100, 150), true)
    await expect(useMessages.getState().loadOlder('c1')).rejects.toThrow('Cannot reach the server')
    expect(of('c1')).toMatchObject({ loadingOlder: false, olderFailed: true })
    fail = false
    expect(await useMessages.getState().loadOlder('c1')).toBe(true)
    expect(of('c1')).toMatchObject({ loadingOlder: false, olderFailed: false })
    expect(of('c1').messages[0]?.seq).toBe(50)
  })
})

/**
 * A core's cache of `total` messages from bob (seq 1 … total) and my unsent ones, paged as
 * Account.loadMessages pages it; `calls` records each page asked for.
 */
function fakeCore(total: number, cachedFrom = 1) {
  const history = { sent: Array.from({ length: total }, (_, i) => sent(i + 1)), unsent: [] as ReturnType<typeof pending>[] }
  const calls: { beforeSeq?: number; afterSeq?: number; limit?: number }[] = []
  const core = {
    calls,
    /** Answers wait for it once the page is read (set it to hold them). */
    gate: null as Promise<void> | null,
    /** A message from bob stored in the cache; its event is for the test to merge. */
    arrive: () => {
      const message = sent(top() + 1)
      history.sent.push(message)
      return message
    },
    stub: (more: Partial<Parameters<typeof stubBridge>[0]> = {}) => stubBridge({ loadMessages, getUsers: async () => [], releaseMessages: async () => null, ...more }),
    history,
  }
  const top = () => history.sent.at(-1)?.seq ?? 0
  const loadMessages = async ({ beforeSeq, afterSeq, limit = 50 }: { conversationId: string; beforeSeq?: number; afterSeq?: number; limit?: number }) => {
    calls.push({ ...(beforeSeq === undefined ? {} : { beforeSeq }), ...(afterSeq === undefined ? {} : { afterSeq }), limit })
    let page: ReturnType<typeof sent>[]
    if (beforeSeq !== undefined) page = history.sent.filter((m) => (m.seq as number) < beforeSeq).slice(-limit)
    // Only an older page fetches what is not cached yet (Core.loadMessages: ensureOlder).
    else if (afterSeq !== undefined) page = history.sent.filter((m) => (m.seq as number) > Math.max(afterSeq, cachedFrom - 1)).slice(0, limit)
    else page = history.sent.slice(-limit)
    const highest = page.at(-1)?.seq ?? afterSeq ?? 0
    const hasMoreAfter = beforeSeq === undefined && afterSeq === undefined ? false : top() > highest
    const answer = { messages: hasMoreAfter ? page : [...page, ...history.unsent], hasMoreBefore: (page[0]?.seq ?? 1) > 1, hasMoreAfter }
    if (core.gate !== null) await core.gate
    return answer
  }
  return core
}

describe('the open conversation is a two-way window of at most HELD_MAX messages', () => {
  const of = () => messagesOf('c1')(useMessages.getState())
  const seqRange = () => [of().messages[0]?.seq, of().messages.at(-1)?.seq]
  const open = async () => {
    useMessages.getState().retain('c1')
    await useMessages.getState().loadLatest('c1')
  }
  const scrollBack = async (pages: number) => {
    for (let n = 0; n < pages; n++) await useMessages.getState().loadOlder('c1')
  }

  it('scrolling back past the bound drops the newest; newer pages bring them back and drop the oldest', async () => {
    const core = fakeCore(3_000)
    core.stub()
    await open()
    expect(seqRange()).toEqual([2_951, 3_000])
    await scrollBack(7)
    // 50 + 700 held: nothing dropped yet.
    expect(of()).toMatchObject({ hasMoreAfter: false })
    expect(seqRange()).toEqual([2_251, 3_000])
    await scrollBack(3)
    expect(of().messages).toHaveLength(HELD_MAX)
    expect(seqRange()).toEqual([1_951, 2_750])
    expect(of()).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true, loadingNewer: false, window: 0 })
    // Far back through the whole history: never more than the bound.
    await scrollBack(20)
    expect(seqRange()).toEqual([1, 800])
    expect(of().hasMoreBefore).toBe(false)
    expect(await useMessages.getState().loadOlder('c1')).toBe(false)

    // Down again, a page after the newest held at a time.
    expect(await useMessages.getState().loadNewer('c1')).toBe(true)
    expect(core.calls.at(-1)).toEqual({ afterSeq: 800, limit: 100 })
    expect(seqRange()).toEqual([101, 900])
    expect(of()).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true, pagedUpTo: 900 })
    // Bounded: a window that never reaches the latest fails here rather than hanging.
    for (let page = 0; page < 30 && of().hasMoreAfter; page++) await useMessages.getState().loadNewer('c1')
    expect(seqRange()).toEqual([2_201, 3_000])
    expect(await useMessages.getState().loadNewer('c1')).toBe(false)
  })

  it('scrolled back, events add no new messages (changes to held ones apply); the latest page replaces the window with them', async () => {
    const core = fakeCore(2_000)
    core.stub()
    await open()
    await scrollBack(10)
    expect(of().hasMoreAfter).toBe(true)
    const before = of().messages
    const live = core.arrive()
    useMessages.getState().merge('c1', [live, pending('x', 1)])
    expect(of().messages).toBe(before)
    const edited = { ...sent(1_500), body: 'edited', rev: 9_999 }
    useMessages.getState().merge('c1', [edited])
    expect(of().messages.find((message) => message.seq === 1_500)?.body).toBe('edited')

    await useMessages.getState().loadLatest('c1')
    expect(core.calls.at(-1)).toEqual({ limit: 100 })
    expect(seqRange()).toEqual([1_902, 2_001])
    expect(of()).toMatchObject({ hasMoreAfter: false, hasMoreBefore: true, window: 1, loadingOlder: false, loadingNewer: false })
    // At the latest again: events add to it.
    useMessages.getState().merge('c1', [core.arrive()])
    expect(of().messages.at(-1)?.seq).toBe(2_002)
  })

  it('a newer page that reaches the latest takes in what events brought while it loaded', async () => {
    const core = fakeCore(1_000)
    core.stub()
    await open()
    await scrollBack(10)
    for (let page = 0; page < 30 && of().messages.at(-1)?.seq !== 900; page++) await useMessages.getState().loadNewer('c1')
    expect(of().messages.at(-1)?.seq).toBe(900)
    // The core reads the last page; a message stored after that comes by event before the page does.
    let release: () => void = () => undefined
    core.gate = new Promise<void>((resolve) => (release = resolve))
    const loading = useMessages.getState().loadNewer('c1')
    await vi.waitFor(() => expect(core.calls.at(-1)).toEqual({ afterSeq: 900, limit: 100 }))
    useMessages.getState().merge('c1', [core.arrive()])
    expect(of().messages.at(-1)?.seq).toBe(900)
    release()
    expect(await loading).toBe(true)
    expect(seqRange()).toEqual([202, 1_001])
    expect(of().hasMoreAfter).toBe(false)
  })

  it('reaches a seq near the run by pages, and a seq far away by one run around it', async () => {
    const core = fakeCore(5_000)
    core.stub()
    await open()
    await useMessages.getState().loadUntil('c1', 4_951 - REACH_BY_PAGES)
    expect(core.calls.slice(1).every((call) => call.beforeSeq !== undefined)).toBe(true)
    expect(of().messages.some((message) => message.seq === 4_951 - REACH_BY_PAGES)).toBe(true)
    expect(of()).toMatchObject({ hasMoreAfter: false, window: 0 })

    const asked = core.calls.length
    await useMessages.getState().loadUntil('c1', 1_234)
    expect(core.calls.slice(asked)).toEqual([{ afterSeq: 1_183, limit: 200 }])
    expect(seqRange()).toEqual([1_184, 1_383])
    expect(of()).toMatchObject({ hasMoreBefore: true, hasMoreAfter: true, window: 1 })

    // And forward from there, far again: around it.
    await useMessages.getState().loadUntil('c1', 4_000)
    expect(core.calls.at(-1)).toEqual({ afterSeq: 3_949, limit: 200 })
    expect(of().window).toBe(2)
    // Near, forward: by newer pages.
    await useMessages.getState().loadUntil('c1', 4_300)
    expect(core.calls.at(-1)).toMatchObject({ afterSeq: 4_149 })
    expect(of().messages.some((message) => message.seq === 4_300)).toBe(true)
    expect(of().window).toBe(2)
    // The first message: around it, and the beginning is known.
    await useMessages.getState().loadUntil('c1', 1)
    expect(core.calls.at(-1)).toEqual({ afterSeq: 0, limit: 200 })
    expect(seqRange()).toEqual([1, 200])
    expect(of().hasMoreBefore).toBe(false)
  })

  it('a far seq below what the cache holds yet: the run around it starts above it, older pages go on to it', async () => {
    const core = fakeCore(5_000, 3_000)
    core.stub()
    await open()
    await useMessages.getState().loadUntil('c1', 100)
    expect(core.calls[1]).toEqual({ afterSeq: 49, limit: 200 })
    expect(core.calls.slice(2).every((call) => call.beforeSeq !== undefined && call.limit === 200)).toBe(true)
    expect(of().messages.some((message) => message.seq === 100)).toBe(true)
    expect(of().messages.length).toBeLessThanOrEqual(HELD_MAX)
    expect(of().hasMoreAfter).toBe(true)
  })

  it('sending from a window scrolled back brings the latest page, with the message last', async () => {
    const core = fakeCore(2_000)
    const mine = pending('s', 3_000_000_000_000)
    core.stub({
      sendMessage: async () => {
        core.history.unsent.push(mine)
        return mine
      },
    })
    await open()
    await scrollBack(10)
    expect(of().hasMoreAfter).toBe(true)
    await useMessages.getState().sendMessage('c1', 'hello')
    await vi.waitFor(() => expect(of().hasMoreAfter).toBe(false))
    expect(of().messages.at(-1)?.key).toBe(mine.key)
    expect(of().messages.at(-2)?.seq).toBe(2_000)
    expect(of().window).toBe(1)
  })

  it('events past the bound: the oldest go while the list follows the bottom; scrolled up, the window stops taking new messages', async () => {
    const core = fakeCore(100)
    core.stub()
    await open()
    const arrive = (count: number) => useMessages.getState().merge('c1', Array.from({ length: count }, () => core.arrive()))
    arrive(HELD_MAX)
    expect(of().messages.length).toBeLessThanOrEqual(HELD_MAX + 50)
    expect(of().messages.at(-1)?.seq).toBe(100 + HELD_MAX)
    expect(of().hasMoreAfter).toBe(false)

    useMessages.getState().setFollowing('c1', false)
    arrive(100)
    expect(of().messages.at(-1)?.seq).toBe(100 + HELD_MAX)
    expect(of().hasMoreAfter).toBe(true)
    expect(of().messages.length).toBeLessThanOrEqual(HELD_MAX + 50)
    arrive(1)
    expect(of().messages.at(-1)?.seq).toBe(100 + HELD_MAX)
  })

  it('a conversation left scrolled back is let go; reopened, it starts at the latest', async () => {
    const core = fakeCore(2_000)
    core.stub()
    await open()
    await scrollBack(10)
    useMessages.getState().retain('c2')
    expect(useMessages.getState().byConversation.c1).toBeUndefined()
    await open()
    expect(seqRange()).toEqual([1_951, 2_000])
    expect(of().hasMoreAfter).toBe(false)
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
