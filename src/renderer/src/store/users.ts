/**
 * People and their presence (online, last seen), from `getUsers`/`listUsers`
 * results and `users` events; fetches the profiles the UI shows but does not
 * know yet (members, senders).
 */
import { useMemo } from 'react'
import { create } from 'zustand'
import { useShallow } from 'zustand/react/shallow'
import type { ChatUser } from '../../../shared/ipc'
import { lookAlikeIds } from '../../../shared/look-alike'
import { parley } from '../bridge'
import { logFailure } from '../lib/call-error'
import { personName } from '../lib/names'

interface UsersState {
  byId: Readonly<Record<string, ChatUser>>
  /** Users whose display name is, or looks like, another known user's: lists show their `@username` (issue 14). */
  lookAlikes: ReadonlySet<string>
  upsert(users: readonly ChatUser[]): void
  /** Ask the core for the profiles of these people unless known or asked for already (`getUsers`, in batches). */
  ensure(ids: Iterable<string>): void
  /** The directory (`listUsers`), filtered by a query when there is one. */
  findPeople(query: string): Promise<ChatUser[]>
  /** Block or unblock someone (docs/design.md §4.6); rejects with the call's error. */
  block(userId: string): Promise<void>
  unblock(userId: string): Promise<void>
  /** The people I blocked (`listBlocked`). */
  listBlocked(): Promise<ChatUser[]>
  reset(): void
}

const none: ReadonlySet<string> = new Set()
const BATCH = 1_000
/** Ids asked for since the last reset: each is asked for once (a failed batch is forgotten, to be asked again). */
const requested = new Set<string>()

export const useUsers = create<UsersState>()((set, get) => ({
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
  ensure: (ids) => {
    const known = get().byId
    const missing = [...new Set(ids)].filter((id) => id !== '' && known[id] === undefined && !requested.has(id))
    for (let i = 0; i < missing.length; i += BATCH) {
      const batch = missing.slice(i, i + BATCH)
      batch.forEach((id) => requested.add(id))
      parley()
        .getUsers({ ids: batch })
        .then((users) => get().upsert(users))
        .catch((err: unknown) => {
          // Ask again next time; profiles the core does not have yet arrive with a `users` event.
          batch.forEach((id) => requested.delete(id))
          logFailure('getUsers')(err)
        })
    }
  },
  findPeople: (query) => {
    const text = query.trim().slice(0, 100)
    return parley().listUsers(text ? { query: text } : {})
  },
  block: async (userId) => {
    await parley().blockUser({ userId })
    const user = get().byId[userId]
    if (user !== undefined) get().upsert([{ ...user, blocked: true }])
  },
  unblock: async (userId) => {
    await parley().unblockUser({ userId })
    const user = get().byId[userId]
    if (user !== undefined) {
      const { blocked: _blocked, ...rest } = user
      get().upsert([rest])
    }
  },
  listBlocked: async () => {
    const users = await parley().listBlocked()
    get().upsert(users)
    return users
  },
  reset: () => {
    requested.clear()
    set({ byId: {}, lookAlikes: none })
  },
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
