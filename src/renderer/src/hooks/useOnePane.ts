/**
 * The narrow layout's pane for the shell (store/pane.ts), and focus that
 * follows it: when the pane that had focus is hidden (Back, opening a
 * conversation from the list, the window narrowing), focus goes to the
 * pane on screen — the composer (or the Back button where there is no
 * composer), or the open conversation's row in the list (or the list).
 */
import { useEffect } from 'react'
import { optionId } from '../components/ConversationItem'
import { followOpenedConversations, isNarrowLayout, NARROW_LAYOUT, paneOf, usePane, type Pane } from '../store/pane'
import { useUi } from '../store/ui'

const movingThroughList = () => document.activeElement?.closest('[data-testid=conversation-list]') != null

function shown(element: Element | null): element is HTMLElement {
  return element instanceof HTMLElement && element.checkVisibility()
}

function focusFirstShown(selectors: readonly string[]): void {
  for (const selector of selectors) {
    const element = document.querySelector(selector)
    if (shown(element)) {
      element.focus()
      return
    }
  }
}

/** Focus is nowhere a user can see: on the page's body, or on an element in a pane just hidden. */
function focusLostFromScreen(): boolean {
  const focused = document.activeElement
  return focused === null || focused === document.body || !shown(focused)
}

/** In the narrow layout, focus lost to a hidden pane (or the page) goes into the one on screen. */
function keepFocusOnScreen(pane: Pane): void {
  if (!isNarrowLayout() || !focusLostFromScreen()) return
  if (pane === 'conversation') {
    focusFirstShown(['[data-testid=composer]', '[data-testid=back-to-list]'])
    return
  }
  const active = useUi.getState().activeConversationId
  if (active === null) {
    focusFirstShown(['[data-testid=search-input]', '[data-testid=conversation-list]'])
    return
  }
  // The list is virtualized: its rows render a frame or two after it shows again.
  const tryRow = (frames: number) => {
    // Placed meanwhile by someone else (a dialog opened, the search box asked for): theirs.
    if (!focusLostFromScreen()) return
    const row = document.getElementById(optionId(active))
    if (shown(row)) row.focus()
    else if (frames > 0) requestAnimationFrame(() => tryRow(frames - 1))
    else focusFirstShown(['[data-testid=conversation-list]', '[data-testid=search-input]'])
  }
  tryRow(10)
}

export function useOnePane(): Pane {
  // Whether one is open, not which: the shell does not render again at every switch.
  const open = useUi((state) => state.activeConversationId !== null)
  const listShown = usePane((state) => state.listShown)
  const current: Pane = open && !listShown ? 'conversation' : 'list'

  useEffect(() => {
    const stop = followOpenedConversations(movingThroughList)
    return () => {
      stop()
      usePane.getState().reset()
    }
  }, [])

  useEffect(() => keepFocusOnScreen(current), [current])

  useEffect(() => {
    const query = window.matchMedia(NARROW_LAYOUT)
    const onChange = () => keepFocusOnScreen(paneOf(useUi.getState().activeConversationId, usePane.getState().listShown))
    query.addEventListener('change', onChange)
    return () => query.removeEventListener('change', onChange)
  }, [])

  return current
}
