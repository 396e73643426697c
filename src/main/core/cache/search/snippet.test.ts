import { describe, expect, test } from 'vitest'
import type { SnippetPart } from '../../../../shared/ipc'
import { fold } from './fold'
import { buildSnippet, findMatches, SNIPPET_LENGTH } from './snippet'

const marked = (parts: SnippetPart[]): string => parts.map((part) => (part.match ? `[${part.text}]` : part.text)).join('')
const text = (parts: SnippetPart[]): string => parts.map((part) => part.text).join('')
const codePoints = (s: string): number => [...s].length
const hasLoneSurrogate = (s: string): boolean => /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u.test(s)

describe('fold', () => {
  test('lower case, Latin accents removed, other scripts kept', () => {
    expect(fold('ÉCOLE Über naïve')).toBe('ecole uber naive')
    expect(fold('Cafe\u0301')).toBe('cafe')
    expect(fold('がっこう')).toBe('がっこう')
    expect(fold('한국어')).toBe('한국어')
    expect(fold('ΣΟΦΙΑ')).toBe('σοφια')
    expect(fold('🎉OK')).toBe('🎉ok')
  })
})

describe('buildSnippet', () => {
  test('a short body is shown whole, every occurrence of every term highlighted', () => {
    expect(buildSnippet('The meeting moved: meeting at 3pm', ['meeting', '3PM'])).toEqual([
      { text: 'The ', match: false },
      { text: 'meeting', match: true },
      { text: ' moved: ', match: false },
      { text: 'meeting', match: true },
      { text: ' at ', match: false },
      { text: '3pm', match: true },
    ])
  })

  test('a long body is cut around the first match, between words, with … at both cut ends', () => {
    const body = `${'lorem ipsum dolor sit amet '.repeat(6)}the KEYWORD is here ${'consectetur adipiscing elit '.repeat(6)}`
    const parts = buildSnippet(body, ['keyword'])
    const shown = text(parts)
    expect(shown.startsWith('…')).toBe(true)
    expect(shown.endsWith('…')).toBe(true)
    expect(parts.filter((part) => part.match)).toEqual([{ text: 'KEYWORD', match: true }])
    expect(codePoints(shown)).toBeGreaterThanOrEqual(50)
    expect(codePoints(shown)).toBeLessThanOrEqual(SNIPPET_LENGTH + 2)
    // Whole words only at the cuts.
    const inner = shown.slice(1, -1).trim()
    for (const word of inner.split(' ')) expect(body.split(/\s+/u)).toContain(word)
    // Some context before the match.
    expect(shown.indexOf('KEYWORD')).toBeGreaterThan(10)
  })

  test('a match near the end keeps a full window by showing more before it', () => {
    const body = `${'一二三四五六七八九十'.repeat(12)}周末见`
    const parts = buildSnippet(body, ['周末'])
    expect(marked(parts).endsWith('[周末]见')).toBe(true)
    expect(codePoints(text(parts))).toBe(SNIPPET_LENGTH + 1)
    expect(text(parts).startsWith('…')).toBe(true)
  })

  test('cuts never split a surrogate pair or an emoji sequence', () => {
    const family = '👨‍👩‍👧‍👦'
    for (let shift = 0; shift < 12; shift++) {
      const body = `${'🎉'.repeat(30 + shift)}${family.repeat(3)}target${'😀'.repeat(40)}${family.repeat(5)}`
      const parts = buildSnippet(body, ['target'])
      for (const part of parts) expect(hasLoneSurrogate(part.text), `shift ${shift}: ${part.text}`).toBe(false)
      const shown = text(parts).replace(/^…|…$/gu, '')
      expect(body.includes(shown)).toBe(true)
      // Either the family emoji is whole or absent at the cuts.
      expect(shown.replaceAll(family, '')).not.toMatch(/\u200D/u)
      expect(marked(parts)).toContain('[target]')
    }
  })

  test('highlights map back through folding: accents, decomposed letters, case', () => {
    expect(marked(buildSnippet('Crème BRÛLÉE, s’il vous plaît', ['brulee', 'CREME']))).toBe('[Crème] [BRÛLÉE], s’il vous plaît')
    expect(marked(buildSnippet('Cafe\u0301 au lait', ['café']))).toBe('[Cafe\u0301] au lait')
    expect(marked(buildSnippet('İstanbul trip', ['istanbul']))).toBe('[İstanbul] trip')
  })

  test('overlapping and adjacent matches merge into one highlighted part', () => {
    expect(marked(buildSnippet('banana', ['ana']))).toBe('b[anana]')
    expect(marked(buildSnippet('abcdef', ['abc', 'cde']))).toBe('[abcde]f')
  })

  test('line breaks read as spaces', () => {
    expect(marked(buildSnippet('first line\n\nsecond\tline with word', ['word']))).toBe('first line second line with [word]')
  })

  test('without any match the start of the body is shown', () => {
    expect(buildSnippet('x'.repeat(200), ['nothing'])).toEqual([{ text: `${'x'.repeat(SNIPPET_LENGTH)}…`, match: false }])
  })

  test('findMatches works in original indices even where folding changes lengths', () => {
    const body = 'ﬁ İİ e\u0301e\u0301 end'
    const ranges = findMatches(body, ['ee'])
    expect(ranges.map((range) => body.slice(range.start, range.end))).toEqual(['e\u0301e\u0301'])
  })
})
