/**
 * Gathers what arrives in a burst into one batch: the batch is handed on once
 * nothing more has come for `quietMs`, or `maxWaitMs` after its first item
 * however much keeps coming — so a steady stream is still reported every few
 * seconds. Used for the live region's "3 new messages from Bob and Carol"
 * (hooks/useAnnouncements.ts): one announcement per burst, not per message.
 */

export interface BurstOptions {
  quietMs: number
  maxWaitMs: number
}

/** About a second of quiet ends a burst; a stream is reported at least every 3 s. */
export const ANNOUNCE_BURST: BurstOptions = { quietMs: 1_000, maxWaitMs: 3_000 }

export class Burst<T> {
  private items: T[] = []
  private quietTimer: ReturnType<typeof setTimeout> | null = null
  private maxTimer: ReturnType<typeof setTimeout> | null = null

  constructor(
    private readonly onBatch: (items: T[]) => void,
    private readonly options: BurstOptions = ANNOUNCE_BURST,
  ) {}

  /** Items waiting to be handed on. */
  get pending(): number {
    return this.items.length
  }

  add(items: readonly T[]): void {
    if (items.length === 0) return
    this.items.push(...items)
    if (this.quietTimer !== null) clearTimeout(this.quietTimer)
    this.quietTimer = setTimeout(() => this.flush(), this.options.quietMs)
    this.maxTimer ??= setTimeout(() => this.flush(), this.options.maxWaitMs)
  }

  /** Hand on what is waiting now (nothing when nothing is). */
  flush(): void {
    const items = this.items
    this.cancel()
    if (items.length > 0) this.onBatch(items)
  }

  /** Drop what is waiting (the conversation was closed). */
  cancel(): void {
    this.items = []
    if (this.quietTimer !== null) clearTimeout(this.quietTimer)
    if (this.maxTimer !== null) clearTimeout(this.maxTimer)
    this.quietTimer = null
    this.maxTimer = null
  }
}
