/**
 * "Parley 1.2.0 is ready — [Restart to update] [Later]" once an update is
 * downloaded (store/updates.ts). The app never restarts by itself: only the
 * button installs. "Later" hides the banner for this version until the next
 * launch; Settings › Updates keeps the button.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { callError } from '../lib/call-error'
import { selectBannerVersion, useUpdates } from '../store/updates'

export function UpdateBanner() {
  const { t } = useTranslation()
  const version = useUpdates(selectBannerVersion)
  const [error, setError] = useState<string | null>(null)
  const [restarting, setRestarting] = useState(false)
  if (version === null) return null

  const restart = () => {
    setError(null)
    setRestarting(true)
    useUpdates
      .getState()
      .install()
      .catch((err: unknown) => {
        setRestarting(false)
        setError(t('updates.installFailed', { message: callError(err).message }))
      })
  }

  return (
    <div className="banner banner--update" role="region" aria-label={t('updates.section')} data-testid="update-banner">
      <span className="banner__text" role="status">
        {t('updates.banner', { version })}
      </span>
      <span className="visually-hidden">{t('updates.bannerHint')}</span>
      <button type="button" className="banner__action banner__action--primary" onClick={restart} disabled={restarting} data-testid="update-restart">
        {t('updates.restart')}
      </button>
      <button type="button" className="banner__action" onClick={() => useUpdates.getState().dismiss()} data-testid="update-later">
        {t('updates.later')}
      </button>
      {error !== null && (
        <span className="banner__error" role="alert">
          {error}
        </span>
      )}
    </div>
  )
}
