/** The current time, re-rendering every `intervalMs` (one shared timer per interval). */
import { useSyncExternalStore } from 'react'

interface Clock {
  now: number
  listeners: Set<() => void>
  timer: ReturnType<typeof setInterval> | null
  subscribe(listener: () => void): () => void
  read(): number
}

const clocks = new Map<number, Clock>()

/**
 * One clock per interval, with its `subscribe` and `read` made once: React
 * re-subscribes whenever it is handed a new subscribe function, and a
 * re-subscription that restarts the timer moves `now` — a new snapshot, so
 * another render, another subscription… (React error #185, "Maximum update
 * depth exceeded", whenever a millisecond passed in between).
 */
function clockFor(intervalMs: number): Clock {
  const existing = clocks.get(intervalMs)
  if (existing !== undefined) return existing
  const clock: Clock = {
    now: Date.now(),
    listeners: new Set(),
    timer: null,
    subscribe: (listener) => {
      clock.listeners.add(listener)
      if (clock.timer === null) {
        clock.now = Date.now()
        clock.timer = setInterval(() => {
          clock.now = Date.now()
          clock.listeners.forEach((notify) => notify())
        }, intervalMs)
      }
      return () => {
        clock.listeners.delete(listener)
        if (clock.listeners.size === 0 && clock.timer !== null) {
          clearInterval(clock.timer)
          clock.timer = null
        }
      }
    },
    read: () => clock.now,
  }
  clocks.set(intervalMs, clock)
  return clock
}

export function useNow(intervalMs: number): number {
  const clock = clockFor(intervalMs)
  return useSyncExternalStore(clock.subscribe, clock.read)
}
