/** The realtime connection as the core supervises it (connected | connecting | offline). */
import { create } from 'zustand'
import type { ConnectionStatus } from '../../../shared/ipc'

interface ConnectionState {
  status: ConnectionStatus
  setStatus(status: ConnectionStatus): void
  reset(): void
}

const initial: ConnectionStatus = { state: 'connecting', nextRetryAt: null, lastError: null }

export const useConnection = create<ConnectionState>()((set) => ({
  status: initial,
  setStatus: (status) => set({ status }),
  reset: () => set({ status: initial }),
}))
