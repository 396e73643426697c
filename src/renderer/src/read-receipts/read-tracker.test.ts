import { describe, expect, it } from 'vitest'
import { mayMarkRead, ReadTracker, seqToReport } from './read-tracker'

/** A tracker on a hand-driven clock; `sent` records every markRead call. */
function setup(intervalMs = 250) {
  let now = 1_000
  const timers: { at: number; run: () => void; cancelled: boolean }[] = []
  const sent: number[] = []
  const tracker = new ReadTracker({
    markRead: (seq) => sent.push(seq),
    setTimer: (run, ms) => {
      const timer = { at: now + ms, run, cancelled: false }
      timers.push(timer)
      return () => {
        timer.cancelled = true
      }
    },
    now: () => now,
    intervalMs,
  })
  const advance = (ms: number) => {
    now += ms
    for (const timer of timers.splice(0)) {
      if (timer.cancelled) continue
      if (timer.at <= now) timer.run()
      else timers.push(timer)
    }
  }
  return { tracker, sent, advance }
}

const open = { conversationOpen: true, windowFocused: true, documentVisible: true }

describe('mayMarkRead', () => {
  it('needs focus, visibility and the conversation open, all at once', () => {
    expect(mayMarkRead(open)).toBe(true)
    expect(mayMarkRead({ ...open, windowFocused: false })).toBe(false)
    expect(mayMarkRead({ ...open, documentVisible: false })).toBe(false)
    expect(mayMarkRead({ ...open, conversationOpen: false })).toBe(false)
  })
})

describe('seqToReport', () => {
  it('reports only a visible seq above what is already read', () => {
    expect(seqToReport(null, 0)).toBeNull()
    expect(seqToReport(5, 5)).toBeNull()
    expect(seqToReport(4, 5)).toBeNull()
    expect(seqToReport(6, 5)).toBe(6)
  })
})

describe('ReadTracker', () => {
  it('marks the highest visible seq at once when focused, visible and open', () => {
    const { tracker, sent } = setup()
    tracker.update({ ...open, readSeq: 3, visibleSeq: 7 })
    expect(sent).toEqual([7])
  })

  it('never marks while the window is unfocused, and marks what is still visible when focus returns', () => {
    const { tracker, sent, advance } = setup()
    tracker.update({ ...open, windowFocused: false, readSeq: 3, visibleSeq: 5 })
    tracker.update({ visibleSeq: 9 })
    advance(10_000)
    expect(sent).toEqual([])
    tracker.update({ windowFocused: true })
    expect(sent).toEqual([9])
  })

  it('does not count messages that scrolled away while unfocused', () => {
    const { tracker, sent } = setup()
    tracker.update({ ...open, windowFocused: false, readSeq: 3, visibleSeq: 9 })
    tracker.update({ visibleSeq: 4 })
    tracker.update({ windowFocused: true })
    expect(sent).toEqual([4])
  })

  it('never marks while the document is hidden (minimized) or the conversation is not open', () => {
    const { tracker, sent, advance } = setup()
    tracker.update({ ...open, documentVisible: false, visibleSeq: 5 })
    advance(1_000)
    tracker.update({ documentVisible: true, conversationOpen: false })
    advance(1_000)
    expect(sent).toEqual([])
    tracker.update({ conversationOpen: true })
    expect(sent).toEqual([5])
  })

  it('sends only increasing seqs, nothing at or below readSeq', () => {
    const { tracker, sent, advance } = setup()
    tracker.update({ ...open, readSeq: 10, visibleSeq: 8 })
    tracker.update({ visibleSeq: 10 })
    expect(sent).toEqual([])
    tracker.update({ visibleSeq: 12 })
    advance(300)
    tracker.update({ visibleSeq: 11 })
    advance(300)
    expect(sent).toEqual([12])
  })

  it('coalesces: at most one call per interval, carrying the highest seq seen', () => {
    const { tracker, sent, advance } = setup(250)
    tracker.update({ ...open, visibleSeq: 1 })
    tracker.update({ visibleSeq: 2 })
    advance(100)
    tracker.update({ visibleSeq: 3 })
    tracker.update({ visibleSeq: 4 })
    expect(sent).toEqual([1])
    advance(149)
    expect(sent).toEqual([1])
    advance(1)
    expect(sent).toEqual([1, 4])
  })

  it('keeps a coalesced seq seen while focused until focus returns, if focus was lost before the flush', () => {
    const { tracker, sent, advance } = setup(250)
    tracker.update({ ...open, visibleSeq: 1 })
    tracker.update({ visibleSeq: 2 })
    tracker.update({ windowFocused: false })
    advance(1_000)
    expect(sent).toEqual([1])
    tracker.update({ windowFocused: true })
    expect(sent).toEqual([1, 2])
  })

  it('learns from readSeq updates (another device read further)', () => {
    const { tracker, sent } = setup()
    tracker.update({ ...open, readSeq: 0 })
    tracker.update({ readSeq: 20 })
    tracker.update({ visibleSeq: 15 })
    expect(sent).toEqual([])
  })

  it('flushes what was seen when the conversation closes while focused, and nothing after', () => {
    const { tracker, sent, advance } = setup(250)
    tracker.update({ ...open, visibleSeq: 1 })
    tracker.update({ visibleSeq: 3 })
    tracker.dispose()
    expect(sent).toEqual([1, 3])
    tracker.update({ visibleSeq: 9 })
    advance(1_000)
    expect(sent).toEqual([1, 3])
  })

  it('does not flush on close when the window is unfocused', () => {
    const { tracker, sent } = setup(250)
    tracker.update({ ...open, visibleSeq: 1 })
    tracker.update({ visibleSeq: 3 })
    tracker.update({ windowFocused: false })
    tracker.dispose()
    expect(sent).toEqual([1])
  })
})
