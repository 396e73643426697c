import { expect, test } from 'vitest'
import { fullJitterDelay } from './backoff'

test('the ceiling doubles from the base up to the cap', () => {
  const top = () => 0.999_999
  expect([0, 1, 2, 3, 4, 5, 6, 7].map((n) => fullJitterDelay(n, 500, 30_000, top))).toEqual([
    499, 999, 1_999, 3_999, 7_999, 15_999, 29_999, 29_999,
  ])
})

test('full jitter: anywhere from zero up to the ceiling', () => {
  expect(fullJitterDelay(3, 500, 30_000, () => 0)).toBe(0)
  expect(fullJitterDelay(3, 500, 30_000, () => 0.5)).toBe(2_000)
})

test('huge attempt counts stay at the cap', () => {
  expect(fullJitterDelay(10_000, 500, 30_000, () => 0.5)).toBe(15_000)
})
