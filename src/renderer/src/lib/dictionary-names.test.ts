import { expect, test } from 'vitest'
import { dictionaryName, sortedDictionaries } from './dictionary-names'

test('dictionaries are named in the UI language; unknown codes stay codes', () => {
  expect(dictionaryName('en-US', 'en')).toBe('American English')
  expect(dictionaryName('de', 'en')).toBe('German')
  expect(dictionaryName('de', 'zh-CN')).toBe('德语')
  expect(dictionaryName('not a code', 'en')).toBe('not a code')
})

test('sorted by name, as the UI language sorts', () => {
  expect(sortedDictionaries(['fr', 'de', 'en-GB'], 'en').map((entry) => entry.code)).toEqual(['en-GB', 'fr', 'de'])
})
