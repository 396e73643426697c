/** "Are you sure?" for actions that are hard to undo (leave a group, remove someone, block): Cancel has focus first. */
import { useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { Dialog } from './Dialog'

export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  danger = false,
  onConfirm,
  onClose,
  testId,
  returnFocusTo,
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  danger?: boolean
  /** Resolves when done (the dialog closes); rejects with words to show (the dialog stays). */
  onConfirm(): Promise<void>
  onClose(): void
  testId: string
  returnFocusTo?: HTMLElement | null
}) {
  const { t } = useTranslation()
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)

  const confirm = () => {
    setBusy(true)
    setError(null)
    onConfirm().then(onClose, (err: unknown) => {
      setBusy(false)
      setError(err instanceof Error ? err.message : String(err))
    })
  }

  return (
    <Dialog title={title} onClose={onClose} testId={testId} returnFocusTo={returnFocusTo}>
      <div className="dialog__body">
        <div className="confirm__text">{children}</div>
        {error !== null && (
          <p className="form-error" role="alert">
            {error}
          </p>
        )}
        <footer className="dialog__footer">
          <button type="button" className="button" onClick={onClose} data-autofocus>
            {t('common.cancel')}
          </button>
          <button type="button" className={danger ? 'button button--danger' : 'button button--primary'} onClick={confirm} disabled={busy} data-testid="confirm">
            {confirmLabel}
          </button>
        </footer>
      </div>
    </Dialog>
  )
}
