/**
 * Publishes realtime events: through the official `pusher` SDK to an external
 * Pusher-compatible service (or, with PUBLISH_VIA_SDK, to the embedded server
 * over its HTTP API), or straight into the embedded server in this process.
 * Lanes, ordering, batching and retries are the same either way; only the last
 * hop (the `EventSink`) differs.
 *
 * Publishing happens after the write committed and never fails the request:
 * events go into per-conversation lanes (so one conversation's events leave
 * in commit order), each lane retries a failed call a few times and then drops
 * it with a log line. Clients do not depend on delivery: they gap-fill by seq.
 */
import type { Logger } from 'pino'

/** Where events go: the `pusher` SDK fits this shape as it is. */
export interface EventSink {
  trigger(channels: string[], event: string, data: string): Promise<unknown>
  triggerBatch(batch: { channel: string; name: string; data: string }[]): Promise<unknown>
  /** Close every connection signed in (`pusher:signin`) as the user. */
  terminateUserConnections(userId: string): Promise<unknown>
}

/** Pusher refuses events whose data exceeds 10 KB. */
export const MAX_EVENT_BYTES = 10 * 1024
/**
 * The plain event that still fits once the `pusher` SDK has encrypted it for a
 * `private-encrypted-*` channel: the service sees `{nonce, ciphertext}` in
 * base64, a third larger plus 16 bytes of MAC and the nonce — 7,617 bytes of
 * plain JSON at most; 7 KiB leaves room.
 */
export const MAX_ENCRYPTED_EVENT_BYTES = 7 * 1024

/** The largest event data for a channel (docs/design.md §5.2). */
export const eventByteLimit = (channel: string): number =>
  channel.startsWith('private-encrypted-') ? MAX_ENCRYPTED_EVENT_BYTES : MAX_EVENT_BYTES
const MAX_CHANNELS_PER_CALL = 100
const LANES = 16

interface Job {
  channels: string[]
  event: string
  data: string
  /** performance.now() when the request that caused the event arrived (send→publish latency). */
  startedAt?: number
}

export interface PublisherOptions {
  log: Logger
  attempts?: number
  retryDelayMs?: number
  /** Called when an event that carried `startedAt` was handed to the sink (metrics). */
  onHandedOff?: (startedAt: number) => void
}

export class Publisher {
  private readonly lanes: Job[][] = Array.from({ length: LANES }, () => [])
  private readonly running = new Set<number>()
  private idleWaiters: (() => void)[] = []
  private sink: EventSink | null = null
  published = 0
  failed = 0

  constructor(private readonly options: PublisherOptions) {}

  /** Where events go; until then they wait in their lanes. */
  connect(sink: EventSink): void {
    this.sink = sink
    this.lanes.forEach((queue, lane) => {
      if (queue.length > 0 && !this.running.has(lane)) void this.drain(lane)
    })
  }

  /**
   * Queue `event` for every channel; `key` (a conversation id) picks the ordered lane.
   * `startedAt` (performance.now() of the causing request's arrival) is reported
   * to `onHandedOff` once the event's last call reached the sink.
   */
  publish(key: string, channels: readonly string[], event: string, payload: unknown, startedAt?: number): void {
    const data = JSON.stringify(payload)
    const lane = laneOf(key)
    for (let i = 0; i < channels.length; i += MAX_CHANNELS_PER_CALL) {
      const last = i + MAX_CHANNELS_PER_CALL >= channels.length
      this.lanes[lane]?.push({
        channels: channels.slice(i, i + MAX_CHANNELS_PER_CALL),
        event,
        data,
        ...(last && startedAt !== undefined ? { startedAt } : {}),
      })
    }
    if (this.sink !== null && !this.running.has(lane)) void this.drain(lane)
  }

  /**
   * Ask the realtime service to close the user's connections (their last
   * session ended). Not queued behind events: it is not about a conversation,
   * and it should not wait. A failure is logged; the sockets then live until
   * they drop, but can no longer be authorised for anything new.
   */
  async terminateUserConnections(userId: string): Promise<void> {
    if (this.sink === null) return
    try {
      await this.sink.terminateUserConnections(userId)
    } catch (err) {
      this.options.log.warn({ err, userId }, 'could not terminate the connections of a signed-out user')
    }
  }

