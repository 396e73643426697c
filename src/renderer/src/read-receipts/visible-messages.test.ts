import { describe, expect, it } from 'vitest'
import { countsAsVisible } from './visible-messages'

const rect = (height: number) => ({ height }) as DOMRectReadOnly

describe('countsAsVisible', () => {
  it('needs half of the row on screen', () => {
    expect(countsAsVisible({ isIntersecting: true, intersectionRatio: 0.5, intersectionRect: rect(20), rootBounds: rect(600) })).toBe(true)
    expect(countsAsVisible({ isIntersecting: true, intersectionRatio: 0.3, intersectionRect: rect(12), rootBounds: rect(600) })).toBe(false)
    expect(countsAsVisible({ isIntersecting: false, intersectionRatio: 0, intersectionRect: rect(0), rootBounds: rect(600) })).toBe(false)
  })

  it('counts a message taller than the viewport once it fills half of it', () => {
    expect(countsAsVisible({ isIntersecting: true, intersectionRatio: 0.2, intersectionRect: rect(400), rootBounds: rect(600) })).toBe(true)
    expect(countsAsVisible({ isIntersecting: true, intersectionRatio: 0.1, intersectionRect: rect(200), rootBounds: rect(600) })).toBe(false)
  })
})
