import { describe, expect, it } from 'vitest'
import type { ChatConversation } from '../../../shared/ipc'
import { receiptOf } from './receipts'

const marker = (readSeq: number, deliveredSeq: number) => ({ readSeq, deliveredSeq })
const direct = (other: { readSeq: number; deliveredSeq: number }): Pick<ChatConversation, 'memberIds' | 'markers'> => ({
  memberIds: ['me', 'bob'],
  markers: { me: marker(99, 99), bob: other },
})
const group = (markers: Record<string, { readSeq: number; deliveredSeq: number }>): Pick<ChatConversation, 'memberIds' | 'markers'> => ({
  memberIds: ['me', 'bob', 'ann', 'cy'],
  markers: { me: marker(99, 99), ...markers },
})
const mine = (seq: number) => ({ seq, state: 'sent' as const })

describe('receiptOf, direct conversations', () => {
  it('pending and failed come from the message itself', () => {
    expect(receiptOf({ seq: null, state: 'pending' }, direct(marker(0, 0)), 'me').receipt).toBe('pending')
    expect(receiptOf({ seq: null, state: 'failed' }, direct(marker(0, 0)), 'me').receipt).toBe('failed')
  })

  it('sent → delivered → read by the other member’s markers', () => {
    expect(receiptOf(mine(5), direct(marker(0, 4)), 'me')).toEqual({ receipt: 'sent', readBy: 0, recipients: 1 })
    expect(receiptOf(mine(5), direct(marker(0, 5)), 'me')).toEqual({ receipt: 'delivered', readBy: 0, recipients: 1 })
    expect(receiptOf(mine(5), direct(marker(7, 7)), 'me')).toEqual({ receipt: 'read', readBy: 1, recipients: 1 })
  })

  it('counts read as delivered even if the delivered marker lags', () => {
    expect(receiptOf(mine(5), direct(marker(5, 0)), 'me').receipt).toBe('read')
  })

  it('is sent when the other member has no markers yet', () => {
    expect(receiptOf(mine(1), { memberIds: ['me', 'bob'], markers: {} }, 'me').receipt).toBe('sent')
  })

  it('ignores my own markers', () => {
    expect(receiptOf(mine(5), { memberIds: ['me', 'bob'], markers: { me: marker(9, 9) } }, 'me').receipt).toBe('sent')
  })
})

describe('receiptOf, groups', () => {
  it('counts "read by N" excluding me, read when everyone has read', () => {
    expect(receiptOf(mine(5), group({ bob: marker(5, 5), ann: marker(0, 5), cy: marker(0, 5) }), 'me')).toEqual({
      receipt: 'delivered',
      readBy: 1,
      recipients: 3,
    })
    expect(receiptOf(mine(5), group({ bob: marker(5, 5), ann: marker(6, 6), cy: marker(0, 2) }), 'me')).toEqual({
      receipt: 'sent',
      readBy: 2,
      recipients: 3,
    })
    expect(receiptOf(mine(5), group({ bob: marker(5, 5), ann: marker(6, 6), cy: marker(5, 5) }), 'me')).toEqual({
      receipt: 'read',
      readBy: 3,
      recipients: 3,
    })
  })

  it('a conversation with only me is never delivered or read', () => {
    expect(receiptOf(mine(1), { memberIds: ['me'], markers: { me: marker(1, 1) } }, 'me')).toEqual({ receipt: 'sent', readBy: 0, recipients: 0 })
  })
})
