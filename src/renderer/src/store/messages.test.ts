import { beforeEach, describe, expect, it } from 'vitest'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'
import { resetAllStores } from '.'
import { messagesOf, useMessages } from './messages'

const state = () => messagesOf('c1')(useMessages.getState())
const seqs = () => state().messages.map((message) => message.seq)

beforeEach(() => resetAllStores())

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
