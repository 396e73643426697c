/**
 * The shell's own words (native menus, the tray, dialogs) follow the app's
 * language setting like the window does: 'en', 'zh-CN', or 'system' — the
 * OS locale, Chinese for any `zh…`, else English.
 */
export type ShellLocale = 'en' | 'zh-CN'

export function shellLocale(language: string, systemLocale: string): ShellLocale {
  const locale = language === 'system' ? systemLocale : language
  return locale.toLowerCase().startsWith('zh') ? 'zh-CN' : 'en'
}

/** One module's strings in the language `shellLocale` picks. */
export function shellStrings<T>(table: Record<ShellLocale, T>, language: string, systemLocale: string): T {
  return table[shellLocale(language, systemLocale)]
}
