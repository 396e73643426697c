import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { announce, ENTRY_LIFETIME_MS, MAX_ENTRIES, useAnnouncer } from './announce'

const texts = () => useAnnouncer.getState().entries.map((entry) => entry.text)

beforeEach(() => {
  vi.useFakeTimers()
  useAnnouncer.getState().reset()
})

afterEach(() => {
  useAnnouncer.getState().reset()
  vi.useRealTimers()
})

describe('announce', () => {
  it('adds an entry per announcement, the same words twice as two entries (read twice)', () => {
    announce('Back online.')
    announce('Back online.')
    const entries = useAnnouncer.getState().entries
    expect(entries.map((entry) => entry.text)).toEqual(['Back online.', 'Back online.'])
    expect(entries[0]?.id).not.toBe(entries[1]?.id)
  })

  it('ignores empty text', () => {
    announce('   ')
    expect(texts()).toEqual([])
  })

  it('an entry leaves after its lifetime', () => {
    announce('one')
    vi.advanceTimersByTime(ENTRY_LIFETIME_MS / 2)
    announce('two')
    vi.advanceTimersByTime(ENTRY_LIFETIME_MS / 2)
    expect(texts()).toEqual(['two'])
    vi.advanceTimersByTime(ENTRY_LIFETIME_MS / 2)
    expect(texts()).toEqual([])
  })

  it('keeps the latest MAX_ENTRIES', () => {
    for (let n = 1; n <= MAX_ENTRIES + 2; n++) announce(`n${n}`)
    expect(texts()).toEqual(Array.from({ length: MAX_ENTRIES }, (_, i) => `n${i + 3}`))
  })

  it('reset clears the entries and their timers', () => {
    announce('one')
    useAnnouncer.getState().reset()
    expect(texts()).toEqual([])
    announce('two')
    vi.advanceTimersByTime(ENTRY_LIFETIME_MS - 1)
    expect(texts()).toEqual(['two'])
  })
})
