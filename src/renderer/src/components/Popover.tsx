/**
 * A floating panel (action menu, emoji picker, formatting help) drawn over
 * everything — portalled to <body>, fixed, kept inside the window — so the
 * message list's scroller does not clip it. Closes on Esc, a press outside
 * or a resize, and gives focus back to where it was.
 */
import { useEffect, useLayoutEffect, useRef, useState, type ReactNode } from 'react'
import { createPortal } from 'react-dom'

export type Anchor = { x: number; y: number } | HTMLElement

interface PopoverProps {
  anchor: Anchor
  onClose(): void
  children: ReactNode
  className?: string
  /** Prefer opening above the anchor (the composer's popovers). */
  above?: boolean
  role?: 'menu' | 'dialog'
  label: string
  testId?: string
}

const MARGIN = 8

export function Popover({ anchor, onClose, children, className, above = false, role = 'dialog', label, testId }: PopoverProps) {
  const ref = useRef<HTMLDivElement>(null)
  const [position, setPosition] = useState<{ top: number; left: number } | null>(null)
  const closeRef = useRef(onClose)
  closeRef.current = onClose

  useLayoutEffect(() => {
    const panel = ref.current
    if (panel === null) return
    const box =
      anchor instanceof HTMLElement ? anchor.getBoundingClientRect() : { left: anchor.x, right: anchor.x, top: anchor.y, bottom: anchor.y }
    const width = panel.offsetWidth
    const height = panel.offsetHeight
    const fitsBelow = box.bottom + MARGIN + height <= window.innerHeight
    const fitsAbove = box.top - MARGIN - height >= 0
    const top = (above ? fitsAbove || !fitsBelow : !fitsBelow && fitsAbove) ? box.top - MARGIN - height : box.bottom + MARGIN
    const left = Math.min(Math.max(MARGIN, anchor instanceof HTMLElement ? box.right - width : box.left), window.innerWidth - width - MARGIN)
    setPosition({ top: Math.max(MARGIN, Math.min(top, window.innerHeight - height - MARGIN)), left: Math.max(MARGIN, left) })
  }, [anchor, above])

  useEffect(() => {
    const returnTo = document.activeElement instanceof HTMLElement ? document.activeElement : null
    const close = () => closeRef.current()
    const onPointer = (event: PointerEvent) => {
      if (event.target instanceof Node && ref.current?.contains(event.target)) return
      if (anchor instanceof HTMLElement && event.target instanceof Node && anchor.contains(event.target)) return
      close()
    }
    const onKey = (event: KeyboardEvent) => {
      if (event.key !== 'Escape') return
      event.preventDefault()
      event.stopPropagation()
      close()
    }
    document.addEventListener('pointerdown', onPointer, true)
    document.addEventListener('keydown', onKey, true)
    window.addEventListener('resize', close)
    return () => {
      document.removeEventListener('pointerdown', onPointer, true)
      document.removeEventListener('keydown', onKey, true)
      window.removeEventListener('resize', close)
      // Back to where focus was, unless the user moved it on purpose (into the composer, an editor…).
      if (returnTo !== null && returnTo.isConnected && (document.activeElement === document.body || document.activeElement === null)) returnTo.focus()
    }
  }, [anchor])

  return createPortal(
    <div
      ref={ref}
      className={className ? `popover ${className}` : 'popover'}
      role={role}
      aria-label={label}
      data-testid={testId}
      style={position === null ? { visibility: 'hidden', top: 0, left: 0 } : position}
    >
      {children}
    </div>,
    // Inside a modal dialog, the rest of the page is inert: a menu opened there lives in the dialog.
    (anchor instanceof HTMLElement ? anchor.closest('dialog[open]') : null) ?? document.body,
  )
}
