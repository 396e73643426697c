/**
 * A modal on the native <dialog>: showModal() makes the rest of the page
 * inert and closes it on Esc; a click on the backdrop closes it too. Mounted
 * only while open. Focus (docs/accessibility.md, "Keyboard and focus"):
 *
 * - Opening: the element marked `data-autofocus`, else the first control
 *   after the title bar (a form's first field), else the close button.
 *   showModal() alone picks the close button, and React's autoFocus runs
 *   before the dialog is shown, when nothing in it can take focus.
 * - Tab and Shift+Tab wrap inside: the native dialog lets Tab leave to the
 *   document once before wrapping.
 * - Closing, whichever way (×, Esc, Cancel, the backdrop, its action done,
 *   its owner going away): back to the element that had focus when it
 *   opened — or `returnFocusTo`, the opener of a dialog opened from a menu
 *   that is gone by then. When that element is gone too: the dialog this one
 *   was opened from, else focus.ts's fallback (the composer, the
 *   conversation list, the search box) — never the page's body. Focus that
 *   the dialog's action moved out on purpose stays where it went.
 */
import { useId, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { focusFallback, focusLost, placeRelativeTo, tabbables, tryFocus, wrapTarget } from './focus'
import { CloseIcon } from './Icons'

/** Focus what a dialog opens on; whether something in it has focus now. */
function focusInitial(dialog: HTMLDialogElement): boolean {
  const marked = [...dialog.querySelectorAll('[data-autofocus]')].find((element) => element.closest('dialog') === dialog)
  if (tryFocus(marked)) return true
  const controls = tabbables(dialog)
  const header = dialog.querySelector('.dialog__header')
  return tryFocus(controls.find((element) => header === null || !header.contains(element))) || tryFocus(controls[0])
}

/** After a dialog closed: its opener, else the dialog it was opened from, else the app's fallback. */
function restoreFocus(opener: HTMLElement | null, parentDialog: HTMLDialogElement | null): void {
  if (opener !== null && opener !== document.body && tryFocus(opener)) return
  if (parentDialog?.open && focusInitial(parentDialog)) return
  focusFallback()
}

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

  // A layout effect: its cleanup runs while the dialog and the focus in it are still in the page (a passive
  // one ran after React had removed them, when focus had already fallen to the body).
  useLayoutEffect(() => {
    const dialog = ref.current
    if (dialog === null) return
    // A dialog opened from another (a confirmation in the group info panel): where focus goes when its opener is gone.
    const parentDialog = dialog.parentElement?.closest('dialog') ?? null
    // Where the browser's own close hands focus back to: not a move on purpose.
    const focusedBefore = document.activeElement
    if (!dialog.open) dialog.showModal()
    focusInitial(dialog)
    // `close` is dispatched after the fact: one from a close() in an earlier cleanup (StrictMode mounts
    // twice in development) can arrive once the dialog is open again — it is not about this opening.
    const onNativeClose = () => {
      if (!dialog.open) closeRef.current()
    }
    dialog.addEventListener('close', onNativeClose)
    return () => {
      dialog.removeEventListener('close', onNativeClose)
      const focused = document.activeElement
      const movedOnPurpose = focused !== null && focused !== focusedBefore && !focusLost() && !dialog.contains(focused)
      if (dialog.open) dialog.close()
      if (movedOnPurpose) return
      restoreFocus(opener, parentDialog)
      // The opener may leave with the change that closed the dialog (the row of a member just removed, the
      // "Unblock" bar once unblocked): once React has removed it, focus must not stay on the body.
      requestAnimationFrame(() => {
        if (focusLost()) restoreFocus(null, parentDialog)
      })
    }
  }, [opener])

  // Tab from the last control to the first, Shift+Tab from the first to the last — in this dialog, not in one nested in it.
  const onKeyDown = (event: KeyboardEvent<HTMLDialogElement>) => {
    const dialog = ref.current
    if (dialog === null || event.key !== 'Tab' || event.altKey || event.ctrlKey || event.metaKey || event.isDefaultPrevented()) return
    if (!(event.target instanceof Element) || event.target.closest('dialog') !== dialog) return
    const target = wrapTarget(tabbables(dialog), placeRelativeTo(document.activeElement ?? dialog), event.shiftKey)
    if (target === null) return
    event.preventDefault()
    target.focus()
  }

  return (
    <dialog
      ref={ref}
      className={className === undefined ? 'dialog' : `dialog ${className}`}
      aria-labelledby={titleId}
      aria-modal="true"
      data-testid={testId}
      onKeyDown={onKeyDown}
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
