import { describe, expect, test } from 'vitest'
import { fold, foldWithMap } from './fold'

describe('fold', () => {
  test('lower case, Latin accents removed, other scripts kept', () => {
    expect(fold('ÉCOLE Über naïve')).toBe('ecole uber naive')
    expect(fold('Cafe\u0301')).toBe('cafe')
    expect(fold('がっこう')).toBe('がっこう')
    expect(fold('が東京')).toBe('が東京')
    expect(fold('한국어')).toBe('한국어')
    expect(fold('ΣΟΦΙΑ')).toBe('σοφια')
    expect(fold('🎉OK')).toBe('🎉ok')
    expect(fold('ÉCOLE Straße İ')).toBe('ecole straße i')
  })

  test('marks on nothing fold away; a pile of them stays with its letter', () => {
    expect(fold('z̷̢̛̛̯̪̥͚̺̫̘̭̳̜̦̦̑̋̀̈́̑̇͒̅̀͐̀̓͘͘͝')).toBe('z')
    const folded = foldWithMap('e\u0301\u0308x')
    expect(folded.text).toBe('ex')
    expect([folded.start(0), folded.end(0), folded.start(1), folded.end(1)]).toEqual([0, 3, 3, 4])
  })
})
