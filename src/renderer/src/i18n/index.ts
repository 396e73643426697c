/**
 * i18next with English and Simplified Chinese. The UI language follows the
 * setting, or the OS locale (`getAppInfo().locale`) when the setting is
 * `system`. Intl formatting uses `intlLocale`: the OS locale itself when it
 * is a variant of the UI language (en-GB keeps its 24-hour clock).
 */
import i18next, { type i18n as I18n } from 'i18next'
import { initReactI18next } from 'react-i18next'
import type { Language } from '../../../shared/ipc'
import { en } from './en'
import { zhCN } from './zh-CN'

export type UiLanguage = 'en' | 'zh-CN'

export const resources = {
  en: { translation: en },
  'zh-CN': { translation: zhCN },
} as const

/** Language names, always written in their own language. */
export const languageNames: Record<UiLanguage, string> = { en: 'English', 'zh-CN': '简体中文' }

export function resolveLanguage(setting: Language, osLocale: string): UiLanguage {
  if (setting !== 'system') return setting
  return /^zh\b/i.test(osLocale) ? 'zh-CN' : 'en'
}

export function intlLocale(language: UiLanguage, osLocale: string): string {
  const os = osLocale.replace(/_/g, '-')
  if (language === 'en') return /^en\b/i.test(os) && isSupported(os) ? os : 'en'
  return 'zh-CN'
}

function isSupported(locale: string): boolean {
  try {
    return Intl.DateTimeFormat.supportedLocalesOf([locale]).length > 0
  } catch {
    return false
  }
}

export const i18n: I18n = i18next.createInstance()

void i18n.use(initReactI18next).init({
  resources,
  lng: 'en',
  fallbackLng: 'en',
  supportedLngs: ['en', 'zh-CN'],
  interpolation: { escapeValue: false }, // React renders text nodes; nothing is HTML.
  returnNull: false,
  initAsync: false,
})
