import { describe, expect, it } from 'vitest'
import { en } from './en'
import { i18n, intlLocale, resolveLanguage } from './index'
import { zhCN } from './zh-CN'
import { presenceText } from '../components/presence'

type Tree = { [key: string]: string | Tree }

function leaves(tree: Tree, prefix = ''): Map<string, string> {
  const out = new Map<string, string>()
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key
    if (typeof value === 'string') out.set(path, value)
    else for (const [k, v] of leaves(value, path)) out.set(k, v)
  }
  return out
}

const placeholders = (text: string) => [...text.matchAll(/\{\{(\w+)\}\}/g)].map((m) => m[1]).sort()

describe('translations', () => {
  const english = leaves(en)
  const chinese = leaves(zhCN as Tree)

  it('both languages have every key, none empty', () => {
    expect([...chinese.keys()].sort()).toEqual([...english.keys()].sort())
    for (const [key, text] of [...english, ...chinese]) expect(text.trim(), key).not.toBe('')
  })

  it('use the same placeholders in both languages', () => {
    for (const [key, text] of english) expect(placeholders(chinese.get(key) ?? ''), key).toEqual(placeholders(text))
  })

  it('the Chinese strings are actually Chinese', () => {
    const untranslated = [...chinese].filter(([key, text]) => text === english.get(key) && /[a-z]{3}/i.test(text.replace(/\{\{\w+\}\}/g, '')))
    expect(untranslated.map(([key]) => key)).toEqual(['app.name'])
  })
})

describe('resolveLanguage and intlLocale', () => {
  it('follows the OS locale for "system"', () => {
    expect(resolveLanguage('system', 'zh-CN')).toBe('zh-CN')
    expect(resolveLanguage('system', 'zh-Hans-CN')).toBe('zh-CN')
    expect(resolveLanguage('system', 'zh')).toBe('zh-CN')
    expect(resolveLanguage('system', 'en-GB')).toBe('en')
    expect(resolveLanguage('system', 'de-DE')).toBe('en')
  })

  it('the setting wins over the OS', () => {
    expect(resolveLanguage('en', 'zh-CN')).toBe('en')
    expect(resolveLanguage('zh-CN', 'en-US')).toBe('zh-CN')
  })

  it('formats English with the OS variant when there is one', () => {
    expect(intlLocale('en', 'en-GB')).toBe('en-GB')
    expect(intlLocale('en', 'en_AU')).toBe('en-AU')
    expect(intlLocale('en', 'de-DE')).toBe('en')
    expect(intlLocale('zh-CN', 'en-US')).toBe('zh-CN')
  })
})

describe('plurals and presence text', () => {
  const now = new Date(2025, 5, 18, 15, 30).getTime()

  it('pluralizes in English and reads naturally in Chinese', async () => {
    await i18n.changeLanguage('en')
    expect(i18n.t('sidebar.unread', { count: 1 })).toBe('1 unread message')
    expect(i18n.t('sidebar.unread', { count: 3 })).toBe('3 unread messages')
    expect(i18n.t('connection.offlineRetrying', { count: 5 })).toBe('Offline — retrying in 5 seconds')
    await i18n.changeLanguage('zh-CN')
    expect(i18n.t('sidebar.unread', { count: 3 })).toBe('3 条未读消息')
    expect(i18n.t('connection.offlineRetrying', { count: 5 })).toBe('离线 — 5 秒后重试')
  })

  it('describes presence in words', async () => {
    await i18n.changeLanguage('en')
    expect(presenceText(i18n.t, { online: true, lastSeenAt: null }, now, 'en')).toBe('online')
    expect(presenceText(i18n.t, { online: false, lastSeenAt: now - 5 * 60_000 }, now, 'en')).toBe('last seen 5 minutes ago')
    expect(presenceText(i18n.t, { online: false, lastSeenAt: now - 10_000 }, now, 'en')).toBe('last seen just now')
    expect(presenceText(i18n.t, { online: false, lastSeenAt: null }, now, 'en')).toBe('offline')
    await i18n.changeLanguage('zh-CN')
    expect(presenceText(i18n.t, { online: true, lastSeenAt: null }, now, 'zh-CN')).toBe('在线')
    expect(presenceText(i18n.t, { online: false, lastSeenAt: now - 5 * 60_000 }, now, 'zh-CN')).toBe('5分钟前在线')
  })
})
