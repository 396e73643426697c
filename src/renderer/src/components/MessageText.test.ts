/** The message body rendered to static markup (no DOM needed): formatting as elements, mentions as chips, hostile text as text. */
import { createElement } from 'react'
import { renderToStaticMarkup } from 'react-dom/server'
import { describe, expect, it } from 'vitest'
import { FormattedText, type Mentioned } from './MessageText'

const people = new Map<string, Mentioned>([
  ['li.lei', { id: 'u1', displayName: '李雷' }],
  ['bob', { id: 'u2', displayName: 'Bob Chen' }],
])
/** `mentions`: the usernames the server says the body mentions. */
const html = (body: string, mentions: string[] = []) =>
  renderToStaticMarkup(
    createElement(FormattedText, {
      body,
      context: { mentioned: new Map([...people].filter(([name]) => mentions.includes(name))), me: 'u2', openLabel: (url: string) => `Open ${url}` },
    }),
  )
describe('MessageText', () => {
  it('renders formatting as elements', () => {
    const out = html('**b** _i_ ~~s~~ `c`\n> q\n- x')
    expect(out).toContain('<strong><span>b</span></strong>')
    expect(out).toContain('<em><span>i</span></em>')
    expect(out).toContain('<s><span>s</span></s>')
    expect(out).toContain('<code class="md-code">c</code>')
    expect(out).toContain('<blockquote class="md-quote">')
    expect(out).toContain('<ul class="md-list"><li><span>x</span></li></ul>')
  })

  it('shows mentioned members as chips with their display names, mine marked; others stay text', () => {
    const out = html('hi @li.lei and @bob. and @nobody', ['li.lei', 'bob'])
    expect(out).toContain('data-user-id="u1" title="@li.lei">@<bdi>李雷</bdi></span>')
    expect(out).toMatch(/class="mention mention--me"[^>]*data-user-id="u2"[^>]*>@<bdi>Bob Chen<\/bdi><\/span>\./)
    expect(out).toContain('@nobody')
    expect(out.match(/data-testid="mention"/g)).toHaveLength(2)
    // Without the server's word (mentions), an @name is only text.
    expect(html('hi @li.lei')).not.toContain('data-testid="mention"')
  })

  it('keeps HTML as escaped text and makes no javascript: links', () => {
    const out = html('<img src=x onerror=alert(1)> [x](javascript:alert(1)) https://example.com/ok')
    expect(out).not.toContain('<img')
    expect(out).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(out).not.toMatch(/href="javascript/i)
    expect(out).toContain('href="https://example.com/ok"')
  })
})
