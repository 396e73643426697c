/**
 * The app's one polite live region (components/LiveAnnouncer.tsx) as a store:
 * `announce(text)` adds an entry; the region shows each as its own node, so
 * the same words twice are still read twice, and only the new node is read
 * (aria-atomic false). Entries leave after ENTRY_LIFETIME_MS — the region is
 * a voice, not a log — and no more than MAX_ENTRIES stay.
 */
import { create } from 'zustand'

export interface Announcement {
  id: number
  text: string
}

export const ENTRY_LIFETIME_MS = 10_000
export const MAX_ENTRIES = 5

interface AnnouncerState {
  entries: readonly Announcement[]
  reset(): void
}

let nextId = 1
const timers = new Map<number, ReturnType<typeof setTimeout>>()

export const useAnnouncer = create<AnnouncerState>()((set) => ({
  entries: [],
  reset: () => {
    for (const timer of timers.values()) clearTimeout(timer)
    timers.clear()
    set({ entries: [] })
  },
}))

/** Say `text` politely (after what the screen reader is saying now). Empty text is ignored. */
export function announce(text: string): void {
  const trimmed = text.trim()
  if (trimmed === '') return
  const id = nextId++
  useAnnouncer.setState((state) => {
    const entries = [...state.entries, { id, text: trimmed }]
    for (const dropped of entries.slice(0, Math.max(0, entries.length - MAX_ENTRIES))) forget(dropped.id)
    return { entries: entries.slice(-MAX_ENTRIES) }
  })
  timers.set(
    id,
    setTimeout(() => {
      timers.delete(id)
      useAnnouncer.setState((state) => ({ entries: state.entries.filter((entry) => entry.id !== id) }))
    }, ENTRY_LIFETIME_MS),
  )
}

function forget(id: number): void {
  const timer = timers.get(id)
  if (timer !== undefined) clearTimeout(timer)
  timers.delete(id)
}
