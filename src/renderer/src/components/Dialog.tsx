/**
 * A modal on the native <dialog>: showModal() makes the rest of the page
 * inert, keeps focus inside and closes on Esc; a click on the backdrop closes
 * it too. Mounted only while open. However it closes, focus goes back to the
 * element that had it when it opened (or `returnFocusTo`: the opener of a
 * dialog opened from a menu that is gone by then).
 */
import { useEffect, useId, useRef, useState, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { CloseIcon } from './Icons'

const FOCUSABLE = 'button:not(:disabled), [href], input:not(:disabled), select:not(:disabled), textarea:not(:disabled), [tabindex]:not([tabindex="-1"])'

export function Dialog({
  title,
  onClose,
  children,
  testId,
  className,
  returnFocusTo,
}: {
  title: string
  onClose(): void
  children: ReactNode
  testId: string
  /** Extra class on the <dialog> (the lightbox's full-window look). */
  className?: string
  returnFocusTo?: HTMLElement | null
}) {
  const { t } = useTranslation()
  const ref = useRef<HTMLDialogElement>(null)
  const titleId = useId()
  const closeRef = useRef(onClose)
  closeRef.current = onClose
  const [opener] = useState(() => returnFocusTo ?? (document.activeElement instanceof HTMLElement ? document.activeElement : null))

  useEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    // A dialog opened from another (a confirmation in the group info panel): where focus goes when its opener is gone.
    const parentDialog = dialog.parentElement?.closest('dialog') ?? null
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
      // Unless focus went somewhere on purpose (the composer of a conversation just opened).
      const focused = document.activeElement
      if (focused !== null && focused !== document.body && !dialog.contains(focused)) return
      if (opener?.isConnected) opener.focus()
      else if (parentDialog?.open) parentDialog.querySelector<HTMLElement>(FOCUSABLE)?.focus()
    }
  }, [opener])

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
