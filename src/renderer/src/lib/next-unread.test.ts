import { expect, test } from 'vitest'
import { nextUnread } from './next-unread'

const ids = ['a', 'b', 'c', 'd', 'e']
const unread = new Set(['a', 'c', 'e'])
const has = (id: string) => unread.has(id)

test('the nearest unread conversation in the direction asked, without wrapping', () => {
  expect(nextUnread(ids, 'b', 1, has)).toBe('c')
  expect(nextUnread(ids, 'c', 1, has)).toBe('e')
  expect(nextUnread(ids, 'c', -1, has)).toBe('a')
  expect(nextUnread(ids, 'e', 1, has)).toBeNull()
  expect(nextUnread(ids, 'a', -1, has)).toBeNull()
  expect(nextUnread(ids, 'd', -1, () => false)).toBeNull()
})

test('nothing open (or an id no longer listed): from the top going down, from the bottom going up', () => {
  expect(nextUnread(ids, null, 1, has)).toBe('a')
  expect(nextUnread(ids, null, -1, has)).toBe('e')
  expect(nextUnread(ids, 'gone', 1, has)).toBe('a')
  expect(nextUnread([], null, 1, has)).toBeNull()
})
