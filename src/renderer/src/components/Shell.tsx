/**
 * The signed-in layout — sidebar, conversation, connection banner, dialogs —
 * and the app-wide keys (hooks/useAppShortcuts.ts over lib/keymap.ts: the
 * quick switcher, message search, moving through conversations, Esc marks
 * read, the shortcuts help). Esc closes dialogs natively, see Dialog.tsx.
 */
import { useEffect } from 'react'
import { RENDERER_MARKS } from '../../../shared/perf-marks'
import { useAppShortcuts } from '../hooks/useAppShortcuts'
import { useOnePane } from '../hooks/useOnePane'
import { markWhenPainted } from '../lib/startup-marks'
import { useUi } from '../store/ui'
import { ConnectionBanner } from './ConnectionBanner'
import { ConversationInfoDialog } from './ConversationInfoDialog'
import { ConversationView } from './ConversationView'
import { DeleteMessageDialog } from './DeleteMessageDialog'
import { focusLost, tryFocus } from './focus'
import { Lightbox } from './Lightbox'
import { LiveAnnouncer } from './LiveAnnouncer'
import { NewConversationDialog } from './NewConversationDialog'
import { Notices } from './Notices'
import { QuickSwitcher } from './QuickSwitcher'
import { SEARCH_INPUT_ID } from './SearchBox'
import { SettingsDialog } from './SettingsDialog'
import { ShortcutsDialog } from './ShortcutsDialog'
import { Sidebar } from './Sidebar'
import { UpdateBanner } from './UpdateBanner'

export function Shell() {
  const dialog = useUi((state) => state.dialog)
  useAppShortcuts()
  // A narrow window (200 % zoom) shows the list or the conversation: store/pane.ts.
  const pane = useOnePane()
  useEffect(() => markWhenPainted(RENDERER_MARKS.shell), [])
  // Signed in: the sign-in form that had focus is gone; focus starts in the search box, not on the page's body.
  useEffect(() => {
    if (focusLost()) tryFocus(document.getElementById(SEARCH_INPUT_ID))
  }, [])

  return (
    <div className="shell">
      <ConnectionBanner />
      <UpdateBanner />
      <div className="shell__main" data-pane={pane}>
        <Sidebar />
        <main className="shell__content">
          <ConversationView />
        </main>
      </div>
      {dialog === 'newConversation' && <NewConversationDialog />}
      {dialog === 'settings' && <SettingsDialog />}
      {dialog === 'conversationInfo' && <ConversationInfoDialog />}
      {dialog === 'quickSwitcher' && <QuickSwitcher />}
      {dialog === 'shortcuts' && <ShortcutsDialog />}
      <DeleteMessageDialog />
      <Lightbox />
      <Notices />
      <LiveAnnouncer />
    </div>
  )
}
