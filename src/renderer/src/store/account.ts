/**
 * My account, as the settings dialog manages it: profile, password, the
 * devices signed in, the people I blocked and (server admins) invites. Each
 * action rejects with the call's error, for the section to say why.
 */
import { create } from 'zustand'
import type { DeviceSession, Invite } from '../../../shared/ipc'
import { parley } from '../bridge'
import { useSession } from './session'

interface AccountState {
  updateProfile(displayName: string): Promise<void>
  /** Every other device of mine is signed out. */
  changePassword(current: string, next: string): Promise<void>
  listSessions(): Promise<DeviceSession[]>
  revokeSession(sessionId: string): Promise<void>
  createInvite(expiresInHours: number): Promise<Invite>
}

export const useAccount = create<AccountState>()(() => ({
  updateProfile: async (displayName) => useSession.getState().setUser(await parley().updateProfile({ displayName })),
  changePassword: async (current, next) => {
    await parley().changePassword({ current, next })
  },
  listSessions: () => parley().listSessions(),
  revokeSession: async (sessionId) => {
    await parley().revokeSession({ sessionId })
  },
  createInvite: (expiresInHours) => parley().createInvite({ expiresInHours }),
}))
