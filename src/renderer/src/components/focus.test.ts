import { describe, expect, it } from 'vitest'
import { wrapTarget } from './focus'

/** Controls at positions 1..4; focus at `at` (a control's position, or between two: a container or a control Tab skips). */
const controls = [1, 2, 3, 4]
const around = (at: number) => (item: number) => (item === at ? 'self' : item < at ? 'before' : 'after') as 'before' | 'self' | 'after'

describe('wrapTarget: Tab and Shift+Tab wrap inside a dialog', () => {
  it('Tab on the last control goes to the first; Shift+Tab on the first goes to the last', () => {
    expect(wrapTarget(controls, around(4), false)).toBe(1)
    expect(wrapTarget(controls, around(1), true)).toBe(4)
  })

  it('leaves every other move to the browser', () => {
    expect(wrapTarget(controls, around(1), false)).toBeNull()
    expect(wrapTarget(controls, around(3), false)).toBeNull()
    expect(wrapTarget(controls, around(4), true)).toBeNull()
    expect(wrapTarget(controls, around(2), true)).toBeNull()
  })

  it('wraps from an element Tab does not stop at, past the last or before the first control', () => {
    expect(wrapTarget(controls, around(4.5), false)).toBe(1)
    expect(wrapTarget(controls, around(0.5), true)).toBe(4)
    expect(wrapTarget(controls, around(2.5), false)).toBeNull()
  })

  it('keeps focus on a lone control, and has nowhere to go without one', () => {
    expect(wrapTarget([7], (item: number) => (item === 7 ? 'self' : 'after'), false)).toBe(7)
    expect(wrapTarget([7], (item: number) => (item === 7 ? 'self' : 'after'), true)).toBe(7)
    expect(wrapTarget([], around(1), false)).toBeNull()
  })
})
