import { expect, test } from 'vitest'
import { SlidingWindowLimiter } from './rate-limit'

test('allows `limit` events in any window and refuses the next', () => {
  const limiter = new SlidingWindowLimiter(3, 1_000)
  expect([0, 10, 20, 30].map((t) => limiter.tryTake(t))).toEqual([true, true, true, false])
})

test('an event frees its place exactly one window after it was taken', () => {
  const limiter = new SlidingWindowLimiter(2, 1_000)
  expect(limiter.tryTake(0)).toBe(true)
  expect(limiter.tryTake(500)).toBe(true)
  expect(limiter.tryTake(999)).toBe(false)
  expect(limiter.tryTake(1_000)).toBe(true)
  expect(limiter.tryTake(1_499)).toBe(false)
  expect(limiter.tryTake(1_500)).toBe(true)
})

test('refused events do not count against later ones', () => {
  const limiter = new SlidingWindowLimiter(1, 100)
  expect(limiter.tryTake(0)).toBe(true)
  for (let t = 1; t < 100; t++) expect(limiter.tryTake(t)).toBe(false)
  expect(limiter.tryTake(100)).toBe(true)
})

test('a limit of zero refuses everything', () => {
  expect(new SlidingWindowLimiter(0, 1_000).tryTake(0)).toBe(false)
})
