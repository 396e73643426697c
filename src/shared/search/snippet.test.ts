import { describe, expect, test } from 'vitest'
import { buildSnippet, DESKTOP_SNIPPET, findMatches, SERVER_SNIPPET, type SnippetPart, type SnippetShape } from './snippet'

/** The snippet with matches in [brackets]. */
const marked = (parts: SnippetPart[]): string => parts.map((part) => (part.match ? `[${part.text}]` : part.text)).join('')
const text = (parts: SnippetPart[]): string => parts.map((part) => part.text).join('')
const codePoints = (s: string): number => [...s].length
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/u

const desktop = (body: string, terms: readonly string[]): SnippetPart[] => buildSnippet(body, terms, DESKTOP_SNIPPET)
const server = (body: string, terms: readonly string[]): SnippetPart[] => buildSnippet(body, terms, SERVER_SNIPPET)

describe('shapes', () => {
  test('the desktop shows 72 characters, the server 160', () => {
    expect(DESKTOP_SNIPPET.length).toBe(72)
    expect(SERVER_SNIPPET.length).toBe(160)
  })

  test('a bounded scan gives the same snippet as a whole one on a long body full of matches', () => {
    const body = `${'lorem ipsum '.repeat(30)}${'the cat and the dog '.repeat(200)}`
    for (const shape of [DESKTOP_SNIPPET, SERVER_SNIPPET]) {
      const other: SnippetShape = { ...shape, boundedScan: !shape.boundedScan }
      expect(buildSnippet(body, ['the', 'dog'], other)).toEqual(buildSnippet(body, ['the', 'dog'], shape))
    }
  })
})

