import { expect, test } from 'vitest'
import { tempCache } from '../../../../test/support/cache/temp-cache'

test('a setting never set is undefined', () => {
  expect(tempCache().cache.getSetting('theme')).toBeUndefined()
})

test('settings keep their JSON value, are replaced, and undefined removes them', () => {
  const { cache } = tempCache()
  cache.setSetting('prefs', { notifications: false, language: 'zh-CN', list: [1, 'two', null] })
  cache.setSetting('count', 0)
  cache.setSetting('flag', false)
  expect(cache.getSetting('prefs')).toEqual({ notifications: false, language: 'zh-CN', list: [1, 'two', null] })
  expect(cache.getSetting('count')).toBe(0)
  expect(cache.getSetting('flag')).toBe(false)
  cache.setSetting('count', 3)
  expect(cache.getSetting('count')).toBe(3)
  cache.setSetting('count', undefined)
  expect(cache.getSetting('count')).toBeUndefined()
  cache.setSetting('nothing', null)
  expect(cache.getSetting('nothing')).toBeNull()
})
