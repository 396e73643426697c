import { describe, expect, it } from 'vitest'
import { formatMessage, parseBlocks, parseInline, plainText } from './markdown'

describe('inline formatting', () => {
  it('finds bold, italic, strike and code', () => {
    expect(parseInline('a **b** _c_ *d* ~~e~~ `f*g*`')).toEqual([
      { type: 'text', text: 'a ' },
      { type: 'strong', children: [{ type: 'text', text: 'b' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'c' }] },
      { type: 'text', text: ' ' },
      { type: 'em', children: [{ type: 'text', text: 'd' }] },
      { type: 'text', text: ' ' },
      { type: 'strike', children: [{ type: 'text', text: 'e' }] },
      { type: 'text', text: ' ' },
      { type: 'code', text: 'f*g*' },
    ])
  })

  it('nests emphasis and leaves unmatched or spaced marks as text', () => {
    expect(parseInline('**bold _and italic_**')).toEqual([
      { type: 'strong', children: [{ type: 'text', text: 'bold ' }, { type: 'em', children: [{ type: 'text', text: 'and italic' }] }] },
    ])
    expect(parseInline('2 * 3 * 4')).toEqual([{ type: 'text', text: '2 * 3 * 4' }])
    expect(parseInline('**never closed')).toEqual([{ type: 'text', text: '**never closed' }])
    expect(parseInline('snake_case_name')).toEqual([{ type: 'text', text: 'snake_case_name' }])
  })

  it('makes links of http(s) URLs only; javascript: and data: stay text', () => {
    expect(parseInline('see https://example.com/a_b_c and [docs](https://example.com/docs)')).toEqual([
      { type: 'text', text: 'see ' },
      { type: 'link', text: 'https://example.com/a_b_c', url: 'https://example.com/a_b_c' },
      { type: 'text', text: ' and ' },
      { type: 'link', text: 'docs', url: 'https://example.com/docs' },
    ])
    for (const hostile of ['[click me](javascript:alert(1))', '[x](javascript:void)', '[x](data:text/html,hi)', 'javascript:alert(1)', '[x](JaVaScRiPt:y)']) {
      const nodes = parseInline(hostile)
      expect(nodes.some((node) => node.type === 'link')).toBe(false)
      expect(plainText([{ type: 'paragraph', children: nodes }])).toBe(hostile)
    }
  })

  it('keeps HTML as text', () => {
    const html = '<img src=x onerror="alert(1)"><script>alert(2)</script>'
    expect(parseInline(html)).toEqual([{ type: 'text', text: html }])
  })

  it('marks @name tokens, not e-mail addresses, and not inside code', () => {
    expect(parseInline('hi @bob.smith, mail bob@example.com `@carol`')).toEqual([
      { type: 'text', text: 'hi ' },
      { type: 'mention', name: 'bob.smith' },
      { type: 'text', text: ', mail bob@example.com ' },
      { type: 'code', text: '@carol' },
    ])
    expect(parseInline('@li_lei_ 你好')).toEqual([{ type: 'mention', name: 'li_lei_' }, { type: 'text', text: ' 你好' }])
  })
})

describe('blocks', () => {
  it('keeps plain text exactly, line breaks and blank lines included', () => {
    const text = '\n  first line\n\nsecond\u200B line  \n'
    expect(parseBlocks(text)).toEqual([{ type: 'paragraph', children: [{ type: 'text', text }] }])
  })

  it('parses fenced code, quotes and lists', () => {
    expect(parseBlocks('intro\n```\nconst a = **1**\n```\n> quoted _x_\n> more\n- one\n- two\n  still two\n3. three')).toEqual([
      { type: 'paragraph', children: [{ type: 'text', text: 'intro' }] },
      { type: 'code', text: 'const a = **1**' },
      {
        type: 'quote',
        children: [{ type: 'paragraph', children: [{ type: 'text', text: 'quoted ' }, { type: 'em', children: [{ type: 'text', text: 'x' }] }, { type: 'text', text: '\nmore' }] }],
      },
      { type: 'list', ordered: false, start: 1, items: [[{ type: 'text', text: 'one' }], [{ type: 'text', text: 'two\nstill two' }]] },
      { type: 'list', ordered: true, start: 3, items: [[{ type: 'text', text: 'three' }]] },
    ])
  })

  it('an unclosed fence runs to the end', () => {
    expect(parseBlocks('```\n<b>x</b>')).toEqual([{ type: 'code', text: '<b>x</b>' }])
  })
})

describe('hostile input', () => {
  it('deep nesting stops at a fixed depth and stays quick', () => {
    const quotes = `${'>'.repeat(4_000)} deep`
    const started = performance.now()
    const blocks = parseBlocks(quotes)
    let depth = 0
    let block = blocks[0]
    while (block?.type === 'quote') {
      depth++
      block = block.children[0]
    }
    expect(depth).toBeLessThanOrEqual(6)
    expect(plainText(blocks)).toContain('deep')

    const emphasis = `${'**_~~'.repeat(800)}x${'~~_**'.repeat(800)}`
    expect(plainText([{ type: 'paragraph', children: parseInline(emphasis) }]).length).toBeGreaterThan(0)
    const stars = '*a '.repeat(1_300)
    expect(plainText([{ type: 'paragraph', children: parseInline(stars) }])).toBe(stars)
    expect(performance.now() - started).toBeLessThan(500)
  })

  it('memoises per body', () => {
    expect(formatMessage('**same**')).toBe(formatMessage('**same**'))
  })
})
