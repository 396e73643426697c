/**
 * The app-wide keys of lib/keymap.ts (group `app`, and Esc in an open
 * conversation), on the window: the quick switcher, message search, a new
 * conversation, the shortcuts help, and moving through the list. None while
 * a dialog, the lightbox, a menu or a popover is open — they keep their keys
 * (Esc closes them) — nor while an input method composes.
 *
 * Esc marks the open conversation read — only when nothing else wants Esc
 * (a reply being written, a message being edited: their handlers take it
 * first, or it is theirs) and the window is focused (main's word). It does
 * not call markRead itself: it scrolls to the latest message, and the read
 * rule (read-receipts/) reports it once it is on screen.
 */
import { useEffect } from 'react'
import { flushSync } from 'react-dom'
import { keyPlatform, matchShortcut, type ShortcutId } from '../lib/keymap'
import { nextUnread } from '../lib/next-unread'
import { useCompose } from '../store/compose'
import { sortedConversationIds, useConversations } from '../store/conversations'
import { useLightbox } from '../store/lightbox'
import { isNarrowLayout, usePane } from '../store/pane'
import { useSession } from '../store/session'
import { useUi, type Dialog } from '../store/ui'
import { moveSelection } from '../components/ConversationList'
import { focusSearch } from '../components/SearchBox'

const APP_KEYS = [
  'quickSwitcher',
  'searchMessages',
  'newConversation',
  'shortcutsHelp',
  'previousConversation',
  'nextConversation',
  'previousUnread',
  'nextUnread',
  'markRead',
] as const satisfies readonly ShortcutId[]

type AppKey = (typeof APP_KEYS)[number]

/** A dialog, the lightbox, or a menu or popover holding focus: the keys are theirs. */
function somethingModalOpen(target: EventTarget | null): boolean {
  if (useUi.getState().dialog !== null || useLightbox.getState().open !== null) return true
  if (document.querySelector('dialog[open]') !== null) return true
  return target instanceof Element && target.closest('[role=menu], [role=dialog]') !== null
}

function openDialog(dialog: Dialog): void {
  useCompose.getState().openMenu(null)
  useUi.getState().setDialog(dialog)
}

function moveToUnread(direction: 1 | -1): void {
  const byId = useConversations.getState().byId
  const id = nextUnread(sortedConversationIds(byId), useUi.getState().activeConversationId, direction, (candidate) => (byId[candidate]?.unreadCount ?? 0) > 0)
  if (id !== null) useUi.getState().openConversation(id)
}

/** Whether Esc is a "mark read" here; false leaves it to the browser and the focused element. */
function markOpenConversationRead(): boolean {
  const { activeConversationId, windowFocused } = useUi.getState()
  if (activeConversationId === null || !windowFocused) return false
  const compose = useCompose.getState()
  if (compose.editingKey !== null || compose.menu !== null || compose.replyingTo[activeConversationId] !== undefined) return false
  useUi.getState().requestReadLatest(activeConversationId)
  return true
}

function run(key: AppKey): boolean {
  switch (key) {
    case 'quickSwitcher':
      openDialog('quickSwitcher')
      return true
    case 'shortcutsHelp':
      openDialog('shortcuts')
      return true
    case 'newConversation':
      openDialog('newConversation')
      return true
    case 'searchMessages':
      // The narrow one-pane layout (store/pane.ts): the search box is in the list's pane — on screen before it takes focus.
      if (isNarrowLayout()) flushSync(() => usePane.getState().showList())
      return focusSearch()
    case 'previousConversation':
    case 'nextConversation':
      moveSelection(key === 'previousConversation' ? -1 : 1, false)
      return true
    case 'previousUnread':
    case 'nextUnread':
      moveToUnread(key === 'previousUnread' ? -1 : 1)
      return true
    case 'markRead':
      return markOpenConversationRead()
  }
}

export function useAppShortcuts(): void {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.defaultPrevented || event.isComposing) return
      const platform = keyPlatform(useSession.getState().appInfo?.platform)
      const key = matchShortcut(event, APP_KEYS, platform)
      if (key === null || somethingModalOpen(event.target)) return
      if (run(key)) event.preventDefault()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])
}