describe('buildSnippet (desktop shape)', () => {
  test('a short body is shown whole, every occurrence of every term highlighted', () => {
    expect(desktop('The meeting moved: meeting at 3pm', ['meeting', '3PM'])).toEqual([
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
    const parts = desktop(body, ['keyword'])
    const shown = text(parts)
    expect(shown.startsWith('…')).toBe(true)
    expect(shown.endsWith('…')).toBe(true)
    expect(parts.filter((part) => part.match)).toEqual([{ text: 'KEYWORD', match: true }])
    expect(codePoints(shown)).toBeGreaterThanOrEqual(50)
    expect(codePoints(shown)).toBeLessThanOrEqual(DESKTOP_SNIPPET.length + 2)
    // Whole words only at the cuts.
    const inner = shown.slice(1, -1).trim()
    for (const word of inner.split(' ')) expect(body.split(/\s+/u)).toContain(word)
    // Some context before the match.
    expect(shown.indexOf('KEYWORD')).toBeGreaterThan(10)
  })

  test('a match near the end keeps a full window by showing more before it', () => {
    const body = `${'一二三四五六七八九十'.repeat(12)}周末见`
    const parts = desktop(body, ['周末'])
    expect(marked(parts).endsWith('[周末]见')).toBe(true)
    expect(codePoints(text(parts))).toBe(DESKTOP_SNIPPET.length + 1)
    expect(text(parts).startsWith('…')).toBe(true)
  })

  test('cuts never split a surrogate pair or an emoji sequence', () => {
    const family = '👨‍👩‍👧‍👦'
    for (let shift = 0; shift < 12; shift++) {
      const body = `${'🎉'.repeat(30 + shift)}${family.repeat(3)}target${'😀'.repeat(40)}${family.repeat(5)}`
      const parts = desktop(body, ['target'])
      for (const part of parts) expect(LONE_SURROGATE.test(part.text), `shift ${shift}: ${part.text}`).toBe(false)
      const shown = text(parts).replace(/^…|…$/gu, '')
      expect(body.includes(shown)).toBe(true)
      // Either the family emoji is whole or absent at the cuts.
      expect(shown.replaceAll(family, '')).not.toMatch(/\u200D/u)
      expect(marked(parts)).toContain('[target]')
    }
  })

  test('highlights map back through folding: accents, decomposed letters, case', () => {
    expect(marked(desktop('Crème BRÛLÉE, s’il vous plaît', ['brulee', 'CREME']))).toBe('[Crème] [BRÛLÉE], s’il vous plaît')
    expect(marked(desktop('Cafe\u0301 au lait', ['café']))).toBe('[Cafe\u0301] au lait')
    expect(marked(desktop('İstanbul trip', ['istanbul']))).toBe('[İstanbul] trip')
  })

  test('overlapping and adjacent matches merge into one highlighted part', () => {
    expect(marked(desktop('banana', ['ana']))).toBe('b[anana]')
    expect(marked(desktop('abcdef', ['abc', 'cde']))).toBe('[abcde]f')
  })

  test('line breaks read as spaces', () => {
    expect(marked(desktop('first line\n\nsecond\tline with word', ['word']))).toBe('first line second line with [word]')
  })

  test('without any match the start of the body is shown', () => {
    expect(desktop('x'.repeat(200), ['nothing'])).toEqual([{ text: `${'x'.repeat(DESKTOP_SNIPPET.length)}…`, match: false }])
  })
})

describe('buildSnippet (server shape)', () => {
  test('a short body whole, every match marked as written, case and accents ignored', () => {
    expect(marked(server('Say HELLO to the Café', ['hello', 'cafe']))).toBe('Say [HELLO] to the [Café]')
    expect(marked(server('我们周末去爬山吧', ['周末']))).toBe('我们[周末]去爬山吧')
    expect(marked(server('party 🎉🎉 now', ['🎉']))).toBe('party [🎉🎉] now')
  })

  test('overlapping and adjacent matches merge; runs of whitespace read as one space', () => {
    expect(marked(server('abcdef', ['abcd', 'cdef']))).toBe('[abcdef]')
    expect(marked(server('one\n\n  two\tthree', ['two']))).toBe('one [two] three')
  })

  test('a long body: a window around the first match, cut between words, with … at the cuts', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`)
    words[120] = 'NEEDLE'
    const parts = server(words.join(' '), ['needle'])
    const shown = marked(parts)
    expect(shown.startsWith('…')).toBe(true)
    expect(shown.endsWith('…')).toBe(true)
    expect(shown).toContain('[NEEDLE]')
    // Context before the match is bounded; the whole is about SERVER_SNIPPET.length characters.
    expect(shown.indexOf('[NEEDLE]')).toBeLessThan(50)
    expect(codePoints(text(parts))).toBeLessThanOrEqual(SERVER_SNIPPET.length + 2)
    expect(codePoints(text(parts))).toBeGreaterThan(SERVER_SNIPPET.length - 20)
    // Cut between words: the first and last words are whole.
    const inner = shown.slice(1, -1)
    expect(inner).toMatch(/^word\d+ /)
    expect(inner).toMatch(/ word\d+$/)
  })

  test('a match near the end shows the text before it; one at the start has no leading …', () => {
    const body = `${'lorem ipsum '.repeat(40)}the end`
    expect(marked(server(body, ['end'])).endsWith('the [end]')).toBe(true)
    const start = marked(server(`needle ${'x '.repeat(200)}`, ['needle']))
    expect(start.startsWith('[needle]')).toBe(true)
  })

  test('no match found (another folding found the hit): the start of the body, nothing marked', () => {
    const parts = server('x'.repeat(300), ['nothing'])
    expect(parts.every((part) => !part.match)).toBe(true)
    expect(parts[0]?.text.startsWith('xxx')).toBe(true)
  })

  test('never a cut inside a surrogate pair, an emoji sequence or a letter with its accents', () => {
    // Clusters of 7 and 3 code points: whatever the window's arithmetic, some cuts would fall inside one.
    const family = '👨‍👩‍👧‍👦'
    const accented = 'e\u0301\u0308'
    for (const cluster of [family, accented, '🎉']) {
      for (let extra = 0; extra < 8; extra++) {
        const body = `${'x'.repeat(extra)}${cluster.repeat(60)}target${cluster.repeat(80)}`
        const parts = server(body, ['target'])
        for (const part of parts) expect(LONE_SURROGATE.test(part.text)).toBe(false)
        const shown = text(parts).replace(/^…/, '').replace(/…$/, '')
        const [before = '', after = ''] = shown.split('target')
        // What is shown on either side is whole clusters (and the x's before them).
        expect(before.replace(/^x*/, '').length % cluster.length, `${JSON.stringify(cluster)} +${extra}: before`).toBe(0)
        expect(after.length % cluster.length, `${JSON.stringify(cluster)} +${extra}: after`).toBe(0)
        expect(after.length).toBeGreaterThan(0)
      }
    }
  })

  test('a first match longer than the window extends it rather than being cut', () => {
    const term = 'z'.repeat(190)
    const parts = server(`before ${term} after`, [term])
    expect(parts.find((part) => part.match)?.text).toBe(term)
  })
})

describe('findMatches', () => {
  test('positions are in the original text, across folding that changes lengths', () => {
    const body = 'İstanbul and STRASSE and Cafe\u0301!'
    const ranges = findMatches(body, ['istanbul', 'cafe'])
    expect(ranges.map((range) => body.slice(range.start, range.end))).toEqual(['İstanbul', 'Cafe\u0301'])
    const other = 'ﬁ İİ e\u0301e\u0301 end'
    expect(findMatches(other, ['ee']).map((range) => other.slice(range.start, range.end))).toEqual(['e\u0301e\u0301'])
  })

  test('with a reach, matches far past the first are not looked for', () => {
    const body = `cat ${'x'.repeat(1_000)} cat`
    expect(findMatches(body, ['cat'])).toHaveLength(2)
    expect(findMatches(body, ['cat'], 100)).toEqual([{ start: 0, end: 3 }])
  })
})
