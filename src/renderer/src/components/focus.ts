/**
 * Where keyboard focus goes when the element that had it is gone: the
 * controls Tab reaches inside a dialog (for its trap and its initial focus),
 * and the fallback when a dialog's opener no longer exists — never the
 * page's body; and the style that lets a virtualized list show its focus
 * ring (docs/accessibility.md, "Keyboard and focus").
 */
import type { CSSProperties } from 'react'
import { COMPOSER_ID } from './message-actions'
import { SEARCH_INPUT_ID } from './SearchBox'

const CANDIDATES = 'a[href], button, input, select, textarea, summary, iframe, [tabindex], [contenteditable]'

/** An unchecked radio button of a group that has a checked one: Tab skips it (the arrows reach it). */
function skippedRadio(element: Element): boolean {
  if (!(element instanceof HTMLInputElement) || element.type !== 'radio' || element.checked || element.name === '') return false
  const scope = element.form ?? element.ownerDocument
  return [...scope.querySelectorAll<HTMLInputElement>('input[type=radio]')].some((other) => other.name === element.name && other.checked)
}

/** Whether Tab stops at `element`: focusable, in the tab order, enabled, rendered and not inert. */
export function isTabbable(element: Element): element is HTMLElement {
  if (!(element instanceof HTMLElement) || element.tabIndex < 0) return false
  if (element.matches(':disabled') || element.closest('[inert]') !== null) return false
  if (!element.checkVisibility({ visibilityProperty: true })) return false
  return !skippedRadio(element)
}

/** The elements Tab stops at inside `root`, in document order; not those of a dialog nested in it. */
export function tabbables(root: HTMLElement): HTMLElement[] {
  const dialog = root.closest('dialog')
  return [...root.querySelectorAll(CANDIDATES)].filter(
    (element): element is HTMLElement => isTabbable(element) && (dialog === null || element.closest('dialog') === dialog),
  )
}

/**
 * Where Tab (or Shift+Tab, `backwards`) goes inside a modal, given each
 * tabbable element's place relative to the focused one: the first when
 * nothing is left after it, the last when nothing is left before it; null
 * when the browser's own order has somewhere to go inside.
 */
export function wrapTarget<T>(items: readonly T[], placeOf: (item: T) => 'before' | 'self' | 'after', backwards: boolean): T | null {
  if (items.length === 0) return null
  const onward = items.some((item) => placeOf(item) === (backwards ? 'before' : 'after'))
  if (onward) return null
  return (backwards ? items.at(-1) : items[0]) ?? null
}

/** Where `element` is relative to `focused` in Tab order: a container comes before what it contains. */
export function placeRelativeTo(focused: Node): (element: Node) => 'before' | 'self' | 'after' {
  return (element) => {
    if (element === focused) return 'self'
    return focused.compareDocumentPosition(element) & Node.DOCUMENT_POSITION_FOLLOWING ? 'after' : 'before'
  }
}

/** Focus `element` if it can take focus; whether it has it now. */
export function tryFocus(element: Element | null | undefined): boolean {
  if (!(element instanceof HTMLElement) || !element.isConnected) return false
  element.focus()
  return document.activeElement === element
}

/** Nothing has focus: the page's body (or nothing at all) would take the keys. */
export function focusLost(): boolean {
  const focused = document.activeElement
  return focused === null || focused === document.body || focused === document.documentElement
}

/**
 * The app's own place for focus when the element that had it is gone: the
 * composer of the open conversation, else the open conversation's row in
 * the list, else the list, else the search box, else "New conversation".
 */
export function focusFallback(): boolean {
  const candidates = [
    () => document.getElementById(COMPOSER_ID),
    () => document.querySelector('[data-testid=conversation-list] [role=option][tabindex="0"]'),
    () => document.querySelector('[data-testid=conversation-list][tabindex="0"]'),
    () => document.getElementById(SEARCH_INPUT_ID),
    () => document.querySelector('[data-testid=new-conversation]'),
  ]
  return candidates.some((find) => tryFocus(find()))
}

/**
 * For a react-virtuoso list that takes focus: the library writes `outline:
 * none` into its scroller's style attribute, which beats the app's
 * :focus-visible ring; an empty value leaves the outline to the stylesheet.
 */
export const SCROLLER_STYLE: CSSProperties = { outline: '' }
