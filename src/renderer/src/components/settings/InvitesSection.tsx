/** Server administrators: create an invite (it expires after the chosen time; each registers one account) and copy its link. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Invite } from '../../../../shared/ipc'
import { useIntlLocale } from '../../hooks/useLocale'
import { formatDateTime } from '../../lib/time'
import { useAccount } from '../../store/account'
import { actionErrorText } from '../action-error'
import { CopyIcon } from '../Icons'

const EXPIRY_DAYS = [1, 7, 30, 90] as const

export function InvitesSection() {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const [days, setDays] = useState<number>(7)
  const [invite, setInvite] = useState<Invite | null>(null)
  const [busy, setBusy] = useState(false)
  const [copied, setCopied] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const create = () => {
    setBusy(true)
    setError(null)
    setCopied(false)
    useAccount
      .getState()
      .createInvite(days * 24)
      .then(setInvite, (err: unknown) => setError(actionErrorText(t, err)))
      .finally(() => setBusy(false))
  }

  const copy = (link: string) => {
    navigator.clipboard.writeText(link).then(
      () => setCopied(true),
      () => setError(t('settings.invites.copyFailed')),
    )
  }

  return (
    <section aria-labelledby="settings-invites">
      <h3 id="settings-invites">{t('settings.invites.title')}</h3>
      <p className="field__hint">{t('settings.invites.hint')}</p>
      <label className="field field--inline">
        <span className="field__label">{t('settings.invites.expires')}</span>
        <select value={days} onChange={(e) => setDays(Number(e.target.value))} data-testid="invite-expiry">
          {EXPIRY_DAYS.map((count) => (
            <option key={count} value={count}>
              {t('settings.invites.days', { count })}
            </option>
          ))}
        </select>
      </label>
      <button type="button" className="button button--primary" onClick={create} disabled={busy} data-testid="create-invite">
        {busy ? t('settings.invites.creating') : t('settings.invites.create')}
      </button>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {invite !== null && (
        <div className="invite" data-testid="invite">
          <label className="field">
            <span className="field__label">{t('settings.invites.link')}</span>
            <input readOnly value={invite.url} onFocus={(e) => e.target.select()} data-testid="invite-link" spellCheck={false} />
          </label>
          <div className="invite__row">
            <span className="field__hint">{t('settings.invites.expiresAt', { time: formatDateTime(invite.expiresAt, locale) })}</span>
            <button type="button" className="button" onClick={() => copy(invite.url)} data-testid="copy-invite">
              <CopyIcon size={16} />
              {t('settings.invites.copy')}
            </button>
          </div>
          {copied && (
            <p className="form-ok" role="status">
              {t('settings.invites.copied')}
            </p>
          )}
        </div>
      )}
    </section>
  )
}
