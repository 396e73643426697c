import { describe, expect, test } from 'vitest'
import { buildSnippet, findMatches, SNIPPET_LENGTH, type SnippetPart } from './snippet'

/** The snippet with matches in [brackets]. */
const marked = (parts: SnippetPart[]): string => parts.map((part) => (part.match ? `[${part.text}]` : part.text)).join('')
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/
const codePoints = (parts: SnippetPart[]): number => [...parts.map((part) => part.text).join('')].length

describe('buildSnippet', () => {
  test('a short body whole, every match marked as written, case and accents ignored', () => {
    expect(marked(buildSnippet('Say HELLO to the Café', ['hello', 'cafe']))).toBe('Say [HELLO] to the [Café]')
    expect(marked(buildSnippet('我们周末去爬山吧', ['周末']))).toBe('我们[周末]去爬山吧')
    expect(marked(buildSnippet('party 🎉🎉 now', ['🎉']))).toBe('party [🎉🎉] now')
  })

  test('overlapping and adjacent matches merge; runs of whitespace read as one space', () => {
    expect(marked(buildSnippet('abcdef', ['abcd', 'cdef']))).toBe('[abcdef]')
    expect(marked(buildSnippet('one\n\n  two\tthree', ['two']))).toBe('one [two] three')
  })

  test('a long body: a window around the first match, cut between words, with … at the cuts', () => {
    const words = Array.from({ length: 200 }, (_, i) => `word${i}`)
    words[120] = 'NEEDLE'
    const parts = buildSnippet(words.join(' '), ['needle'])
    const text = marked(parts)
    expect(text.startsWith('…')).toBe(true)
    expect(text.endsWith('…')).toBe(true)
    expect(text).toContain('[NEEDLE]')
    // Context before the match is bounded; the whole is about SNIPPET_LENGTH characters.
    expect(text.indexOf('[NEEDLE]')).toBeLessThan(50)
    expect(codePoints(parts)).toBeLessThanOrEqual(SNIPPET_LENGTH + 2)
    expect(codePoints(parts)).toBeGreaterThan(SNIPPET_LENGTH - 20)
    // Cut between words: the first and last words are whole.
    const inner = text.slice(1, -1)
    expect(inner).toMatch(/^word\d+ /)
    expect(inner).toMatch(/ word\d+$/)
  })

  test('a match near the end shows the text before it; one at the start has no leading …', () => {
    const body = `${'lorem ipsum '.repeat(40)}the end`
    expect(marked(buildSnippet(body, ['end'])).endsWith('the [end]')).toBe(true)
    const start = marked(buildSnippet(`needle ${'x '.repeat(200)}`, ['needle']))
    expect(start.startsWith('[needle]')).toBe(true)
  })

  test('no match found (another folding found the hit): the start of the body, nothing marked', () => {
    const parts = buildSnippet('x'.repeat(300), ['nothing'])
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
        const parts = buildSnippet(body, ['target'])
        for (const part of parts) expect(LONE_SURROGATE.test(part.text)).toBe(false)
        const text = parts.map((part) => part.text).join('').replace(/^…/, '').replace(/…$/, '')
        const [before = '', after = ''] = text.split('target')
        // What is shown on either side is whole clusters (and the x's before them).
        expect(before.replace(/^x*/, '').length % cluster.length, `${JSON.stringify(cluster)} +${extra}: before`).toBe(0)
        expect(after.length % cluster.length, `${JSON.stringify(cluster)} +${extra}: after`).toBe(0)
        expect(after.length).toBeGreaterThan(0)
      }
    }
  })

  test('a first match longer than the window extends it rather than being cut', () => {
    const term = 'z'.repeat(190)
    const parts = buildSnippet(`before ${term} after`, [term])
    expect(parts.find((part) => part.match)?.text).toBe(term)
  })
})

describe('findMatches', () => {
  test('positions are in the original text, across folding that changes lengths', () => {
    const body = 'İstanbul and STRASSE and Cafe\u0301!'
    const ranges = findMatches(body, ['istanbul', 'cafe'])
    expect(ranges.map((range) => body.slice(range.start, range.end))).toEqual(['İstanbul', 'Cafe\u0301'])
  })
})
