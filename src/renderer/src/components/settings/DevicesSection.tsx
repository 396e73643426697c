/** The devices signed in to my account (`listSessions`): which is this one, when each signed in and was last active; sign the others out one by one. */
import { useCallback, useEffect, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { DeviceSession } from '../../../../shared/ipc'
import { useIntlLocale } from '../../hooks/useLocale'
import { useNow } from '../../hooks/useNow'
import { deviceName } from '../../lib/user-agent'
import { formatDateTime, formatRelative } from '../../lib/time'
import { useAccount } from '../../store/account'
import { actionErrorText } from '../action-error'
import { useFocusAfterRemoval } from './useFocusAfterRemoval'

export function DevicesSection() {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const now = useNow(60_000)
  const [sessions, setSessions] = useState<DeviceSession[] | null>(null)
  const [error, setError] = useState<string | null>(null)
  const focus = useFocusAfterRemoval<HTMLElement>('[data-testid=revoke-device]', sessions)

  const load = useCallback(() => {
    useAccount
      .getState()
      .listSessions()
      .then(setSessions, (err: unknown) => setError(actionErrorText(t, err)))
  }, [t])
  useEffect(load, [load])

  const revoke = (session: DeviceSession, button: HTMLElement) => {
    setError(null)
    useAccount
      .getState()
      .revokeSession(session.id)
      .then(
        () => {
          focus.removing(button)
          setSessions((current) => current?.filter((s) => s.id !== session.id) ?? null)
        },
        (err: unknown) => setError(actionErrorText(t, err)),
      )
  }

  const when = (at: number) => (now - at < 60_000 ? t('presence.justNow') : formatRelative(at, now, locale))
  const ordered = sessions === null ? null : [...sessions].sort((a, b) => Number(b.current) - Number(a.current) || b.lastUsedAt - a.lastUsedAt)

  return (
    <section aria-labelledby="settings-devices" ref={focus.container}>
      <h3 id="settings-devices">{t('settings.devices.title')}</h3>
      <p className="field__hint">{t('settings.devices.hint')}</p>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {ordered === null && error === null && <p className="dialog__note">{t('settings.devices.loading')}</p>}
      {ordered !== null && (
        <ul className="settings-list" data-testid="devices">
          {ordered.map((session) => {
            const name = deviceName(session.userAgent) ?? t('settings.devices.unknown')
            return (
              <li key={session.id} className="settings-list__item" data-testid="device" data-current={session.current ? 'true' : undefined}>
                <span className="settings-list__text">
                  <span className="settings-list__name">
                    {name}
                    {session.current && <span className="role"> {t('settings.devices.thisDevice')}</span>}
                  </span>
                  <span className="settings-list__detail" title={session.userAgent}>
                    {t('settings.devices.signedIn', { time: formatDateTime(session.createdAt, locale) })} · {t('settings.devices.lastActive', { time: when(session.lastUsedAt) })}
                  </span>
                </span>
                {!session.current && (
                  <button type="button" className="button" aria-label={t('settings.devices.signOutLabel', { device: name })} onClick={(event) => revoke(session, event.currentTarget)} data-testid="revoke-device">
                    {t('settings.devices.signOut')}
                  </button>
                )}
              </li>
            )
          })}
        </ul>
      )}
    </section>
  )
}
