/**
 * A settings list whose rows go away by their own button (unblock a person,
 * sign a device out): once the row is gone, focus moves to the same button
 * of the row now in its place (or of the new last row), else to the settings
 * panel — not to the page's body, where the removed button left it.
 */
import { useEffect, useRef } from 'react'
import { focusLost, tryFocus } from '../focus'

export function useFocusAfterRemoval<T extends HTMLElement>(buttonSelector: string, rows: unknown) {
  const container = useRef<T>(null)
  const removedAt = useRef<number | null>(null)

  useEffect(() => {
    const index = removedAt.current
    removedAt.current = null
    if (index === null || !focusLost()) return
    const buttons = [...(container.current?.querySelectorAll(buttonSelector) ?? [])]
    if (!tryFocus(buttons[Math.min(index, buttons.length - 1)])) tryFocus(container.current?.closest('[role=tabpanel]'))
  }, [rows, buttonSelector])

  return {
    container,
    /** Call as the row of `button` is removed (before the list changes). */
    removing(button: Element) {
      removedAt.current = [...(container.current?.querySelectorAll(buttonSelector) ?? [])].indexOf(button)
    },
  }
}
