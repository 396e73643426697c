import { describe, expect, it } from 'vitest'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'
import { arrivalBurst, ARRIVAL_BURST, buildTimeline, dayKey, dividerAfterBurst, firstUnreadIndex, heldAbove, UNSEEN_BURST, type TimelineRow } from './timeline'

const at = (day: number, hour: number, minute = 0) => new Date(2025, 2, day, hour, minute).getTime()
const shape = (rows: TimelineRow[]) =>
  rows.map((row) => (row.type === 'message' ? `${row.key}${row.firstInRun ? '^' : ''}${row.lastInRun ? '$' : ''}` : row.key))

describe('dayKey', () => {
  it('is the local calendar day', () => {
    expect(dayKey(at(3, 0, 0))).toBe('2025-03-03')
    expect(dayKey(at(3, 23, 59))).toBe('2025-03-03')
    expect(dayKey(at(4, 0, 0))).toBe('2025-03-04')
  })
})

describe('buildTimeline', () => {
  it('puts a day separator before the first message of each day', () => {
    const rows = buildTimeline([sent(1, 'bob', at(3, 23, 58)), sent(2, 'bob', at(3, 23, 59)), sent(3, 'bob', at(4, 0, 1))], { me: 'me', unreadAfterSeq: null })
    expect(shape(rows)).toEqual(['day:2025-03-03', 'bob:c1^', 'bob:c2$', 'day:2025-03-04', 'bob:c3^$'])
  })

  it('groups runs by sender and closeness in time', () => {
    const rows = buildTimeline(
      [
        sent(1, 'bob', at(3, 10, 0)),
        sent(2, 'bob', at(3, 10, 1)),
        sent(3, 'ann', at(3, 10, 2)),
        sent(4, 'ann', at(3, 10, 20)), // 18 minutes later: a new run
        sent(5, 'me', at(3, 10, 21)),
      ],
      { me: 'me', unreadAfterSeq: null },
    )
    expect(shape(rows)).toEqual(['day:2025-03-03', 'bob:c1^', 'bob:c2$', 'ann:c3^$', 'ann:c4^$', 'me:c5^$'])
  })

  it('puts the unread divider before the first unread message from someone else, breaking the run', () => {
    const messages = [sent(1, 'bob', at(3, 10, 0)), sent(2, 'me', at(3, 10, 1)), sent(3, 'me', at(3, 10, 2)), sent(4, 'bob', at(3, 10, 3)), sent(5, 'bob', at(3, 10, 4))]
    // readSeq 1: my own 2 and 3 are not "unread"; bob's 4 is the first.
    const rows = buildTimeline(messages, { me: 'me', unreadAfterSeq: 1 })
    expect(shape(rows)).toEqual(['day:2025-03-03', 'bob:c1^$', 'me:c2^', 'me:c3$', 'unread', 'bob:c4^', 'bob:c5$'])
    expect(firstUnreadIndex(messages, 'me', 1)).toBe(3)
  })

  it('has no unread divider when nothing is unread, or none was asked for', () => {
    const messages = [sent(1), sent(2)]
    expect(buildTimeline(messages, { me: 'me', unreadAfterSeq: 2 }).some((row) => row.type === 'unread')).toBe(false)
    expect(buildTimeline(messages, { me: 'me', unreadAfterSeq: null }).some((row) => row.type === 'unread')).toBe(false)
  })

  it('places own pending messages in runs like sent ones', () => {
    const rows = buildTimeline([sent(1, 'me', at(3, 10, 0)), pending('p', at(3, 10, 1))], { me: 'me', unreadAfterSeq: 0 })
    expect(shape(rows)).toEqual(['day:2025-03-03', 'me:c1^', 'me:p$'])
  })

  it('is empty for no messages', () => {
    expect(buildTimeline([], { me: 'me', unreadAfterSeq: 0 })).toEqual([])
  })
})

