import { describe, expect, it } from 'vitest'
import { safeUrl, splitLinks, type TextPart } from './links'

const links = (parts: TextPart[]) => parts.filter((part) => part.type === 'link')
const joined = (parts: TextPart[]) => parts.map((part) => part.text).join('')

describe('splitLinks', () => {
  it('finds http, https and www. links and keeps every character of the text', () => {
    const text = 'see https://example.com/a?b=1#c and http://x.org, or www.parley.chat.'
    const parts = splitLinks(text)
    expect(joined(parts)).toBe(text)
    expect(links(parts)).toEqual([
      { type: 'link', text: 'https://example.com/a?b=1#c', url: 'https://example.com/a?b=1#c' },
      { type: 'link', text: 'http://x.org', url: 'http://x.org/' },
      { type: 'link', text: 'www.parley.chat', url: 'https://www.parley.chat/' },
    ])
  })

  it('never links javascript: or data: URLs, in any case', () => {
    for (const text of ['javascript:alert(1)', 'JaVaScRiPt:alert(document.cookie)', 'data:text/html,<script>alert(1)</script>', ' jav\tascript:alert(1)', 'vbscript:msgbox(1)', 'file:///etc/passwd']) {
      const parts = splitLinks(text)
      expect(links(parts)).toEqual([])
      expect(joined(parts)).toBe(text)
    }
  })

  it('keeps markup as plain text', () => {
    const text = '<img src=x onerror=alert(1)> <a href="javascript:alert(1)">hi</a>'
    const parts = splitLinks(text)
    expect(parts).toEqual([{ type: 'text', text }])
  })

  it('links only the http part of a link hidden behind another scheme', () => {
    const parts = splitLinks('javascript:https://evil.example/')
    expect(links(parts)).toEqual([{ type: 'link', text: 'https://evil.example/', url: 'https://evil.example/' }])
    expect(joined(parts)).toBe('javascript:https://evil.example/')
  })

  it('does not link URLs with credentials (https://bank.com@evil.example)', () => {
    expect(links(splitLinks('https://bank.com@evil.example/login'))).toEqual([])
  })

  it('stops at text that is not part of a URL: Chinese, quotes, markup', () => {
    expect(links(splitLinks('看这个https://example.com/路径很长'))).toEqual([{ type: 'link', text: 'https://example.com/', url: 'https://example.com/' }])
    expect(links(splitLinks('"https://example.com/q"'))).toEqual([{ type: 'link', text: 'https://example.com/q', url: 'https://example.com/q' }])
    expect(links(splitLinks('<https://example.com/>'))).toEqual([{ type: 'link', text: 'https://example.com/', url: 'https://example.com/' }])
  })

  it('drops trailing punctuation and unbalanced closing brackets, keeps balanced ones', () => {
    expect(links(splitLinks('(see https://en.wikipedia.org/wiki/Foo_(bar))'))[0]?.text).toBe('https://en.wikipedia.org/wiki/Foo_(bar)')
    expect(links(splitLinks('(https://example.com/x)'))[0]?.text).toBe('https://example.com/x')
    expect(links(splitLinks('go to https://example.com!'))[0]?.text).toBe('https://example.com')
  })

  it('does not link a scheme with no host, or inside a word', () => {
    expect(links(splitLinks('https:// nothing'))).toEqual([])
    expect(links(splitLinks('xhttps://example.com'))).toEqual([])
  })

  it('handles empty text and text without links', () => {
    expect(splitLinks('')).toEqual([])
    expect(splitLinks('hello')).toEqual([{ type: 'text', text: 'hello' }])
  })
})

describe('safeUrl', () => {
  it('accepts only http(s) with a host', () => {
    expect(safeUrl('https://example.com')).toBe('https://example.com/')
    expect(safeUrl('www.example.com')).toBe('https://www.example.com/')
    expect(safeUrl('javascript:alert(1)')).toBeNull()
    expect(safeUrl('data:text/html,hi')).toBeNull()
    expect(safeUrl('not a url')).toBeNull()
  })

  it('refuses URLs too long for openExternal', () => {
    expect(safeUrl(`https://example.com/${'a'.repeat(2_000)}`)).toBeNull()
  })
})
