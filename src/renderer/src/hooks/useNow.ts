/** The current time, re-rendering every `intervalMs` (one shared timer per interval). */
import { useSyncExternalStore } from 'react'

interface Clock {
  now: number
  listeners: Set<() => void>
  timer: ReturnType<typeof setInterval> | null
}

const clocks = new Map<number, Clock>()

function clockFor(intervalMs: number): Clock {
  let clock = clocks.get(intervalMs)
  if (clock === undefined) clocks.set(intervalMs, (clock = { now: Date.now(), listeners: new Set(), timer: null }))
  return clock
}

export function useNow(intervalMs: number): number {
  const clock = clockFor(intervalMs)
  return useSyncExternalStore(
    (listener) => {
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
    () => clock.now,
  )
}
