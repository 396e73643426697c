/** People and their presence (online, last seen), from `getUsers`/`listUsers` results and `users` events. */
import { useMemo } from 'react'
import { create } from 'zustand'
import { useShallow } from 'zustand/react/shallow'
import type { ChatUser } from '../../../shared/ipc'
import { lookAlikeIds } from '../../../shared/look-alike'
import { personName } from '../lib/names'

interface UsersState {
  byId: Readonly<Record<string, ChatUser>>
  /** Users whose display name is, or looks like, another known user's: lists show their `@username` (issue 14). */
  lookAlikes: ReadonlySet<string>
  upsert(users: readonly ChatUser[]): void
  reset(): void
}

const none: ReadonlySet<string> = new Set()

export const useUsers = create<UsersState>()((set) => ({
  byId: {},
  lookAlikes: none,
  upsert: (users) =>
    set((state) => {
      if (users.length === 0) return state
      const byId = { ...state.byId }
      let renamed = false
      for (const user of users) {
        renamed ||= byId[user.id]?.displayName !== user.displayName
        byId[user.id] = user
      }
      // Presence changes far more often than names: the look-alikes are worked out again only when a name is new.
      return renamed ? { byId, lookAlikes: lookAlikeIds(Object.values(byId)) } : { byId }
    }),
  reset: () => set({ byId: {}, lookAlikes: none }),
}))

/** A person's name as lists show it (personName), or `unknown` while their profile has not arrived. */
export const selectPersonName =
  (id: string, unknown: string) =>
  (state: UsersState): string => {
    const user = state.byId[id]
    return user === undefined ? unknown : personName(user, state.lookAlikes.has(id))
  }

/**
 * The look-alikes among some people only (a conversation's members and
 * senders: the timeline's rule). `ids` may be a new array on every render;
 * the set is a new object only when those people or their names change.
 */
export function useLookAlikesAmong(ids: readonly string[]): ReadonlySet<string> {
  const names = useUsers(useShallow((state) => ids.map((id) => state.byId[id]?.displayName ?? '')))
  const idsKey = ids.join(',')
  return useMemo(
    () => (idsKey === '' ? none : lookAlikeIds(idsKey.split(',').map((id, i) => ({ id, displayName: names[i] ?? '' })))),
    [idsKey, names],
  )
}