  /** Resolves when every queued event was sent or given up on. */
  idle(): Promise<void> {
    if (this.running.size === 0) return Promise.resolve()
    return new Promise((resolve) => this.idleWaiters.push(resolve))
  }

  private async drain(lane: number): Promise<void> {
    this.running.add(lane)
    const queue = this.lanes[lane] ?? []
    while (queue.length > 0) await this.send(takeCall(queue))
    this.running.delete(lane)
    if (this.running.size === 0) {
      const waiters = this.idleWaiters
      this.idleWaiters = []
      waiters.forEach((resolve) => resolve())
    }
  }

  private async send(call: Call): Promise<void> {
    const attempts = this.options.attempts ?? 3
    for (let attempt = 1; attempt <= attempts; attempt++) {
      try {
        if (call.kind === 'trigger') await this.sink?.trigger(call.job.channels, call.job.event, call.job.data)
        else await this.sink?.triggerBatch(call.entries)
        this.published += call.kind === 'trigger' ? 1 : call.jobs
        const onHandedOff = this.options.onHandedOff
        if (onHandedOff !== undefined) {
          if (call.kind === 'trigger') {
            if (call.job.startedAt !== undefined) onHandedOff(call.job.startedAt)
          } else {
            for (const startedAt of call.startedAt) onHandedOff(startedAt)
          }
        }
        return
      } catch (err) {
        if (attempt === attempts) {
          const jobs = call.kind === 'trigger' ? 1 : call.jobs
          this.failed += jobs
          // The SDK's errors carry the signed request URL and the response body; the
          // logger's err serializer (logger.ts) keeps neither.
          this.options.log.warn({ err, jobs }, 'publish failed; clients will gap-fill')
          return
        }
        await new Promise((resolve) => setTimeout(resolve, (this.options.retryDelayMs ?? 200) * attempt))
      }
    }
  }
}

/** One HTTP call: a trigger to many channels, or a batch of single-channel events. */
type Call =
  | { kind: 'trigger'; job: Job }
  | { kind: 'batch'; entries: { channel: string; name: string; data: string }[]; jobs: number; startedAt: number[] }

/** Pusher accepts at most 10 events per batch. */
const MAX_BATCH = 10

/**
 * Take the next call off a lane, keeping order: jobs with few channels (a
 * direct conversation has two members) are packed into one `batch_events`
 * call, up to 10 events; a job for many channels goes alone as one trigger.
 */
function takeCall(queue: Job[]): Call {
  const first = queue[0] as Job
  if (first.channels.length > MAX_BATCH / 2 || queue.length === 1) {
    queue.shift()
    return { kind: 'trigger', job: first }
  }
  const entries: { channel: string; name: string; data: string }[] = []
  const startedAt: number[] = []
  let jobs = 0
  while (queue.length > 0) {
    const job = queue[0] as Job
    if (job.channels.length > MAX_BATCH / 2 || entries.length + job.channels.length > MAX_BATCH) break
    queue.shift()
    jobs++
    if (job.startedAt !== undefined) startedAt.push(job.startedAt)
    for (const channel of job.channels) entries.push({ channel, name: job.event, data: job.data })
  }
  return { kind: 'batch', entries, jobs, startedAt }
}

function laneOf(key: string): number {
  let hash = 0
  for (let i = 0; i < key.length; i++) hash = (hash * 31 + key.charCodeAt(i)) | 0
  return Math.abs(hash) % LANES
}

/** The payload as given, or — when its JSON would exceed 10 KB — the same without the message body. */
export function withinEventLimit<T>(payload: T, stripBody: (payload: T) => T, limit = MAX_EVENT_BYTES): T {
  return Buffer.byteLength(JSON.stringify(payload)) > limit ? stripBody(payload) : payload
}
