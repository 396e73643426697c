/**
 * A modal on the native <dialog>: showModal() makes the rest of the page
 * inert, keeps focus inside and closes on Esc; a click on the backdrop closes
 * it too. Mounted only while open.
 */
import { useEffect, useId, useRef, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CloseIcon } from './Icons'

export function Dialog({
  title,
  onClose,
  children,
  testId,
  className,
}: {
  title: string
  onClose(): void
  children: ReactNode
  testId: string
  /** Extra class on the <dialog> (the lightbox's full-window look). */
  className?: string
}) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    if (!dialog.open) dialog.showModal()
    // `close` is dispatched after the fact: one from a close() in an earlier cleanup (StrictMode mounts
    // twice in development) can arrive once the dialog is open again — it is not about this opening.
    const onNativeClose = () => {
      if (!dialog.open) closeRef.current()
    }
    dialog.addEventListener('close', onNativeClose)
    return () => {
      dialog.removeEventListener('close', onNativeClose)
      if (dialog.open) dialog.close()
    }
  }, [])

  return (
    <dialog
      ref={ref}
      className={className === undefined ? 'dialog' : `dialog ${className}`}
      aria-labelledby={titleId}
      aria-modal="true"
      data-testid={testId}
      onMouseDown={(event) => {
        if (event.target === ref.current) ref.current.close()
      }}
    >
      <div className="dialog__panel">
        <header className="dialog__header">
          <h2 id={titleId}>{title}</h2>
          <button type="button" className="icon-button" aria-label={t('common.close')} title={t('common.close')} onClick={() => ref.current?.close()}>
            <CloseIcon />
          </button>
        </header>
        {children}
      </div>
    </dialog>
  )
}
