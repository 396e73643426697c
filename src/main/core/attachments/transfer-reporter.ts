/**
 * Progress of uploads and downloads to the renderer (the `transfers` push
 * event): at most one report per transfer every `intervalMs` (a 100 MiB
 * upload would otherwise send thousands), the last progress always sent,
 * and every change of state (done, failed, cancelled) at once.
 */
import type { Transfer } from '../../../shared/ipc'

interface Tracked {
  last: Transfer
  sentAt: number
  sentState: Transfer['state'] | null
  timer: NodeJS.Timeout | null
}

export class TransferReporter {
  private readonly tracked = new Map<string, Tracked>()

  constructor(
    private readonly emit: (transfers: Transfer[]) => void,
    private readonly now: () => number,
    private readonly intervalMs = 100,
  ) {}

  update(transfer: Transfer): void {
    const key = `${transfer.direction}:${transfer.id}`
    let tracked = this.tracked.get(key)
    if (tracked === undefined) {
      tracked = { last: transfer, sentAt: Number.NEGATIVE_INFINITY, sentState: null, timer: null }
      this.tracked.set(key, tracked)
    }
    tracked.last = transfer
    const now = this.now()
    if (transfer.state !== tracked.sentState || now - tracked.sentAt >= this.intervalMs) {
      this.send(key, tracked, now)
    } else if (tracked.timer === null) {
      tracked.timer = setTimeout(() => this.send(key, tracked, this.now()), Math.max(1, tracked.sentAt + this.intervalMs - now))
    }
  }

  private send(key: string, tracked: Tracked, now: number): void {
    if (tracked.timer !== null) clearTimeout(tracked.timer)
    tracked.timer = null
    tracked.sentAt = now
    tracked.sentState = tracked.last.state
    // An ended transfer is forgotten once reported: the same id may start again (a retry, a second download).
    if (tracked.last.state !== 'active') this.tracked.delete(key)
    this.emit([tracked.last])
  }

  /** Stop reporting (sign-out): pending trailing reports are dropped. */
  dispose(): void {
    for (const tracked of this.tracked.values()) if (tracked.timer !== null) clearTimeout(tracked.timer)
    this.tracked.clear()
  }
}
