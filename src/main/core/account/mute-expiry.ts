/**
 * A mute ends by itself at `mutedUntil` (docs/design.md §4.6): views made
 * before then say muted, so when the earliest mute passes, the views of the
 * conversations whose mute has passed go to the window again (and the badge
 * counts them again). One timer, set for the earliest mute still to pass;
 * looked at again whenever conversation views go out.
 */
import type { Cache } from '../cache/types'

/** setTimeout's longest delay (about 24.8 days); a later mute is looked at again then. */
const LONGEST_TIMEOUT_MS = 2_147_483_647

export interface MuteExpiryDeps {
  cache: Pick<Cache, 'pendingMutes'>
  now(): number
  /** These conversations' mutes have passed: their views are to go out again. */
  onExpired(conversationIds: string[]): void
}

export class MuteExpiry {
  private timer: NodeJS.Timeout | null = null
  /** The mutes the timer waits for: conversation id → mutedUntil. */
  private waiting = new Map<string, number>()
  private stopped = false

  constructor(private readonly deps: MuteExpiryDeps) {}

  /** Look at every mute again and set the timer for the earliest one still to pass. */
  schedule(): void {
    if (this.stopped) return
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
    const now = this.deps.now()
    // One query over the conversations table: no members, markers or views read.
    this.waiting = this.deps.cache.pendingMutes(now)
    if (this.waiting.size === 0) return
    const next = Math.min(...this.waiting.values())
    this.timer = setTimeout(() => this.expire(), Math.min(LONGEST_TIMEOUT_MS, Math.max(1, next - now)))
  }

  private expire(): void {
    this.timer = null
    const now = this.deps.now()
    const expired = [...this.waiting].filter(([, until]) => until <= now).map(([id]) => id)
    if (expired.length > 0) this.deps.onExpired(expired)
    this.schedule()
  }

  stop(): void {
    this.stopped = true
    if (this.timer !== null) clearTimeout(this.timer)
    this.timer = null
  }
}
