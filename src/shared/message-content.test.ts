import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { canonicalEmoji, mentionTokens, replyPreview, resolveMentions } from './message-content'

const members = [
  { id: 'u1', username: 'Bob' },
  { id: 'u2', username: 'li.wei' },
  { id: 'u3', username: 'ann-' },
]

describe('mentions', () => {
  it('finds @username of members, case-insensitive, once each, in order', () => {
    expect(resolveMentions('hi @bob and @LI.WEI, @bob again', members)).toEqual(['u1', 'u2'])
    expect(resolveMentions('@li.wei 你好 @Bob', members)).toEqual(['u2', 'u1'])
  })

  it('takes a trailing dot as punctuation unless the username has it', () => {
    expect(resolveMentions('thanks @bob.', members)).toEqual(['u1'])
    expect(resolveMentions('ping @ann-', members)).toEqual(['u3'])
  })

  it('ignores e-mail addresses, strangers, code and a bare @', () => {
    expect(resolveMentions('mail bob@example.com', members)).toEqual([])
    expect(resolveMentions('@carol @ @@', members)).toEqual([])
    expect(resolveMentions('run `@bob` or\n```\n@li.wei\n```', members)).toEqual([])
    expect(resolveMentions('`@bob` but @li.wei', members)).toEqual(['u2'])
  })

  it('a mention right after Chinese text or punctuation counts', () => {
    expect(resolveMentions('请看（@bob）', members)).toEqual(['u1'])
    expect(resolveMentions('你好@bob', members)).toEqual(['u1'])
  })

  it('never throws and only returns member ids, whatever the body', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 200 }), (body) => {
        const ids = resolveMentions(body, members)
        expect(ids.every((id) => ['u1', 'u2', 'u3'].includes(id))).toBe(true)
        expect(new Set(ids).size).toBe(ids.length)
        expect(mentionTokens(body).every((variants) => variants.every((name) => name.length <= 32))).toBe(true)
      }),
    )
  })
})

describe('reaction emoji', () => {
  it('accepts one emoji grapheme, ZWJ sequences, skin tones, flags and keycaps', () => {
    for (const emoji of ['👍', '👍🏽', '👩‍👩‍👧‍👦', '🇨🇳', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿', '😂']) {
      expect(canonicalEmoji(emoji), emoji).toBe(emoji)
    }
  })

  it('gives text-style pictographs their emoji form, so both spellings are one reaction', () => {
    expect(canonicalEmoji('❤')).toBe('❤️')
    expect(canonicalEmoji('❤️')).toBe('❤️')
    expect(canonicalEmoji('👍\uFE0F')).toBe('👍')
  })

  it('refuses letters, two emoji, whitespace, controls and oversized sequences', () => {
    for (const text of ['', 'a', '中', '👍👍', ' 👍', '👍\n', '\u0000', '1', '#', ':)', '👍a', '\u200d']) {
      expect(canonicalEmoji(text), JSON.stringify(text)).toBeNull()
    }
    expect(canonicalEmoji('👩‍👩‍👧‍👦'.repeat(2))).toBeNull()
    expect(canonicalEmoji(`👍${'\u{1F3FD}'.repeat(10)}`)).toBeNull()
  })

  it('never throws on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), (text) => {
        const emoji = canonicalEmoji(text)
        if (emoji !== null) expect(canonicalEmoji(emoji)).toBe(emoji)
      }),
    )
  })
})

describe('reply preview', () => {
  it('keeps the first 200 code points, never splitting a surrogate pair', () => {
    expect(replyPreview('short')).toBe('short')
    const long = '😀'.repeat(250)
    expect([...replyPreview(long)]).toHaveLength(200)
    expect(replyPreview(long)).toBe('😀'.repeat(200))
  })
})
