import { describe, expect, it } from 'vitest'
import { pending, sent } from '../../../../test/support/renderer/chat-messages'
import { buildTimeline, dayKey, firstUnreadIndex, type TimelineRow } from './timeline'

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
