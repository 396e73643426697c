/** Who is signed in, where, and what app this is. */
import { create } from 'zustand'
import type { AppInfo, ChatUser, SessionInfo } from '../../../shared/ipc'

export type SessionStatus = 'starting' | 'signedOut' | 'signedIn'

interface SessionState {
  status: SessionStatus
  serverUrl: string
  user: ChatUser | null
  appInfo: AppInfo | null
  setSession(session: SessionInfo): void
  setAppInfo(info: AppInfo): void
  reset(): void
}

const initial = { status: 'starting' as SessionStatus, serverUrl: '', user: null, appInfo: null }

export const useSession = create<SessionState>()((set) => ({
  ...initial,
  setSession: (session) =>
    set({ serverUrl: session.serverUrl, user: session.user, status: session.user === null ? 'signedOut' : 'signedIn' }),
  setAppInfo: (appInfo) => set({ appInfo }),
  reset: () => set(initial),
}))

/** My user id ('' while signed out). */
export const selectMe = (state: SessionState): string => state.user?.id ?? ''
