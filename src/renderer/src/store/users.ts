/** People and their presence (online, last seen), from `getUsers`/`listUsers` results and `users` events. */
import { create } from 'zustand'
import type { ChatUser } from '../../../shared/ipc'

interface UsersState {
  byId: Readonly<Record<string, ChatUser>>
  upsert(users: readonly ChatUser[]): void
  reset(): void
}

export const useUsers = create<UsersState>()((set) => ({
  byId: {},
  upsert: (users) =>
    set((state) => {
      if (users.length === 0) return state
      const byId = { ...state.byId }
      for (const user of users) byId[user.id] = user
      return { byId }
    }),
  reset: () => set({ byId: {} }),
}))
