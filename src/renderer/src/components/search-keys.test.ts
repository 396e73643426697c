import { describe, expect, it } from 'vitest'
import { hitStep } from './search-keys'

describe('hitStep: the arrow keys among search hits', () => {
  it('↓ moves to the next hit and stops at the last', () => {
    expect(hitStep('ArrowDown', 0, 3)).toBe(1)
    expect(hitStep('ArrowDown', 1, 3)).toBe(2)
    expect(hitStep('ArrowDown', 2, 3)).toBe(2)
  })

  it('↑ moves to the previous hit, and from the first back to the search box', () => {
    expect(hitStep('ArrowUp', 2, 3)).toBe(1)
    expect(hitStep('ArrowUp', 0, 3)).toBe('box')
    expect(hitStep('ArrowUp', 0, 1)).toBe('box')
  })

  it('Home and End go to the first and the last hit', () => {
    expect(hitStep('Home', 2, 3)).toBe(0)
    expect(hitStep('End', 0, 3)).toBe(2)
  })

  it('leaves other keys, and a hit it cannot place, to the browser', () => {
    expect(hitStep('Enter', 0, 3)).toBeNull()
    expect(hitStep('Tab', 1, 3)).toBeNull()
    expect(hitStep('ArrowDown', -1, 3)).toBeNull()
    expect(hitStep('ArrowDown', 0, 0)).toBeNull()
  })
})
