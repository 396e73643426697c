/** "Offline — retrying in Ns [Retry now]" with a live countdown, "Connecting…", nothing when connected. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import { useNow } from '../hooks/useNow'
import { useConnection } from '../store/connection'

export function ConnectionBanner() {
  const { t } = useTranslation()
  const status = useConnection((state) => state.status)
  const [retrying, setRetrying] = useState(false)
  const now = useNow(status.state === 'offline' && status.nextRetryAt !== null ? 500 : 60_000)
  if (status.state === 'connected') return null

  const retryNow = () => {
    setRetrying(true)
    useConnection.getState().retryNow().finally(() => setRetrying(false))
  }

  let text: string
  if (status.state === 'connecting') text = t('connection.connecting')
  else if (status.nextRetryAt !== null) text = t('connection.offlineRetrying', { count: Math.max(0, Math.ceil((status.nextRetryAt - now) / 1000)) })
  else text = t('connection.offline')

  return (
    <div className={`banner banner--${status.state}`} data-testid="connection-banner" data-state={status.state} title={status.lastError ?? undefined}>
      {/* Not a live region: the live region says "offline" and "back online" once per outage (LiveAnnouncer.tsx), not at every retry. */}
      <span className="banner__text">{text}</span>
      {status.state === 'offline' && (
        <button type="button" className="banner__action" onClick={retryNow} disabled={retrying}>
          {t('connection.retryNow')}
        </button>
      )}
    </div>
  )
}
