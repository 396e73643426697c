import { expect, test } from 'vitest'
import { badgeBitmap, badgeLabel, BADGE_SIZE } from './unread-badge'

test('the label is the count up to 99, then 99+', () => {
  expect([1, 9, 12, 99, 100, 5000].map(badgeLabel)).toEqual(['1', '9', '12', '99', '99+', '99+'])
})

test('the picture: a transparent square with a red disc and the label in white, different for every label', () => {
  const pixel = (label: string, x: number, y: number): number[] => {
    const { data } = badgeBitmap(label)
    return [...data.subarray((y * BADGE_SIZE + x) * 4, (y * BADGE_SIZE + x) * 4 + 4)]
  }
  expect(badgeBitmap('1')).toMatchObject({ width: 32, height: 32, scaleFactor: 2 })
  expect(badgeBitmap('1').data).toHaveLength(32 * 32 * 4)
  expect(pixel('1', 0, 0)).toEqual([0, 0, 0, 0])
  expect(pixel('1', 2, 16)).toEqual([0x25, 0x30, 0xd9, 0xff])
  const labels = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '42', '99', '99+']
  expect(new Set(labels.map((label) => badgeBitmap(label).data.toString('hex'))).size).toBe(labels.length)
  for (const label of labels) {
    const { data } = badgeBitmap(label)
    let white = 0
    for (let i = 0; i < data.length; i += 4) if (data[i] === 0xff && data[i + 1] === 0xff && data[i + 2] === 0xff) white++
    expect(white, label).toBeGreaterThan(20)
  }
})
