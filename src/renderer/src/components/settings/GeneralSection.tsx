/** Notifications (with quiet hours), read receipts, offline history (HistorySection.tsx), language and theme (`getSettings`/`updateSettings`), spelling (SpellingSection.tsx), the account and sign-out. */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Language, Settings, Theme } from '../../../../shared/ipc'
import { languageNames } from '../../i18n'
import { callError } from '../../lib/call-error'
import { useSession } from '../../store/session'
import { useSettings } from '../../store/settings'
import { useUi } from '../../store/ui'
import { HistorySection } from './HistorySection'
import { QuietHours } from './QuietHours'
import { SpellingSection } from './SpellingSection'

export function GeneralSection() {
  const { t } = useTranslation()
  const settings = useSettings((state) => state.settings)
  const user = useSession((state) => state.user)
  const serverUrl = useSession((state) => state.serverUrl)
  const appInfo = useSession((state) => state.appInfo)
  const [error, setError] = useState<string | null>(null)

  const update = (patch: Partial<Settings>) => {
    setError(null)
    useSettings
      .getState()
      .update(patch)
      .catch((err: unknown) => setError(t('settings.saveFailed', { message: callError(err).message })))
  }

  const signOut = () => {
    useUi.getState().setDialog(null)
    useSession.getState().signOut()
  }

  return (
    <>
      <section aria-labelledby="settings-notifications">
        <h3 id="settings-notifications">{t('settings.notificationsSection')}</h3>
        <label className="toggle">
          <input type="checkbox" role="switch" checked={settings.notifications} onChange={(e) => update({ notifications: e.target.checked })} />
          <span>{t('settings.notifications')}</span>
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            role="switch"
            checked={settings.showMessagePreview}
            disabled={!settings.notifications}
            onChange={(e) => update({ showMessagePreview: e.target.checked })}
          />
          <span>{t('settings.showPreview')}</span>
        </label>
        <QuietHours quiet={settings.quietHours} disabled={!settings.notifications} onChange={(quietHours) => update({ quietHours })} />
      </section>
      <section aria-labelledby="settings-privacy">
        <h3 id="settings-privacy">{t('settings.privacySection')}</h3>
        <label className="toggle">
          <input
            type="checkbox"
            role="switch"
            checked={settings.sendReadReceipts}
            aria-describedby="read-receipts-hint"
            onChange={(e) => update({ sendReadReceipts: e.target.checked })}
          />
          <span>{t('settings.readReceipts')}</span>
        </label>
        <p className="field__hint" id="read-receipts-hint">
          {t('settings.readReceiptsHint')}
        </p>
      </section>
      <HistorySection
        budget={settings.historyBudget}
        cap={settings.cacheMessageCap}
        onChange={(historyBudget) => update({ historyBudget })}
        onCapChange={(cacheMessageCap) => update({ cacheMessageCap })}
      />
      <section aria-labelledby="settings-appearance">
        <h3 id="settings-appearance">{t('settings.appearanceSection')}</h3>
        <label className="field field--inline">
          <span className="field__label">{t('settings.language')}</span>
          <select value={settings.language} onChange={(e) => update({ language: e.target.value as Language })}>
            <option value="system">{t('settings.languageSystem')}</option>
            <option value="en" lang="en">
              {languageNames.en}
            </option>
            <option value="zh-CN" lang="zh-CN">
              {languageNames['zh-CN']}
            </option>
          </select>
        </label>
        <label className="field field--inline">
          <span className="field__label">{t('settings.theme')}</span>
          <select value={settings.theme} onChange={(e) => update({ theme: e.target.value as Theme })}>
            <option value="system">{t('settings.themeSystem')}</option>
            <option value="light">{t('settings.themeLight')}</option>
            <option value="dark">{t('settings.themeDark')}</option>
          </select>
        </label>
      </section>
      <SpellingSection update={update} />
      {user && (
        <section aria-labelledby="settings-account">
          <h3 id="settings-account">{t('settings.account')}</h3>
          <p className="settings__account" dir="auto">
            {t('settings.signedInAs', { name: user.displayName, username: user.username, server: serverUrl })}
          </p>
          {appInfo?.tokenStorage === 'unprotected' && (
            <p className="notice" data-testid="token-unprotected">
              {t('settings.tokenUnprotected')}
            </p>
          )}
          <button type="button" className="button button--danger" onClick={signOut} data-testid="sign-out">
            {t('settings.signOut')}
          </button>
        </section>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
      {appInfo && <p className="settings__version">{t('settings.version', { name: appInfo.name, version: appInfo.version })}</p>}
    </>
  )
}
