import { afterAll, describe, expect, it } from 'vitest'
import { i18n } from '../i18n'
import { replyQuote, snippetOf } from './reply-text'

const original = { id: 'm1', seq: 4, senderId: 'bob', body: '**Where** did we park?\nsecond line', deleted: false, key: 'bob:k1' }

describe('replyQuote', () => {
  afterAll(() => i18n.changeLanguage('en'))

  it('quotes the first line of the original, says when it was deleted or is only files', async () => {
    await i18n.changeLanguage('en')
    expect(replyQuote(i18n.t, original, 'Bob')).toEqual({ sender: 'Bob', text: 'Where did we park?', muted: false, label: 'Go to the message Bob wrote' })
    expect(replyQuote(i18n.t, { ...original, body: '', deleted: true }, 'Bob')).toMatchObject({ sender: 'Bob', text: 'Deleted message', muted: true })
    expect(replyQuote(i18n.t, { ...original, body: ' ' }, 'Bob').muted).toBe(false)
  })

  it('an original known only by its seq is "not loaded", not "deleted", in both languages', async () => {
    const unknown = { id: '', seq: 4, senderId: '', body: '', deleted: false, key: null }
    await i18n.changeLanguage('en')
    expect(replyQuote(i18n.t, unknown, 'Unknown user')).toEqual({
      sender: 'An earlier message',
      text: 'Not loaded yet: select to show it',
      muted: true,
      label: 'Go to the earlier message this answers',
    })
    await i18n.changeLanguage('zh-CN')
    expect(replyQuote(i18n.t, unknown, '未知用户')).toEqual({ sender: '较早的消息', text: '尚未加载：点击查看', muted: true, label: '跳转到所回复的较早消息' })
  })

  it('snippetOf: one line, formatting left out, at most 120 characters', () => {
    expect(snippetOf('_a_ `b`\nc')).toBe('a b')
    expect(snippetOf('x'.repeat(200))).toBe(`${'x'.repeat(120)}…`)
  })
})
