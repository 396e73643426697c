/** Whether a conversation is muted now — and again the moment its mute runs out (a timer, not a poll). */
import { useEffect, useState } from 'react'
import { isMuted, msUntilUnmuted } from '../lib/mute'

export function useMuted(mutedUntil: number | null): boolean {
  const [checkedAt, setCheckedAt] = useState(() => Date.now())
  useEffect(() => {
    const wait = msUntilUnmuted(mutedUntil, Date.now())
    if (wait === null) return
    const timer = setTimeout(() => setCheckedAt(Date.now()), wait + 1)
    return () => clearTimeout(timer)
  }, [mutedUntil, checkedAt])
  // The clock as of this render: a newer mutedUntil re-renders, and so does the timer above.
  return isMuted(mutedUntil, Math.max(checkedAt, Date.now()))
}
