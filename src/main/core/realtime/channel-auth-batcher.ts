/**
 * Channel authorisations gathered into batches (POST /api/pusher/auth-batch,
 * design §5). pusher-js asks for one channel at a time, and a connect
 * subscribes every conversation's presence channel in the same turn: 500
 * conversations were 500 requests, each with its token check and its
 * membership query on the server, all competing with the sync and the window
 * at start-up. The batcher answers pusher-js's per-channel calls made in the
 * same turn of the event loop from requests of `BATCH` channels, one after
 * another. A server without the batch route (404) gets single requests from then
 * on, as before.
 */
import { HttpError, type ApiClient, type ChannelAuth } from '../api-client'

/**
 * Channels per request this client sends (the server takes up to
 * MAX_AUTH_BATCH, src/server/api/routes/pusher.ts), one request after another: every
 * answered channel is subscribed at once and the server's answers come back
 * together, so a batch is a burst of work for the event loop — 100 at once
 * held it ~100 ms in the weekend catch-up (`bench:core`), where one request per
 * channel had spread them out.
 */
export const BATCH = 25
/** Between two batches of one turn: 500 conversations are subscribed within about a second. */
export const BATCH_PAUSE_MS = 30

interface Waiting {
  channelName: string
  resolve(auth: ChannelAuth): void
  reject(err: unknown): void
}

export class ChannelAuthBatcher {
  /** Per socket id: channels asked for this turn. */
  private readonly pending = new Map<string, Waiting[]>()
  private scheduled = false
  private batchRoute = true

  constructor(private readonly api: Pick<ApiClient, 'channelAuth' | 'channelAuthBatch'>) {}

  authorize(socketId: string, channelName: string): Promise<ChannelAuth> {
    if (!this.batchRoute) return this.api.channelAuth(socketId, channelName)
    return new Promise((resolve, reject) => {
      const waiting = this.pending.get(socketId) ?? []
      waiting.push({ channelName, resolve, reject })
      this.pending.set(socketId, waiting)
      if (!this.scheduled) {
        this.scheduled = true
        setImmediate(() => this.flush())
      }
    })
  }

  private flush(): void {
    this.scheduled = false
    const pending = [...this.pending]
    this.pending.clear()
    for (const [socketId, waiting] of pending) void this.sendInTurn(socketId, waiting)
  }

  /**
   * `BATCH` at a time, each `BATCH_PAUSE_MS` after the one before was
   * answered: the first channels asked for (the newest conversations: the
   * link subscribes in the list's order) come first, and the rest do not
   * crowd the start — the sync, the window's first answers — off the CPU.
   */
  private async sendInTurn(socketId: string, waiting: readonly Waiting[]): Promise<void> {
    for (let start = 0; start < waiting.length; start += BATCH) {
      if (start > 0) await new Promise((resolve) => setTimeout(resolve, BATCH_PAUSE_MS))
      await this.send(socketId, waiting.slice(start, start + BATCH))
    }
  }

  /** One request per channel, by the single route. */
  private sendSingly(socketId: string, waiting: readonly Waiting[]): void {
    for (const one of waiting) this.api.channelAuth(socketId, one.channelName).then(one.resolve, one.reject)
  }

  private async send(socketId: string, waiting: readonly Waiting[]): Promise<void> {
    if (waiting.length === 1 || !this.batchRoute) {
      this.sendSingly(socketId, waiting)
      return
    }
    let answers: Awaited<ReturnType<ApiClient['channelAuthBatch']>>
    try {
      answers = await this.api.channelAuthBatch(
        socketId,
        waiting.map((one) => one.channelName),
      )
    } catch (err) {
      if (err instanceof HttpError && err.status === 404) {
        // An older server: one request per channel, now and from now on.
        this.batchRoute = false
        this.sendSingly(socketId, waiting)
        return
      }
      for (const one of waiting) one.reject(err)
      return
    }
    for (const one of waiting) {
      const answer = answers[one.channelName]
      if (answer === undefined || answer instanceof HttpError) one.reject(answer ?? new HttpError(502, 'bad_response', `no answer for ${one.channelName}`))
      else one.resolve(answer)
    }
  }
}
