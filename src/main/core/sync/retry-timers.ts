/**
 * One back-off timer per conversation for the sync's retries (range fills,
 * changedAfter fetches, membership checks): each failure of a key waits
 * longer (`delayMs(failures so far)`), a new failure replaces the waiting
 * timer, and success or a refusal clears the key.
 */
export class RetryTimers {
  private readonly retries = new Map<string, { failures: number; timer: NodeJS.Timeout | null }>()

  constructor(private readonly delayMs: (failures: number) => number) {}

  /** Run `again` after the back-off for this key's failures so far; returns the delay. */
  schedule(key: string, again: () => void): number {
    const retry = this.retries.get(key) ?? { failures: 0, timer: null }
    const delay = this.delayMs(retry.failures)
    retry.failures++
    if (retry.timer) clearTimeout(retry.timer)
    retry.timer = setTimeout(() => {
      retry.timer = null
      again()
    }, delay)
    this.retries.set(key, retry)
    return delay
  }

  clear(key: string): void {
    const retry = this.retries.get(key)
    if (retry?.timer) clearTimeout(retry.timer)
    this.retries.delete(key)
  }

  clearAll(): void {
    for (const retry of this.retries.values()) if (retry.timer) clearTimeout(retry.timer)
    this.retries.clear()
  }
}
