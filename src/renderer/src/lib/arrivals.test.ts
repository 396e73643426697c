import { describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import { ArrivalWatch, arrivalsText, firstLineOf, highestSeq, type ArrivalMessage } from './arrivals'

const msg = (seq: number | null, senderId: string, extra: Partial<ArrivalMessage> = {}): ArrivalMessage => ({
  key: `${senderId}:${seq ?? 'pending'}`,
  seq,
  senderId,
  kind: 'text',
  deletedAt: null,
  ...extra,
})

describe('ArrivalWatch', () => {
  it('finds others’ messages above the opening seq, each once', () => {
    const watch = new ArrivalWatch('me', 10)
    const held = [msg(9, 'bob'), msg(10, 'carol')]
    expect(watch.arrivals(held)).toEqual([])
    const next = [...held, msg(11, 'bob'), msg(12, 'carol')]
    expect(watch.arrivals(next).map((m) => m.key)).toEqual(['bob:11', 'carol:12'])
    // The same list again (an edit or a reaction changed a message): nothing new.
    expect(watch.arrivals([...next.slice(0, 3), { ...msg(12, 'carol'), deletedAt: null }])).toEqual([])
  })

  it('never my own messages, pending or sent', () => {
    const watch = new ArrivalWatch('me', 5)
    expect(watch.arrivals([msg(null, 'me'), msg(6, 'me'), msg(7, 'bob')]).map((m) => m.key)).toEqual(['bob:7'])
  })

  it('history loaded by scrolling back (below the opening seq) is not news', () => {
    const watch = new ArrivalWatch('me', 500)
    const older = Array.from({ length: 100 }, (_, n) => msg(400 + n, n % 2 === 0 ? 'bob' : 'carol'))
    expect(watch.arrivals(older)).toEqual([])
  })

  it('newer pages of a window scrolled back are history too; what comes after them is news', () => {
    const watch = new ArrivalWatch('me', 200)
    watch.skipThrough(300)
    const paged = Array.from({ length: 100 }, (_, n) => msg(201 + n, 'bob'))
    expect(watch.arrivals(paged)).toEqual([])
    watch.skipThrough(250)
    expect(watch.arrivals([...paged, msg(301, 'carol')]).map((m) => m.key)).toEqual(['carol:301'])
  })

  it('a change to the group and a message that arrives deleted are not announced', () => {
    const watch = new ArrivalWatch('me', 0)
    expect(watch.arrivals([msg(1, 'bob', { kind: 'system' }), msg(2, 'bob', { deletedAt: 5 }), msg(3, 'bob')]).map((m) => m.key)).toEqual(['bob:3'])
  })

  it('a message filling a gap below a newer arrival still counts (the sync caught up out of order)', () => {
    const watch = new ArrivalWatch('me', 10)
    expect(watch.arrivals([msg(12, 'bob')]).length).toBe(1)
    expect(watch.arrivals([msg(11, 'carol'), msg(12, 'bob')]).map((m) => m.key)).toEqual(['carol:11'])
  })

  it('highestSeq: of the held messages, 0 for none', () => {
    expect(highestSeq([])).toBe(0)
    expect(highestSeq([msg(3, 'a'), msg(null, 'me'), msg(7, 'b'), msg(5, 'c')])).toBe(7)
  })
})

describe('firstLineOf', () => {
  it('keeps the first line, trimmed', () => {
    expect(firstLineOf('  hello there \nsecond line')).toBe('hello there')
  })

  it('cuts a long line with an ellipsis, never inside a character', () => {
    expect(firstLineOf('a'.repeat(150))).toBe(`${'a'.repeat(100)}…`)
    const emoji = '😀'.repeat(120)
    expect(firstLineOf(emoji)).toBe(`${'😀'.repeat(100)}…`)
  })
})

describe('arrivalsText', () => {
  const names: Record<string, string> = { bob: 'Bob', carol: 'Carol', dan: 'Dan' }
  const nameOf = (id: string) => names[id] ?? '?'

  it('in English: one message with its text, a burst by count and who sent it', async () => {
    await i18n.changeLanguage('en')
    const t = i18n.t
    expect(arrivalsText(t, [], nameOf)).toBeNull()
    expect(arrivalsText(t, [{ senderId: 'bob', text: 'See you at noon' }], nameOf)).toBe('Bob: See you at noon')
    expect(arrivalsText(t, [{ senderId: 'bob', text: 'a' }, { senderId: 'bob', text: 'b' }], nameOf)).toBe('2 new messages from Bob')
    expect(
      arrivalsText(
        t,
        [
          { senderId: 'bob', text: 'a' },
          { senderId: 'carol', text: 'b' },
          { senderId: 'bob', text: 'c' },
        ],
        nameOf,
      ),
    ).toBe('3 new messages from Bob and Carol')
    expect(
      arrivalsText(
        t,
        ['bob', 'carol', 'dan', 'bob'].map((senderId) => ({ senderId, text: 'x' })),
        nameOf,
      ),
    ).toBe('4 new messages from 3 people')
  })

  it('in Chinese', async () => {
    await i18n.changeLanguage('zh-CN')
    const t = i18n.t
    expect(arrivalsText(t, [{ senderId: 'bob', text: '中午见' }], nameOf)).toBe('Bob：中午见')
    expect(arrivalsText(t, [{ senderId: 'bob', text: 'a' }, { senderId: 'bob', text: 'b' }], nameOf)).toBe('Bob 发来 2 条新消息')
    expect(
      arrivalsText(
        t,
        [
          { senderId: 'bob', text: 'a' },
          { senderId: 'carol', text: 'b' },
          { senderId: 'bob', text: 'c' },
        ],
        nameOf,
      ),
    ).toBe('Bob 和 Carol 发来 3 条新消息')
    expect(
      arrivalsText(
        t,
        ['bob', 'carol', 'dan'].map((senderId) => ({ senderId, text: 'x' })),
        nameOf,
      ),
    ).toBe('3 人发来 3 条新消息')
    await i18n.changeLanguage('en')
  })
})
