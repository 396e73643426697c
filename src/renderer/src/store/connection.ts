/** The realtime connection as the core supervises it (connected | connecting | offline), and "retry now". */
import { create } from 'zustand'
import type { ConnectionStatus } from '../../../shared/ipc'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'

interface ConnectionState {
  status: ConnectionStatus
  setStatus(status: ConnectionStatus): void
  /** Reconnect at once instead of at the next back-off; settles (never rejects) when the core answered. */
  retryNow(): Promise<void>
  reset(): void
}

const initial: ConnectionStatus = { state: 'connecting', nextRetryAt: null, lastError: null }

export const useConnection = create<ConnectionState>()((set) => ({
  status: initial,
  setStatus: (status) => set({ status }),
  retryNow: () =>
    parley()
      .retryNow()
      .then((status) => set({ status }))
      .catch(logFailure('retryNow')),
  reset: () => set({ status: initial }),
}))
