/**
 * The directory as a search box sees it: `listUsers` 150 ms after the query
 * settles (the latest query wins), the results put into the users slice and
 * returned without me. `people` is null until the first answer; `error` is
 * the failed call, for the caller to word.
 */
import { useEffect, useState } from 'react'
import type { ChatUser } from '../../../shared/ipc'
import { useUsers } from '../store/users'

export const PEOPLE_SEARCH_DELAY_MS = 150

export function usePeopleSearch(query: string, me: string | null): { people: ChatUser[] | null; error: unknown } {
  const [people, setPeople] = useState<ChatUser[] | null>(null)
  const [error, setError] = useState<unknown>(null)
  useEffect(() => {
    let cancelled = false
    const timer = setTimeout(() => {
      useUsers
        .getState()
        .findPeople(query)
        .then((users) => {
          if (cancelled) return
          useUsers.getState().upsert(users)
          setError(null)
          setPeople(users.filter((user) => user.id !== me))
        })
        .catch((err: unknown) => {
          if (!cancelled) setError(err)
        })
    }, PEOPLE_SEARCH_DELAY_MS)
    return () => {
      cancelled = true
      clearTimeout(timer)
    }
  }, [query, me])
  return { people, error }
}
