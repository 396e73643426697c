/**
 * What all clients of one worker process count together: sends and their
 * answers, realtime events, latency samples, when a message was last newly
 * applied anywhere (the drain waits for that to go quiet), and the first few
 * problems in words.
 */
import { sharedClockMs } from '../../test/kit/worker'
import type { SendStats } from './messages'

const MAX_PROBLEMS = 20
const MAX_ERRORS = 5

export class WorkerStats {
  readonly sends: SendStats = { ok: 0, replayed: 0, retries: 0, failed: 0, errors: [], latencyMs: [] }
  readonly deliveryLatencyMs: number[] = []
  readonly problems: string[] = []
  eventsTotal = 0
  eventsInWindow = 0
  /** Sends started so far (progress reports). */
  sendsStarted = 0
  lastFreshAt = sharedClockMs()
  window = { startAt: Number.POSITIVE_INFINITY, endAt: Number.NEGATIVE_INFINITY }

  event(now: number): void {
    this.eventsTotal++
    if (now >= this.window.startAt && now < this.window.endAt) this.eventsInWindow++
  }

  sendError(message: string): void {
    // Ids and seqs make every message distinct: keep the first few as they are.
    if (this.sends.errors.length < MAX_ERRORS) this.sends.errors.push(message.slice(0, 300))
  }

  problem(message: string): void {
    if (this.problems.length < MAX_PROBLEMS) this.problems.push(message)
  }
}
