/** The UI language and the Intl locale, from the setting and the OS locale. */
import { useSession } from '../store/session'
import { useSettings } from '../store/settings'
import { intlLocale, resolveLanguage, type UiLanguage } from '../i18n'

export function useUiLanguage(): UiLanguage {
  const setting = useSettings((state) => state.settings.language)
  const osLocale = useSession((state) => state.appInfo?.locale ?? 'en')
  return resolveLanguage(setting, osLocale)
}

export function useIntlLocale(): string {
  const language = useUiLanguage()
  const osLocale = useSession((state) => state.appInfo?.locale ?? 'en')
  return intlLocale(language, osLocale)
}
