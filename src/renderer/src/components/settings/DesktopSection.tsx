/**
 * How Parley lives on the desktop (`launchAtLogin`, `startMinimized`,
 * `closeToTray`; the shell applies them at once: src/main/tray-life.ts):
 * worded per OS — the tray is the notification area on Windows, and macOS
 * keeps its own habit on closing, so there it is said rather than offered.
 */
import { useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { Settings } from '../../../../shared/ipc'
import { callError } from '../../lib/call-error'
import { useSession } from '../../store/session'
import { useSettings } from '../../store/settings'

export function DesktopSection() {
  const { t } = useTranslation()
  const settings = useSettings((state) => state.settings)
  const platform = useSession((state) => state.appInfo?.platform ?? 'linux')
  const [error, setError] = useState<string | null>(null)
  const mac = platform === 'darwin'
  const windows = platform === 'win32'

  const update = (patch: Partial<Settings>) => {
    setError(null)
    useSettings
      .getState()
      .update(patch)
      .catch((err: unknown) => setError(t('settings.saveFailed', { message: callError(err).message })))
  }

  return (
    <>
      <section aria-labelledby="settings-startup">
        <h3 id="settings-startup">{t('desktop.startupSection')}</h3>
        <label className="toggle">
          <input
            type="checkbox"
            role="switch"
            checked={settings.launchAtLogin}
            onChange={(e) => update({ launchAtLogin: e.target.checked })}
            data-testid="setting-launch-at-login"
          />
          <span>{mac ? t('desktop.launchAtLoginMac') : t('desktop.launchAtLogin')}</span>
        </label>
        <label className="toggle">
          <input
            type="checkbox"
            role="switch"
            checked={settings.startMinimized}
            onChange={(e) => update({ startMinimized: e.target.checked })}
            data-testid="setting-start-minimized"
          />
          <span>{mac ? t('desktop.startMinimizedMac') : windows ? t('desktop.startMinimizedWindows') : t('desktop.startMinimized')}</span>
        </label>
      </section>
      <section aria-labelledby="settings-close">
        <h3 id="settings-close">{t('desktop.closeSection')}</h3>
        {mac ? (
          <p className="field__hint">{t('desktop.closeMac')}</p>
        ) : (
          <>
            <label className="toggle">
              <input
                type="checkbox"
                role="switch"
                checked={settings.closeToTray}
                aria-describedby="close-to-tray-hint"
                onChange={(e) => update({ closeToTray: e.target.checked })}
                data-testid="setting-close-to-tray"
              />
              <span>{windows ? t('desktop.closeToTrayWindows') : t('desktop.closeToTray')}</span>
            </label>
            <p className="field__hint" id="close-to-tray-hint">
              {t('desktop.closeToTrayHint')}
            </p>
          </>
        )}
      </section>
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  )
}
