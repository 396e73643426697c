/**
 * Short notices the user must see but need not answer: a queued edit, delete
 * or reaction the server refused (the core has rolled it back — the
 * `changeRefused` event), or a change that could not even be queued. Each
 * disappears after a while or when dismissed.
 */
import { create } from 'zustand'
import type { ChangeRefused } from '../../../shared/ipc'

/** `link`: a parley:// link that could not be followed (its code names why: desktop.links.*; its message is the server, for an invite). */
export type Change = ChangeRefused['change'] | 'copy' | 'file' | 'mute' | 'link'

export interface Notice {
  id: number
  change: Change
  /** Refused: the server said no (rolled back). Failed: the call itself failed. */
  kind: 'refused' | 'failed'
  code: string
  message: string
}

interface NoticesState {
  notices: readonly Notice[]
  push(notice: Omit<Notice, 'id'>): void
  dismiss(id: number): void
  reset(): void
}

const SHOWN_MS = 8_000
/** More than this at once: the oldest go. */
const MAX_SHOWN = 3
let nextId = 0
const timers = new Map<number, ReturnType<typeof setTimeout>>()

export const useNotices = create<NoticesState>()((set, get) => ({
  notices: [],
  push: (notice) => {
    const id = ++nextId
    set((state) => ({ notices: [...state.notices, { ...notice, id }].slice(-MAX_SHOWN) }))
    timers.set(
      id,
      setTimeout(() => get().dismiss(id), SHOWN_MS),
    )
  },
  dismiss: (id) => {
    clearTimeout(timers.get(id))
    timers.delete(id)
    set((state) => (state.notices.some((notice) => notice.id === id) ? { notices: state.notices.filter((notice) => notice.id !== id) } : state))
  },
  reset: () => {
    timers.forEach((timer) => clearTimeout(timer))
    timers.clear()
    set({ notices: [] })
  },
}))
