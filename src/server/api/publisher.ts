/**
 * Publishes realtime events through the official `pusher` SDK — to the
 * embedded server or to an external Pusher-compatible service, one code path.
 *
 * Publishing happens after the write committed and never fails the request:
 * events go into per-conversation lanes (so one conversation's events leave
 * in commit order), each lane retries a failed call a few times and then drops
 * it with a log line. Clients do not depend on delivery: they gap-fill by seq.
 */
import type Pusher from 'pusher'
import type { Logger } from 'pino'

/** Pusher refuses events whose data exceeds 10 KB. */
export const MAX_EVENT_BYTES = 10 * 1024
const MAX_CHANNELS_PER_CALL = 100
const LANES = 8

interface Job {
  channels: string[]
  event: string
  data: string
}

export interface PublisherOptions {
  log: Logger
  attempts?: number
  retryDelayMs?: number
}

export class Publisher {
  private readonly lanes: Job[][] = Array.from({ length: LANES }, () => [])
  private readonly running = new Set<number>()
  private idleWaiters: (() => void)[] = []
  private pusher: Pusher | null = null
  published = 0
  failed = 0

  constructor(private readonly options: PublisherOptions) {}

  /** Where events go; until then they wait in their lanes. */
  connect(pusher: Pusher): void {
    this.pusher = pusher
    this.lanes.forEach((queue, lane) => {
      if (queue.length > 0 && !this.running.has(lane)) void this.drain(lane)
    })
  }

  /** Queue `event` for every channel; `key` (a conversation id) picks the ordered lane. */
  publish(key: string, channels: readonly string[], event: string, payload: unknown): void {
    const data = JSON.stringify(payload)
    const lane = laneOf(key)
    for (let i = 0; i < channels.length; i += MAX_CHANNELS_PER_CALL) {
      this.lanes[lane]?.push({ channels: channels.slice(i, i + MAX_CHANNELS_PER_CALL), event, data })
    }
    if (this.pusher !== null && !this.running.has(lane)) void this.drain(lane)
  }

  /** Resolves when every queued event was sent or given up on. */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private async drain(lane: number): Promise<void> {
    this.running.add(lane)
    const queue = this.lanes[lane] ?? []
    for (let job = queue.shift(); job !== undefined; job = queue.shift()) await this.send(job)
    this.running.delete(lane)
    if (this.running.size === 0) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      waiters.forEach((resolve) => resolve())
    }
  }

  private async send(job: Job): Promise<void> {
    const attempts = this.options.attempts ?? 3
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        await this.pusher?.trigger(job.channels, job.event, job.data)
        this.published++
        return
      } catch (err) {
        if (attempt === attempts) {
          this.failed++
          this.options.log.warn({ err, event: job.event, channels: job.channels.length }, 'publish failed; clients will gap-fill')
          return
        }
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 200) * attempt))
      }
    }
  }
}

function laneOf(key: string): number {
  let hash = 0
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0
  return Math.abs(hash) % LANES
}

/** The payload as given, or — when its JSON would exceed 10 KB — the same without the message body. */
export function withinEventLimit<T>(payload: T, stripBody: (payload: T) => T): T {
  return Buffer.byteLength(JSON.stringify(payload)) > MAX_EVENT_BYTES ? stripBody(payload) : payload
}
