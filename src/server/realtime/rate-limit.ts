/**
 * At most `limit` events in any window of `windowMs`: a ring of the last
 * `limit` accepted timestamps. Exact, O(1) per event, `limit` numbers of memory.
 */
export class SlidingWindowLimiter {
  private readonly times: number[]
  private next = 0

  constructor(
    private readonly limit: number,
    private readonly windowMs: number,
  ) {
    this.times = new Array<number>(limit).fill(Number.NEGATIVE_INFINITY)
  }

  /** True (and counted) when one more event fits at time `now`. */
  tryTake(now: number): boolean {
    if (this.limit <= 0) return false
    const oldest = this.times[this.next] ?? Number.NEGATIVE_INFINITY
    if (now - oldest < this.windowMs) return false
    this.times[this.next] = now
    this.next = (this.next + 1) % this.limit
    return true
  }
}
