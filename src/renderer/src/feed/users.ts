/** Fetches the profiles of people the UI shows but does not know yet (members, senders). */
import { logFailure, parley } from '../bridge'
import { useUsers } from '../store/users'

const requested = new Set<string>()
const BATCH = 1_000

export function ensureUsers(ids: Iterable<string>): void {
  const known = useUsers.getState().byId
  const missing = [...new Set(ids)].filter((id) => id !== '' && known[id] === undefined && !requested.has(id))
  for (let i = 0; i < missing.length; i += BATCH) {
    const batch = missing.slice(i, i + BATCH)
    batch.forEach((id) => requested.add(id))
    parley()
      .getUsers({ ids: batch })
      .then((users) => useUsers.getState().upsert(users))
      .catch((err: unknown) => {
        // Ask again next time; profiles the core does not have yet arrive with a `users` event.
        batch.forEach((id) => requested.delete(id))
        logFailure('getUsers')(err)
      })
  }
}

export function forgetRequestedUsers(): void {
  requested.clear()
}
