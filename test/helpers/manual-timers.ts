/** A clock that moves only when a test says so, with the timers due by then run in order (UpdateTimers). */
import type { UpdateTimers } from '../../src/main/core/updates/updates'

export class ManualTimers implements UpdateTimers {
  private time: number
  private nextId = 0
  private readonly due = new Map<number, { at: number; fn: () => void }>()

  constructor(start = 1_000_000) {
    this.time = start
  }

  now(): number {
    return this.time
  }

  after(ms: number, fn: () => void): () => void {
    const id = this.nextId++
    this.due.set(id, { at: this.time + ms, fn })
    return () => this.due.delete(id)
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.due.size
  }

  /** Moves the clock on by `ms`, running every timer that falls due, earliest first (also those they set). */
  advance(ms: number): void {
    const end = this.time + ms
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | null = null
      for (const entry of this.due) if (entry[1].at <= end && (next === null || entry[1].at < next[1].at)) next = entry
      if (next === null) break
      this.due.delete(next[0])
      this.time = next[1].at
      next[1].fn()
    }
    this.time = end
  }
}
