/**
 * Settings › Updates (docs/design.md §7.9): this version, what the updater is
 * doing (checking, the download's progress, ready, the last failure, or why
 * this copy cannot update itself), "Check for updates", "Restart to update"
 * once downloaded, automatic checks on or off (`autoUpdate`) and an optional
 * update address (`updateUrl`; empty: the signed-in server's /updates/).
 */
import { useEffect, useId, useState, type FormEvent } from 'react'
import { useTranslation } from 'react-i18next'
import type { UpdateStatus } from '../../../../shared/ipc'
import { useIntlLocale } from '../../hooks/useLocale'
import { callError } from '../../lib/call-error'
import { formatProgress } from '../../lib/file-size'
import { formatDateTime } from '../../lib/time'
import { useSession } from '../../store/session'
import { useSettings } from '../../store/settings'
import { useUpdates } from '../../store/updates'

/** An http(s) address, as the settings schema takes it; null for anything else. */
export function parseUpdateUrl(text: string): string | null {
  try {
    const url = new URL(text.trim())
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.toString() : null
  } catch {
    return null
  }
}

export function UpdatesSection() {
  const { t } = useTranslation()
  const id = useId()
  const status = useUpdates((state) => state.status)
  const settings = useSettings((state) => state.settings)
  const appInfo = useSession((state) => state.appInfo)
  const signedIn = useSession((state) => state.user !== null)
  const serverUrl = useSession((state) => state.serverUrl)
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)

  const unsupported = status?.state === 'unsupported'
  const working = status?.state === 'checking' || status?.state === 'downloading'

  const check = () => {
    setError(null)
    setBusy(true)
    useUpdates
      .getState()
      .check()
      .catch((err: unknown) => setError(t('updates.checkFailed', { message: callError(err).message })))
      .finally(() => setBusy(false))
  }
  const restart = () => {
    setError(null)
    useUpdates
      .getState()
      .install()
      .catch((err: unknown) => setError(t('updates.installFailed', { message: callError(err).message })))
  }
  const setAuto = (autoUpdate: boolean) => {
    setError(null)
    useSettings
      .getState()
      .update({ autoUpdate })
      .catch((err: unknown) => setError(t('settings.saveFailed', { message: callError(err).message })))
  }

  return (
    <>
      <section aria-labelledby={`${id}-heading`} data-testid="updates-section">
        <h3 id={`${id}-heading`}>{t('updates.section')}</h3>
        <p>{t('updates.currentVersion', { version: status?.currentVersion ?? appInfo?.version ?? '' })}</p>
        {status !== null && <UpdateStatusLine status={status} reasonId={`${id}-reason`} />}
        <div className="updates__actions">
          <button
            type="button"
            className="button"
            onClick={check}
            disabled={busy || working || unsupported || status?.state === 'ready'}
            aria-describedby={unsupported ? `${id}-reason` : undefined}
            data-testid="updates-check"
          >
            {t('updates.check')}
          </button>
          {status?.state === 'ready' && (
            <button type="button" className="button button--primary" onClick={restart} data-testid="updates-restart">
              {t('updates.restart')}
            </button>
          )}
        </div>
        {status?.state === 'ready' && <p className="field__hint">{t('updates.readyHint')}</p>}
      </section>
      {!unsupported && (
        <section aria-labelledby={`${id}-auto-heading`}>
          <h3 id={`${id}-auto-heading`} className="visually-hidden">
            {t('updates.auto')}
          </h3>
          <label className="toggle">
            <input
              type="checkbox"
              role="switch"
              checked={settings.autoUpdate}
              aria-describedby={`${id}-auto-hint`}
              onChange={(e) => setAuto(e.target.checked)}
              data-testid="updates-auto"
            />
            <span>{t('updates.auto')}</span>
          </label>
          <p className="field__hint" id={`${id}-auto-hint`}>
            {t('updates.autoHint')}
          </p>
          <UpdateAddress current={settings.updateUrl} hint={signedIn ? t('updates.feedHintServer', { server: serverUrl }) : t('updates.feedHintSignedOut')} />
        </section>
      )}
      {error !== null && (
        <p className="form-error" role="alert">
          {error}
        </p>
      )}
    </>
  )
}

