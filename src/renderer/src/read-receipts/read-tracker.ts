/**
 * When the renderer tells the core a conversation was read (docs/design.md §7).
 *
 * A message counts as read only once it has been on screen while all of
 * these hold at the same moment:
 *   - the window is focused — as main reports it (`getWindowState` and the
 *     `windowFocus` event), not `document.hasFocus()`, which a page cannot
 *     trust in a background or occluded window;
 *   - the document is visible (`visibilityState === 'visible'`: not minimized,
 *     not hidden);
 *   - the conversation is the one open.
 * Messages that arrived, or stayed on screen, while one of these failed are
 * picked up when all hold again — e.g. when the window regains focus and the
 * message is still visible.
 *
 * Calls carry only increasing seqs above what the core already has as read,
 * and are coalesced: the first goes out at once, later ones at most every
 * `intervalMs`, each with the highest seq seen meanwhile.
 */

export interface ReadConditions {
  windowFocused: boolean
  documentVisible: boolean
  conversationOpen: boolean
}

export function mayMarkRead(conditions: ReadConditions): boolean {
  return conditions.windowFocused && conditions.documentVisible && conditions.conversationOpen
}

/** The seq to report now, or null: the highest visible seq, if it is above everything read or reported. */
export function seqToReport(visibleSeq: number | null, alreadyRead: number): number | null {
  return visibleSeq !== null && visibleSeq > alreadyRead ? visibleSeq : null
}

export interface ReadTrackerDeps {
  /** Tell the core: everything up to `seq` has been read. */
  markRead(seq: number): void
  setTimer(callback: () => void, ms: number): () => void
  now(): number
  intervalMs?: number
}

export interface ReadTrackerInput extends ReadConditions {
  /** The highest seq on screen right now (null: no sent message visible). */
  visibleSeq: number | null
  /** The conversation's readSeq as the core last reported it. */
  readSeq: number
}

export const MARK_READ_INTERVAL_MS = 250

export class ReadTracker {
  private input: ReadTrackerInput = {
    windowFocused: false,
    documentVisible: false,
    conversationOpen: false,
    visibleSeq: null,
    readSeq: 0,
  }
  /** Seen under the read conditions, not yet reported. */
  private seen: number | null = null
  private reported = 0
  private lastReportAt = Number.NEGATIVE_INFINITY
  private cancelTimer: (() => void) | null = null
  private disposed = false

  constructor(private readonly deps: ReadTrackerDeps) {}

  private get interval(): number {
    return this.deps.intervalMs ?? MARK_READ_INTERVAL_MS
  }

  update(patch: Partial<ReadTrackerInput>): void {
    if (this.disposed) return
    this.input = { ...this.input, ...patch }
    if (!mayMarkRead(this.input)) return
    const candidate = seqToReport(this.input.visibleSeq, Math.max(this.input.readSeq, this.reported, this.seen ?? 0))
    if (candidate !== null) this.seen = candidate
    this.schedule()
  }

  private schedule(): void {
    if (this.seen === null || this.cancelTimer !== null) return
    const wait = this.lastReportAt + this.interval - this.deps.now()
    if (wait <= 0) {
      this.flush()
      return
    }
    this.cancelTimer = this.deps.setTimer(() => {
      this.cancelTimer = null
      this.flush()
    }, wait)
  }

  /** Reports what was seen — only while the read conditions hold; otherwise it waits for them. */
  private flush(): void {
    if (this.disposed || this.seen === null || !mayMarkRead(this.input)) return
    const seq = this.seen
    this.seen = null
    if (seq <= Math.max(this.input.readSeq, this.reported)) return
    this.reported = seq
    this.lastReportAt = this.deps.now()
    this.deps.markRead(seq)
  }

  /** The conversation closes: report what was seen while it was open (if the conditions still hold), then stop. */
  dispose(): void {
    if (this.disposed) return
    this.cancelTimer?.()
    this.cancelTimer = null
    this.flush()
    this.disposed = true
  }
}
