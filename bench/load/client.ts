/**
 * One simulated user, as lightweight as the real thing allows: a real
 * pusher-js client (Node build, `ws` only) authorised by the real
 * /api/pusher/auth with the user's bearer token, subscribed to its
 * `private-user-{id}` channel (and, optionally, its conversations' presence
 * channels), and REST over the worker's shared keep-alive agent.
 *
 * It applies what reaches it the way the desktop core does (docs/design.md §7):
 * realtime `message.created`, its own sends' answers and fetched pages, all
 * idempotently; a message past a hole triggers a fetch `after=<highest
 * contiguous seq>`, and every re-subscription after a dropped connection
 * fills every conversation. Sends go out open-loop at Poisson times with the
 * client's own clientIds; network errors, 429 and 5xx are retried with the
 * same clientId, as the outbox does.
 */
import PusherClient from 'pusher-js'
import type { Channel } from 'pusher-js'
import type { ConfigResponse, Message } from '../../src/shared/api'
import { conversationChannel, Events, messageCreatedEventSchema, userChannel } from '../../src/shared/channels'
import type { ClientOptions, ClientSpec } from './messages'
import { exponentialDelayMs, pick, streamFor } from '../../test/kit/random'
import { sharedClockMs } from '../../test/kit/worker'
import { ConversationReplica, Source, type ReplicaComparison, type SourceBit } from './replica'
import { HttpError, type RestClient } from './rest'
import type { WorkerStats } from './worker-stats'

const PAGE = 200
const FILL_RETRY_MS = 1_000
/** Retrying a send stops this long after the send phase ended. */
const RETRY_AFTER_END_MS = 60_000
const SENT_AT = /\bt=(\d+(?:\.\d+)?)$/

export interface ClientEnv {
  rest: RestClient
  config: ConfigResponse
  options: ClientOptions
  stats: WorkerStats
}

export class LoadClient {
  private pusher: PusherClient | null = null
  private readonly replicas = new Map<string, ConversationReplica>()
  private readonly fills = new Map<string, Promise<void>>()
  private readonly refills = new Set<string>()
  private readonly inFlight = new Set<Promise<void>>()
  private readonly ownLastSeq = new Map<string, number>()
  private sendTimer: NodeJS.Timeout | null = null
  /** More sends are scheduled. */
  private scheduling = false
  private stopped = false
  private subscribedOnce = false
  reconnects = 0
  gapFillFetches = 0
  gapFillErrors = 0

  constructor(
    private readonly spec: ClientSpec,
    private readonly env: ClientEnv,
  ) {
    for (const conversation of spec.conversations) this.replicas.set(conversation.id, new ConversationReplica())
  }

