/**
 * What GET /download knows of its visitor: the desktop OS their browser runs
 * on (User-Agent) and the page's language (`?lang=`, else Accept-Language).
 */
import type { DesktopOs } from './feed'

export type PageLanguage = 'en' | 'zh-CN'

export const PAGE_LANGUAGES: readonly PageLanguage[] = ['en', 'zh-CN']

/** The desktop OS of a browser's User-Agent; null for phones, tablets, ChromeOS and anything unknown. */
export function visitorOs(userAgent: string | undefined): DesktopOs | null {
  if (userAgent === undefined) return null
  // Phones and tablets say "like Mac OS X" or "Linux; Android": no desktop app for them.
  if (/Android|iPhone|iPad|iPod|CrOS/i.test(userAgent)) return null
  if (/Windows NT|Win64|Windows/i.test(userAgent)) return 'windows'
  if (/Macintosh|Mac OS X/i.test(userAgent)) return 'mac'
  if (/Linux|X11/i.test(userAgent)) return 'linux'
  return null
}

/** `?lang=` when it names a language of the page, else the best of Accept-Language, else English. */
export function pageLanguage(asked: unknown, acceptLanguage: string | undefined): PageLanguage {
  if (typeof asked === 'string') {
    const chosen = languageOf(asked)
    if (chosen !== null) return chosen
  }
  const ranked = (acceptLanguage ?? '')
    .split(',')
    .map((entry, index) => {
      const [tag = '', ...params] = entry.trim().split(';')
      const q = params.map((param) => /^\s*q=([01](?:\.\d{0,3})?)\s*$/.exec(param)?.[1]).find((value) => value !== undefined)
      return { tag: tag.trim(), q: q === undefined ? 1 : Number(q), index }
    })
    .filter((entry) => entry.tag !== '' && entry.q > 0)
    .sort((a, b) => b.q - a.q || a.index - b.index)
  for (const { tag } of ranked) {
    const chosen = languageOf(tag)
    if (chosen !== null) return chosen
  }
  return 'en'
}

/** Any Chinese gets the Simplified page (the only Chinese there is); any English the English one. */
function languageOf(tag: string): PageLanguage | null {
  const primary = tag.toLowerCase().split(/[-_]/)[0]
  if (primary === 'zh') return 'zh-CN'
  if (primary === 'en') return 'en'
  return null
}