describe('arrivalBurst', () => {
  const held = [sent(1), sent(2, 'me'), sent(3)]
  const more = (from: number, count: number, senderId = 'bob') => Array.from({ length: count }, (_, n) => sent(from + n, senderId))

  it('is a page of messages from others above what was held: the seq it follows', () => {
    expect(arrivalBurst([...held, ...more(4, ARRIVAL_BURST)], 'me', 3, 0)).toBe(3)
    expect(arrivalBurst([...held, ...more(4, 200)], 'me', 3, 0)).toBe(3)
    // Into a conversation that held nothing yet (opened before its messages were cached).
    expect(arrivalBurst(more(1, 10), 'me', 0, 0)).toBe(0)
  })

  it('is not a live message, nor a few, nor my own, nor changes to the group or deleted ones', () => {
    expect(arrivalBurst([...held, sent(4)], 'me', 3, 0)).toBeNull()
    expect(arrivalBurst([...held, ...more(4, ARRIVAL_BURST - 1)], 'me', 3, 0)).toBeNull()
    expect(arrivalBurst([...held, ...more(4, 10, 'me')], 'me', 3, 0)).toBeNull()
    const system = more(4, 10).map((message) => ({ ...message, kind: 'system' as const }))
    expect(arrivalBurst([...held, ...system], 'me', 3, 0)).toBeNull()
    const deleted = more(4, 10).map((message) => ({ ...message, deletedAt: 1 }))
    expect(arrivalBurst([...held, ...deleted], 'me', 3, 0)).toBeNull()
    // Own unsent messages (no seq) follow the latest in the list's order: they are skipped, not counted.
    expect(arrivalBurst([...held, sent(4), pending('p', 1), pending('q', 2), pending('r', 3)], 'me', 3, 0)).toBeNull()
    expect(arrivalBurst([...held, ...more(4, 5), pending('p', 1)], 'me', 3, 0)).toBe(3)
  })

  it('while nobody looks, is one message from someone else: still not my own, nor history', () => {
    expect(arrivalBurst([...held, sent(4)], 'me', 3, 0, UNSEEN_BURST)).toBe(3)
    expect(arrivalBurst([...held, sent(4, 'me')], 'me', 3, 0, UNSEEN_BURST)).toBeNull()
    expect(arrivalBurst([...held, { ...sent(4), kind: 'system' as const }], 'me', 3, 0, UNSEEN_BURST)).toBeNull()
    expect(arrivalBurst([...held, sent(4)], 'me', 3, 4, UNSEEN_BURST)).toBeNull()
    expect(arrivalBurst(held, 'me', 3, 0, UNSEEN_BURST)).toBeNull()
  })

  it('is not history a newer page brought, nor anything at or below what was held', () => {
    expect(arrivalBurst([...held, ...more(4, 100)], 'me', 3, 103)).toBeNull()
    // A page to 100, then events with 101–105: those arrived.
    expect(arrivalBurst([...held, ...more(4, 102)], 'me', 3, 100)).toBe(3)
    expect(arrivalBurst([...more(1, 50)], 'me', 50, 0)).toBeNull()
  })
})

describe('dividerAfterBurst', () => {
  it('goes right before the burst when everything held was read, wherever it was', () => {
    expect(dividerAfterBurst(null, 40, 40)).toBe(40)
    expect(dividerAfterBurst(12, 40, 40)).toBe(40)
  })

  it('goes past what of the burst was read already (on another device): none of it read here is unread', () => {
    expect(dividerAfterBurst(null, 45, 40)).toBe(45)
    expect(dividerAfterBurst(12, 482, 0)).toBe(482)
  })

  it('goes before the first unread message when some of what was held is unread and no divider shows', () => {
    expect(dividerAfterBurst(null, 30, 40)).toBe(30)
  })

  it('stays where it shows unread messages not read down to yet', () => {
    expect(dividerAfterBurst(12, 30, 40)).toBe(12)
    expect(dividerAfterBurst(12, 12, 40)).toBe(12)
  })
})

describe('heldAbove', () => {
  it('finds a message from someone else above a seq, reading back from the newest', () => {
    const messages = [sent(1), sent(2), sent(3, 'me'), pending('p', 1)]
    expect(heldAbove(messages, 'me', 1)).toBe(true)
    expect(heldAbove(messages, 'me', 2)).toBe(false)
    expect(heldAbove([...messages.slice(0, 3), { ...sent(4), kind: 'system' as const }, { ...sent(5), deletedAt: 1 }], 'me', 3)).toBe(false)
    expect(heldAbove([], 'me', 0)).toBe(false)
  })
})