  /** Connected and subscribed to every channel, or rejects after `timeoutMs`. */
  async connect(timeoutMs: number): Promise<void> {
    const { config, rest } = this.env
    const { token } = this.spec
    const pusher = new PusherClient(config.pusher.key, {
      cluster: config.pusher.cluster,
      ...(config.pusher.wsHost !== undefined ? { wsHost: config.pusher.wsHost } : {}),
      ...(config.pusher.wsPort !== undefined ? { wsPort: config.pusher.wsPort } : {}),
      forceTLS: config.pusher.forceTLS,
      enabledTransports: ['ws'],
      disableStats: true,
      activityTimeout: config.activityTimeout * 1000,
      pongTimeout: 10_000,
      channelAuthorization: {
        transport: 'ajax',
        endpoint: '/api/pusher/auth',
        customHandler: ({ socketId, channelName }, callback) => {
          rest.channelAuth(token, socketId, channelName).then(
            (auth) => callback(null, auth),
            (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
          )
        },
      },
    })
    this.pusher = pusher
    const inbox = pusher.subscribe(userChannel(this.spec.userId))
    inbox.bind(Events.messageCreated, (data: unknown) => this.onMessageCreated(data))
    inbox.bind('pusher:subscription_succeeded', () => this.onInboxSubscribed())
    const channels: Channel[] = [inbox]
    if (this.env.options.presence) {
      for (const conversation of this.spec.conversations) channels.push(pusher.subscribe(conversationChannel(conversation.id)))
    }

    let timer: NodeJS.Timeout | undefined
    try {
      await Promise.race([
        Promise.all(channels.map(subscribed)),
        new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () => reject(new Error(`user ${this.spec.index}: not subscribed within ${timeoutMs} ms (${pusher.connection.state})`)),
            timeoutMs,
          )
        }),
      ])
    } finally {
      clearTimeout(timer)
    }
  }

  /** Send at Poisson times from `startAt` until `endAt` (shared-clock ms). */
  startSending(startAt: number, endAt: number): void {
    const { options, stats } = this.env
    const random = streamFor(options.seed, this.spec.index)
    const conversations = this.spec.conversations.map((conversation) => conversation.id)
    let at = startAt + exponentialDelayMs(random, options.rate)
    let count = 0
    const next = (): void => {
      if (this.stopped || at >= endAt || conversations.length === 0) {
        this.scheduling = false
        this.sendTimer = null
        return
      }
      const conversationId = pick(random, conversations)
      const clientId = `u${this.spec.index}-${++count}`
      const delay = Math.max(0, at - sharedClockMs())
      at += exponentialDelayMs(random, options.rate)
      this.sendTimer = setTimeout(() => {
        stats.sendsStarted++
        const sending = this.send(conversationId, clientId, endAt + RETRY_AFTER_END_MS)
        this.inFlight.add(sending)
        void sending.finally(() => this.inFlight.delete(sending))
        next()
      }, delay)
    }
    this.scheduling = true
    next()
  }

  /** Every send scheduled before `endAt` has been answered or given up on. */
  async sendsSettled(): Promise<void> {
    while (this.scheduling || this.inFlight.size > 0) {
      if (this.inFlight.size > 0) await Promise.all(this.inFlight)
      else await new Promise((resolve) => setTimeout(resolve, 100))
    }
  }

  /** Highest seq of each conversation among this client's answered sends. */
  lastSeqOfOwnSends(): Map<string, number> {
    return this.ownLastSeq
  }

  /** Holds every seq up to `expected` in each conversation, and no fill is running. */
  caughtUp(expected: Record<string, number>): boolean {
    if (this.fills.size > 0) return false
    for (const [id, replica] of this.replicas) if (replica.contiguous < (expected[id] ?? 0)) return false
    return true
  }

  /** Fetch each conversation's full history and compare it with what this client holds. */
  async verify(): Promise<{ id: string; comparison: ReplicaComparison; replica: ConversationReplica }[]> {
    const results = []
    for (const [id, replica] of this.replicas) {
      const history: Message[] = []
      for (let after = 0; ; ) {
        const page = await this.env.rest.messages(this.spec.token, id, after, PAGE)
        history.push(...page.messages)
        const last = page.messages[page.messages.length - 1]
        if (!page.hasMore || last === undefined) break
        after = last.seq
      }
      results.push({ id, comparison: replica.compare(history), replica })
    }
    return results
  }

  stop(): void {
    this.stopped = true
    this.scheduling = false
    if (this.sendTimer !== null) clearTimeout(this.sendTimer)
    this.sendTimer = null
    this.pusher?.disconnect()
  }

  get index(): number {
    return this.spec.index
  }

  private async send(conversationId: string, clientId: string, retryUntil: number): Promise<void> {
    const { rest, stats } = this.env
    const sentAt = sharedClockMs()
    const body = `load message ${clientId} t=${sentAt.toFixed(3)}`
    for (let attempt = 1; ; attempt++) {
      try {
        const { message, replayed } = await rest.send(this.spec.token, conversationId, clientId, body)
        stats.sends.latencyMs.push(sharedClockMs() - sentAt)
        if (replayed) stats.sends.replayed++
        else stats.sends.ok++
        this.ownLastSeq.set(conversationId, Math.max(this.ownLastSeq.get(conversationId) ?? 0, message.seq))
        this.apply(message, Source.send)
        return
      } catch (err) {
        const retryable = err instanceof HttpError && err.retryable
        if (!retryable || this.stopped || sharedClockMs() > retryUntil) {
          stats.sends.failed++
          stats.sendError(err instanceof Error ? err.message : String(err))
          return
        }
        stats.sends.retries++
        await new Promise((resolve) => setTimeout(resolve, Math.min(5_000, 250 * 2 ** attempt)))
      }
    }
  }

  private onInboxSubscribed(): void {
    if (!this.subscribedOnce) {
      this.subscribedOnce = true
      return
    }
    // Re-subscribed after a dropped connection: catch up on everything, as the core does.
    this.reconnects++
    for (const id of this.replicas.keys()) this.requestFill(id)
  }

  private onMessageCreated(data: unknown): void {
    const { stats } = this.env
    const now = sharedClockMs()
    stats.event(now)
    const parsed = messageCreatedEventSchema.safeParse(data)
    if (!parsed.success) return stats.problem(`user ${this.spec.index}: malformed message.created`)
    const { message } = parsed.data
    if (message.body === undefined) {
      this.requestFill(message.conversationId)
      return
    }
    const firstRealtime = this.apply(message, Source.realtime)
    if (firstRealtime && message.senderId !== this.spec.userId) {
      const sentAt = SENT_AT.exec(message.body)?.[1]
      if (sentAt !== undefined) stats.deliveryLatencyMs.push(now - Number(sentAt))
    }
  }

  /** Apply idempotently; a hole below it triggers a fill. True when this was the message's first realtime arrival. */
  private apply(message: Message | Omit<Message, 'body'>, source: SourceBit): boolean {
    const replica = this.replicas.get(message.conversationId)
    if (replica === undefined) {
      this.env.stats.problem(`user ${this.spec.index}: message in unknown conversation ${message.conversationId}`)
      return false
    }
    const before = replica.held.get(message.id)?.sources ?? 0
    const { fresh, gap } = replica.apply(message, source)
    if (fresh) this.env.stats.lastFreshAt = sharedClockMs()
    if (gap) this.requestFill(message.conversationId)
    return source === Source.realtime && (before & Source.realtime) === 0
  }

  /** Fetch `after=<contiguous>` page by page; coalesced per conversation like the core's sync. */
  private requestFill(conversationId: string): void {
    if (this.stopped) return
    if (this.fills.has(conversationId)) {
      this.refills.add(conversationId)
      return
    }
    const replica = this.replicas.get(conversationId)
    if (replica === undefined) return
    const task = (async () => {
      do {
        this.refills.delete(conversationId)
        for (;;) {
          const after = replica.contiguous
          this.gapFillFetches++
          const page = await this.env.rest.messages(this.spec.token, conversationId, after, PAGE)
          for (const message of page.messages) this.apply(message, Source.fill)
          if (!page.hasMore || replica.contiguous <= after) break
        }
      } while (this.refills.has(conversationId) && !this.stopped)
    })()
    this.fills.set(conversationId, task)
    task.then(
      () => this.fills.delete(conversationId),
      (err: unknown) => {
        this.fills.delete(conversationId)
        this.gapFillErrors++
        this.env.stats.problem(`user ${this.spec.index}: gap-fill failed (${err instanceof Error ? err.message : String(err)})`)
        setTimeout(() => this.requestFill(conversationId), FILL_RETRY_MS)
      },
    )
  }
}

function subscribed(channel: Channel): Promise<void> {
  return new Promise((resolve, reject) => {
    channel.bind('pusher:subscription_succeeded', () => resolve())
    channel.bind('pusher:subscription_error', (error: unknown) =>
      reject(new Error(`${channel.name}: subscription refused ${JSON.stringify(error)}`)),
    )
  })
}
