import { expect, test } from 'vitest'
import { badgeBitmap, badgeLabel, BADGE_SIZE, withUnreadCount } from './unread-badge'

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

test('the tray icon with the count: white digits in a red pill top right, the rest of the icon as it was; 99+ fits 16 px', () => {
  const colour = (data: Buffer, width: number, x: number, y: number) => data.readUInt32BE((y * width + x) * 4)
  const RED = 0x2530d9ff
  const WHITE = 0xffffffff
  /** Every changed pixel, as its colour. */
  const changes = (icon: Buffer, drawn: Buffer, width: number) => {
    const found: { x: number; y: number; colour: number }[] = []
    for (let i = 0; i < icon.length; i += 4) if (icon.readUInt32BE(i) !== drawn.readUInt32BE(i)) found.push({ x: (i / 4) % width, y: Math.floor(i / 4 / width), colour: drawn.readUInt32BE(i) })
    return found
  }
  // An icon of one grey, so every changed pixel shows.
  const grey = (size: number) => Buffer.alloc(size * size * 4, 0x80)
  const whiteCells = (label: string) => ({ '3': 11, '42': 9 + 11, '99+': 12 + 12 + 5 })[label] ?? 0
  for (const size of [16, 24]) {
    for (const label of ['3', '42', '99+']) {
      const icon = grey(size)
      const drawn = withUnreadCount(icon, size, size, label)
      expect(drawn).not.toBe(icon)
      const changed = changes(icon, drawn, size)
      // The pill: seven rows at the top, at the right edge; the digits one font pixel each, all inside.
      expect(Math.max(...changed.map(({ y }) => y)), `${label} at ${size}`).toBe(6)
      expect(Math.max(...changed.map(({ x }) => x)), `${label} at ${size}`).toBe(size - 1)
      expect(changed.filter(({ colour }) => colour === WHITE), `${label} at ${size}`).toHaveLength(whiteCells(label))
      expect(changed.every(({ colour }) => colour === RED || colour === WHITE)).toBe(true)
      expect(colour(drawn, size, 0, size - 1)).toBe(0x80808080)
    }
  }
  // 99+ on 16 px: 11 pixels of digits and a pixel of red either side.
  expect(Math.min(...changes(grey(16), withUnreadCount(grey(16), 16, 16, '99+'), 16).map(({ x }) => x))).toBe(3)
  // A 32 px icon: font pixels of two.
  expect(changes(grey(32), withUnreadCount(grey(32), 32, 32, '3'), 32).filter(({ colour }) => colour === WHITE)).toHaveLength(11 * 4)
  const labels = ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10', '42', '99', '99+']
  expect(new Set(labels.map((label) => withUnreadCount(grey(24), 24, 24, label).toString('hex'))).size).toBe(labels.length)
})
