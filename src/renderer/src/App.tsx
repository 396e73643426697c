/** The root: applies language and theme, and shows sign-in or the messenger once the session is known. */
import { useEffect, useLayoutEffect } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlLocale, useUiLanguage } from './hooks/useLocale'
import { i18n } from './i18n'
import { useSession } from './store/session'
import { useSettings } from './store/settings'
import { Shell } from './components/Shell'
import { SignIn } from './components/SignIn'

function useLanguageAndTheme(): void {
  const language = useUiLanguage()
  const locale = useIntlLocale()
  const theme = useSettings((state) => state.settings.theme)

  // Before paint, so a Chinese UI never flashes English.
  useLayoutEffect(() => {
    void i18n.changeLanguage(language)
    document.documentElement.lang = locale
  }, [language, locale])

  useEffect(() => {
    // 'system' leaves it to prefers-color-scheme (see styles/theme.css).
    if (theme === 'system') delete document.documentElement.dataset.theme
    else document.documentElement.dataset.theme = theme
  }, [theme])
}

export function App() {
  const { t } = useTranslation()
  const status = useSession((state) => state.status)
  useLanguageAndTheme()
  if (status === 'starting') {
    return (
      <div className="splash" role="status" aria-label={t('app.loading')}>
        <div className="auth__logo" aria-hidden="true">
          P
        </div>
      </div>
    )
  }
  return status === 'signedIn' ? <Shell /> : <SignIn />
}
