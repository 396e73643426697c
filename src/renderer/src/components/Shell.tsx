/**
 * The signed-in layout — sidebar, conversation, connection banner, dialogs —
 * and the app-wide keys: Ctrl/Cmd+K focuses search, Alt+Up/Down moves
 * through conversations (Esc closes dialogs natively, see Dialog.tsx). None
 * of them while a dialog or the lightbox is open.
 */
import { useEffect } from 'react'
import { useLightbox } from '../store/lightbox'
import { useUi } from '../store/ui'
import { ConnectionBanner } from './ConnectionBanner'
import { moveSelection } from './ConversationList'
import { ConversationInfoDialog } from './ConversationInfoDialog'
import { ConversationView } from './ConversationView'
import { DeleteMessageDialog } from './DeleteMessageDialog'
import { Lightbox } from './Lightbox'
import { NewConversationDialog } from './NewConversationDialog'
import { Notices } from './Notices'
import { SEARCH_INPUT_ID } from './SearchBox'
import { SettingsDialog } from './SettingsDialog'
import { Sidebar } from './Sidebar'

export function Shell() {
  const dialog = useUi((state) => state.dialog)

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (useUi.getState().dialog !== null || useLightbox.getState().open !== null) return
      if ((event.ctrlKey || event.metaKey) && !event.altKey && event.key.toLowerCase() === 'k') {
        event.preventDefault()
        const search = document.getElementById(SEARCH_INPUT_ID)
        if (search instanceof HTMLInputElement) {
          search.focus()
          search.select()
        }
        return
      }
      if (event.altKey && !event.ctrlKey && !event.metaKey && (event.key === 'ArrowUp' || event.key === 'ArrowDown')) {
        event.preventDefault()
        moveSelection(event.key === 'ArrowUp' ? -1 : 1, false)
      }
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [])

  return (
    <div className="shell">
      <ConnectionBanner />
      <div className="shell__main">
        <Sidebar />
        <main className="shell__content">
          <ConversationView />
        </main>
      </div>
      {dialog === 'newConversation' && <NewConversationDialog />}
      {dialog === 'settings' && <SettingsDialog />}
      {dialog === 'conversationInfo' && <ConversationInfoDialog />}
      <DeleteMessageDialog />
      <Lightbox />
      <Notices />
    </div>
  )
}
