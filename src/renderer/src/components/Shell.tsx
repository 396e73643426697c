/**
 * The signed-in layout — sidebar, conversation, connection banner, dialogs —
 * and the app-wide keys (hooks/useAppShortcuts.ts over lib/keymap.ts: the
 * quick switcher, message search, moving through conversations, Esc marks
 * read, the shortcuts help). Esc closes dialogs natively, see Dialog.tsx.
 */
import { useEffect } from 'react'
import { RENDERER_MARKS } from '../../../shared/perf-marks'
import { useAppShortcuts } from '../hooks/useAppShortcuts'
import { markWhenPainted } from '../lib/startup-marks'
import { useUi } from '../store/ui'
import { ConnectionBanner } from './ConnectionBanner'
import { ConversationInfoDialog } from './ConversationInfoDialog'
import { ConversationView } from './ConversationView'
import { DeleteMessageDialog } from './DeleteMessageDialog'
import { Lightbox } from './Lightbox'
import { NewConversationDialog } from './NewConversationDialog'
import { Notices } from './Notices'
import { QuickSwitcher } from './QuickSwitcher'
import { SettingsDialog } from './SettingsDialog'
import { ShortcutsDialog } from './ShortcutsDialog'
import { Sidebar } from './Sidebar'
import { UpdateBanner } from './UpdateBanner'

export function Shell() {
  const dialog = useUi((state) => state.dialog)
  useAppShortcuts()
  useEffect(() => markWhenPainted(RENDERER_MARKS.shell), [])

  return (
    <div className="shell">
      <ConnectionBanner />
      <UpdateBanner />
      <div className="shell__main">
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
    </div>
  )
}
