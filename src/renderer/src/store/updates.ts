/**
 * The app's own updates as the core reports them (`getUpdateStatus`, the
 * `update` event), and what the user does about them: check now, "Restart to
 * update" (the only way an update is installed), "Later" — which hides the
 * banner for this version until the next launch (the renderer's memory is
 * all it needs: a restart shows it again, a newer version too).
 */
import { create } from 'zustand'
import type { UpdateStatus } from '../../../shared/ipc'
import { parley } from '../bridge'

interface UpdatesState {
  /** Null until the core answered. */
  status: UpdateStatus | null
  /** The version whose banner the user put off ("Later"). */
  dismissedVersion: string | null
  setStatus(status: UpdateStatus): void
  /** Check now, whatever the autoUpdate setting; rejects with the call's error. */
  check(): Promise<void>
  /** Quit and install the downloaded update; rejects with the call's error. */
  install(): Promise<void>
  dismiss(): void
  reset(): void
}

export const useUpdates = create<UpdatesState>()((set, get) => ({
  status: null,
  dismissedVersion: null,
  setStatus: (status) => set({ status }),
  check: async () => {
    set({ status: await parley().checkForUpdates() })
  },
  install: async () => {
    await parley().installUpdate()
  },
  dismiss: () => set({ dismissedVersion: get().status?.version ?? null }),
  reset: () => set({ status: null, dismissedVersion: null }),
}))

/** The banner shows: an update is downloaded and the user has not put this version off. */
export function selectBannerVersion(state: Pick<UpdatesState, 'status' | 'dismissedVersion'>): string | null {
  const { status, dismissedVersion } = state
  if (status === null || status.state !== 'ready' || status.version === null) return null
  return status.version === dismissedVersion ? null : status.version
}
