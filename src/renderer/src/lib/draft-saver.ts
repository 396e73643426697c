/**
 * Writes composer drafts to the core (`setDraft`) without a call per key:
 * each conversation's text is saved once typing pauses (`delayMs`), at once
 * when the user switches away (`flush`) or sends (`saveNow`), and never twice
 * with the same text. The timers and the save are injected, for tests.
 */

export interface DraftSaverDeps {
  save(conversationId: string, text: string): Promise<unknown>
  delayMs: number
  setTimer?(run: () => void, ms: number): unknown
  clearTimer?(timer: unknown): void
}

export class DraftSaver {
  /** What the core has (or is being sent), per conversation. */
  private readonly saved = new Map<string, string>()
  private readonly pending = new Map<string, { text: string; timer: unknown }>()
  private readonly setTimer: (run: () => void, ms: number) => unknown
  private readonly clearTimer: (timer: unknown) => void

  constructor(private readonly deps: DraftSaverDeps) {
    this.setTimer = deps.setTimer ?? ((run, ms) => setTimeout(run, ms))
    this.clearTimer = deps.clearTimer ?? ((timer) => clearTimeout(timer as ReturnType<typeof setTimeout>))
  }

  /** The text the core returned when the conversation opened: no need to write it back. */
  loaded(conversationId: string, text: string): void {
    if (!this.pending.has(conversationId)) this.saved.set(conversationId, text)
  }

  /** The user typed: save once they pause. */
  change(conversationId: string, text: string): void {
    const before = this.pending.get(conversationId)
    if (before !== undefined) this.clearTimer(before.timer)
    const timer = this.setTimer(() => this.flush(conversationId), this.deps.delayMs)
    this.pending.set(conversationId, { text, timer })
  }

  /** Save what is waiting for this conversation now (switching away, closing). */
  flush(conversationId: string): void {
    const waiting = this.pending.get(conversationId)
    if (waiting === undefined) return
    this.clearTimer(waiting.timer)
    this.pending.delete(conversationId)
    this.write(conversationId, waiting.text)
  }

  flushAll(): void {
    for (const conversationId of [...this.pending.keys()]) this.flush(conversationId)
  }

  /** Save this text now, replacing anything waiting (a send clears the draft). */
  saveNow(conversationId: string, text: string): void {
    const waiting = this.pending.get(conversationId)
    if (waiting !== undefined) this.clearTimer(waiting.timer)
    this.pending.delete(conversationId)
    this.write(conversationId, text)
  }

  /** Forget everything without saving (the account changed). */
  drop(): void {
    for (const { timer } of this.pending.values()) this.clearTimer(timer)
    this.pending.clear()
    this.saved.clear()
  }

  private write(conversationId: string, text: string): void {
    if ((this.saved.get(conversationId) ?? '') === text) return
    this.saved.set(conversationId, text)
    this.deps.save(conversationId, text).catch(() => {
      // Not saved: the next change or flush tries again.
      if (this.saved.get(conversationId) === text) this.saved.delete(conversationId)
    })
  }
}
