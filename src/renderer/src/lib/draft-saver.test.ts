import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { DraftSaver } from './draft-saver'

describe('DraftSaver', () => {
  let saved: [string, string][]
  let saver: DraftSaver

  beforeEach(() => {
    vi.useFakeTimers()
    saved = []
    saver = new DraftSaver({ delayMs: 300, save: async (id, text) => void saved.push([id, text]) })
  })
  afterEach(() => vi.useRealTimers())

  it('saves once typing pauses, with the last text', () => {
    saver.change('c1', 'h')
    vi.advanceTimersByTime(200)
    saver.change('c1', 'he')
    vi.advanceTimersByTime(200)
    saver.change('c1', 'hello')
    expect(saved).toEqual([])
    vi.advanceTimersByTime(300)
    expect(saved).toEqual([['c1', 'hello']])
  })

  it('saves at once when switching away, and not again when the timer would have fired', () => {
    saver.change('c1', 'half a thought')
    saver.flush('c1')
    expect(saved).toEqual([['c1', 'half a thought']])
    vi.advanceTimersByTime(1_000)
    expect(saved).toHaveLength(1)
    saver.flush('c1')
    expect(saved).toHaveLength(1)
  })

  it('keeps conversations apart', () => {
    saver.change('c1', 'one')
    saver.change('c2', 'two')
    vi.advanceTimersByTime(300)
    expect(saved).toEqual([
      ['c1', 'one'],
      ['c2', 'two'],
    ])
  })

  it('does not write back what it loaded or what it saved last', () => {
    saver.loaded('c1', 'from the cache')
    saver.change('c1', 'from the cache')
    vi.advanceTimersByTime(300)
    saver.change('c1', 'new')
    saver.change('c1', 'from the cache')
    vi.advanceTimersByTime(300)
    expect(saved).toEqual([])
  })

  it('a send clears the draft at once, replacing what was waiting', () => {
    saver.change('c1', 'sending this')
    saver.saveNow('c1', '')
    vi.advanceTimersByTime(1_000)
    expect(saved).toEqual([])
    saver.change('c1', 'next')
    vi.advanceTimersByTime(300)
    saver.saveNow('c1', '')
    expect(saved).toEqual([
      ['c1', 'next'],
      ['c1', ''],
    ])
  })

  it('flushAll saves every conversation waiting; drop forgets them', () => {
    saver.change('c1', 'a')
    saver.change('c2', 'b')
    saver.flushAll()
    expect(saved).toHaveLength(2)
    saver.change('c3', 'c')
    saver.drop()
    vi.advanceTimersByTime(1_000)
    expect(saved).toHaveLength(2)
  })

  it('tries again after a failed save', async () => {
    let fail = true
    const attempts: string[] = []
    const flaky = new DraftSaver({
      delayMs: 300,
      save: (_id, text) => {
        attempts.push(text)
        return fail ? Promise.reject(new Error('offline')) : Promise.resolve()
      },
    })
    flaky.change('c1', 'x')
    flaky.flush('c1')
    await vi.runAllTimersAsync()
    fail = false
    flaky.change('c1', 'x')
    flaky.flush('c1')
    expect(attempts).toEqual(['x', 'x'])
  })
})