function UpdateStatusLine({ status, reasonId }: { status: UpdateStatus; reasonId: string }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const version = status.version ?? ''
  let line: string
  switch (status.state) {
    case 'idle':
      line = t('updates.status.idle')
      break
    case 'checking':
      line = t('updates.status.checking')
      break
    case 'up-to-date':
      line = t('updates.status.upToDate')
      break
    case 'downloading':
      line = t('updates.status.downloading', { version })
      break
    case 'ready':
      line = t('updates.status.ready', { version })
      break
    case 'error':
      line = t('updates.status.error', { message: status.error ?? '' })
      break
    case 'unsupported':
      line = t('updates.status.unsupported')
      break
  }
  const progress = status.state === 'downloading' && status.progress !== null ? formatProgress(status.progress.transferred, status.progress.total, locale) : null
  return (
    <div className="updates__status" data-testid="updates-status" data-state={status.state}>
      <p role="status">{line}</p>
      {status.state === 'unsupported' && status.error !== null && (
        <p className="field__hint" id={reasonId} data-testid="updates-reason">
          {status.error}
        </p>
      )}
      {progress !== null && (
        <>
          <progress className="updates__progress" max={100} value={progress.percent} aria-label={t('updates.progressLabel')} />
          <p className="field__hint">{t('updates.progress', progress)}</p>
        </>
      )}
      {status.lastCheckedAt !== null && status.state !== 'checking' && (
        <p className="field__hint">{t('updates.lastChecked', { time: formatDateTime(status.lastCheckedAt, locale) })}</p>
      )}
    </div>
  )
}

/** The update address: checked as http(s) before it is saved; empty goes back to the signed-in server. */
function UpdateAddress({ current, hint }: { current: string | null; hint: string }) {
  const { t } = useTranslation()
  const id = useId()
  const [text, setText] = useState(current ?? '')
  const [problem, setProblem] = useState<string | null>(null)
  const [saved, setSaved] = useState(false)
  useEffect(() => setText(current ?? ''), [current])

  const save = (event: FormEvent) => {
    event.preventDefault()
    setSaved(false)
    const trimmed = text.trim()
    const updateUrl = trimmed === '' ? null : parseUpdateUrl(trimmed)
    if (trimmed !== '' && updateUrl === null) {
      setProblem(t('updates.feedInvalid'))
      return
    }
    setProblem(null)
    useSettings
      .getState()
      .update({ updateUrl })
      .then(() => setSaved(true))
      .catch((err: unknown) => setProblem(t('settings.saveFailed', { message: callError(err).message })))
  }

  return (
    <form className="field" onSubmit={save} noValidate>
      <label className="field__label" htmlFor={`${id}-url`}>
        {t('updates.feed')}
      </label>
      <div className="updates__feed">
        <input
          id={`${id}-url`}
          type="url"
          inputMode="url"
          spellCheck={false}
          value={text}
          placeholder={t('updates.feedPlaceholder')}
          aria-invalid={problem !== null}
          aria-describedby={`${id}-hint${problem !== null ? ` ${id}-problem` : ''}`}
          onChange={(e) => {
            setText(e.target.value)
            setSaved(false)
          }}
          data-testid="updates-feed"
        />
        <button type="submit" className="button" data-testid="updates-feed-save">
          {t('updates.feedSave')}
        </button>
      </div>
      <p className="field__hint" id={`${id}-hint`}>
        {hint}
      </p>
      {problem !== null && (
        <p className="form-error" id={`${id}-problem`} role="alert">
          {problem}
        </p>
      )}
      {saved && (
        <p className="field__hint" role="status">
          {t('updates.feedSaved')}
        </p>
      )}
    </form>
  )
}
