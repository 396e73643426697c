/** Every slice, and resetting them (sign-out, tests). */
import { useConnection } from './connection'
import { useConversations } from './conversations'
import { useMessages } from './messages'
import { useSession } from './session'
import { useSettings } from './settings'
import { useTyping } from './typing'
import { useUi } from './ui'
import { useUsers } from './users'

/** What belongs to the signed-in account: cleared when the account changes. */
export function resetAccountStores(): void {
  useConversations.getState().reset()
  useMessages.getState().reset()
  useUsers.getState().reset()
  useTyping.getState().reset()
  useConnection.getState().reset()
  const windowFocused = useUi.getState().windowFocused
  useUi.getState().reset()
  useUi.getState().setWindowFocused(windowFocused)
}

export function resetAllStores(): void {
  resetAccountStores()
  useUi.getState().reset()
  useSession.getState().reset()
  useSettings.getState().reset()
}
