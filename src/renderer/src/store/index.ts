/** Resetting every slice (tests); an account change resets the account's slices (session.ts). */
import { useDeepLinks } from './deep-links'
import { resetAccountStores, useSession } from './session'
import { useSettings } from './settings'
import { useUi } from './ui'
import { useUpdates } from './updates'

export function resetAllStores(): void {
  resetAccountStores()
  useUi.getState().reset()
  useSession.getState().reset()
  useSettings.getState().reset()
  useDeepLinks.getState().reset()
  useUpdates.getState().reset()
}
