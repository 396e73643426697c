/**
 * The signed-in window's one polite live region (issue 22), visually hidden:
 * new messages in the open conversation, a burst at a time, and connection
 * changes (hooks/useAnnouncements.ts). Each announcement is its own node and
 * only additions are read, so the same words twice are read twice and an
 * entry's leaving is silent (lib/announce.ts).
 */
import { useEffect } from 'react'
import { useConnectionAnnouncements } from '../hooks/useAnnouncements'
import { useAnnouncer } from '../lib/announce'

export function LiveAnnouncer() {
  const entries = useAnnouncer((state) => state.entries)
  useConnectionAnnouncements()
  // Signed out: what was said is not for the next account.
  useEffect(() => () => useAnnouncer.getState().reset(), [])
  return (
    <div className="visually-hidden" role="status" aria-live="polite" aria-atomic="false" aria-relevant="additions" data-testid="live-announcer">
      {entries.map((entry) => (
        <p key={entry.id} data-testid="announcement">
          {entry.text}
        </p>
      ))}
    </div>
  )
}
