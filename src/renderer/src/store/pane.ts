/**
 * The narrow layout's one pane (issue 22: 200 % zoom). Below NARROW_LAYOUT
 * CSS pixels — a 1280 px window at 200 % is 640, the default 1100 px one 550
 * — the window shows the conversation list or the open conversation, not
 * both (styles/app.css, `.shell__main[data-pane]`); wider, both, and this
 * state changes nothing.
 *
 * The list shows while no conversation is open, or after "Back" (the
 * conversation header's button) or Ctrl/Cmd+F (the search box is in the
 * list). Opening a conversation shows it — a click or Enter on a row, the
 * quick switcher, a search hit, Alt+↑/↓, a notification — except moving
 * through the list with the arrow keys, which opens each conversation in
 * turn (the list's selection follows focus) but leaves the list on screen.
 */
import { create } from 'zustand'
import { useUi } from './ui'

/** Also in styles/app.css (a media query cannot read it from here): keep the two the same. */
export const NARROW_LAYOUT = '(max-width: 640px)'

export type Pane = 'list' | 'conversation'

interface PaneState {
  /** The list is asked for in the narrow layout, even with a conversation open. */
  listShown: boolean
  showList(): void
  showConversation(): void
  reset(): void
}

export const usePane = create<PaneState>()((set) => ({
  listShown: false,
  showList: () => set({ listShown: true }),
  showConversation: () => set({ listShown: false }),
  reset: () => set({ listShown: false }),
}))

export function paneOf(activeConversationId: string | null, listShown: boolean): Pane {
  return activeConversationId === null || listShown ? 'list' : 'conversation'
}

export function isNarrowLayout(): boolean {
  return typeof window !== 'undefined' && typeof window.matchMedia === 'function' && window.matchMedia(NARROW_LAYOUT).matches
}

/**
 * Shows the conversation whenever one is opened or a message is jumped to, unless
 * `movingThroughList()` (focus is in the conversation list: its arrow keys). Returns the unsubscribe.
 */
export function followOpenedConversations(movingThroughList: () => boolean): () => void {
  return useUi.subscribe((state, previous) => {
    // A conversation opened — the one already open too (after Back, from the quick switcher or a notification).
    const opened = state.activeConversationId !== null && state.openings !== previous.openings
    const jumped = state.jumpTarget !== null && state.jumpTarget !== previous.jumpTarget
    if (!opened && !jumped) return
    if (opened && !jumped && movingThroughList()) return
    usePane.getState().showConversation()
  })
}
