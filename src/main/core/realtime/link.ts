/**
 * One realtime connection: a pusher-js instance (Node build, `ws`/`wss` only),
 * authorised through the REST API with the session token (channels asked for
 * in the same turn share a request: channel-auth-batcher.ts), subscribed to
 * the user's private channel and the presence channel of each conversation.
 *
 * The user's channel is `private-encrypted-user-{id}` when /api/config says
 * `encryptedUserChannel` (an external service with
 * PUSHER_ENCRYPTION_MASTER_KEY): the channel auth answers with its
 * `shared_secret` and pusher-js decrypts each event. That takes pusher-js's
 * encryption-capable build, and the package's Node entry (`main`:
 * dist/node/pusher.js, what `import 'pusher-js'` loads in Node and in
 * Electron's main process) is that build — it bundles tweetnacl. (The
 * `pusher-js/with-encryption` entry is the *web* build: wrong here.)
 *
 * A Link lives for exactly one connection. When the connection drops, the
 * supervisor throws the Link away and makes a new one, so channel bindings are
 * made once per connection and events are never handled twice.
 */
import PusherClient from 'pusher-js'
import type { Channel, PresenceChannel } from 'pusher-js'
import type { ConfigResponse } from '../../../shared/api'
import { conversationChannel, Events, userChannel } from '../../../shared/channels'
import { isRetryable, type ApiClient } from '../api-client'
import { ChannelAuthBatcher } from './channel-auth-batcher'

export type PresenceChange =
  | { type: 'snapshot'; userIds: string[] }
  | { type: 'added'; userId: string }
  | { type: 'removed'; userId: string }

export interface LinkHandlers {
  /** Connected and subscribed to the private user channel: events can no longer fall between. */
  onReady(): void
  /** The connection failed or dropped; the Link is dead. */
  onLost(reason: string): void
  onUserEvent(event: string, data: unknown): void
  onPresence(conversationId: string, change: PresenceChange): void
  onTyping(conversationId: string, userId: string, typing: boolean): void
}

export interface LinkOptions {
  /** GET /api/config: fetched per attempt, so a server that moved its realtime layer is followed. */
  loadConfig(): Promise<ConfigResponse>
  api: ApiClient
  userId: string
  pongTimeoutMs: number
  /** Give up on a connection attempt that is not ready after this long. */
  connectTimeoutMs: number
  /**
   * After the `attempt`-th failed authorisation in a row (0-based) of a
   * conversation's presence channel, subscribe again after this long.
   */
  subscribeRetryDelayMs(attempt: number): number
  handlers: LinkHandlers
}

const USER_EVENTS = [Events.messageCreated, Events.messageUpdated, Events.conversationUpsert, Events.markerUpdated, Events.conversationRemoved]

export class Link {
  private pusher: PusherClient | null = null
  private readonly handlers: LinkHandlers
  private readonly conversations = new Set<string>()
  private ready = false
  private dead = false
  private readonly connectTimer: NodeJS.Timeout
  /** Channel name → whether its last authorisation failed for a reason worth retrying. */
  private readonly authFailures = new Map<string, boolean>()
  /** Presence channels waiting to be subscribed again: failures in a row and the timer. */
  private readonly resubscribes = new Map<string, { failures: number; timer: NodeJS.Timeout | null }>()

  constructor(private readonly options: LinkOptions) {
    this.handlers = options.handlers
    this.connectTimer = setTimeout(() => this.lose('connection attempt timed out'), options.connectTimeoutMs)
    options.loadConfig().then(
      (config) => this.open(config),
      (err: unknown) => this.lose(err instanceof Error ? err.message : String(err)),
    )
  }

  private open(config: ConfigResponse): void {
    if (this.dead) return
    const { api, handlers } = this.options
    const endpoint = realtimeEndpoint(config, api.baseUrl)
    // A connect subscribes every conversation in one turn: their authorisations go in batches.
    const auths = new ChannelAuthBatcher(api)
    const pusher = new PusherClient(config.pusher.key, {
      cluster: config.pusher.cluster,
      ...(endpoint.wsHost !== undefined ? { wsHost: endpoint.wsHost } : {}),
      ...(endpoint.wsPort !== undefined ? { wsPort: endpoint.wsPort, wssPort: endpoint.wsPort } : {}),
      forceTLS: endpoint.forceTLS,
      // 'ws' follows forceTLS (ws:// or wss://); the 'wss' transport would be a TLS fallback to a plain port.
      enabledTransports: ['ws'],
      disableStats: true,
      activityTimeout: config.activityTimeout * 1000,
      pongTimeout: this.options.pongTimeoutMs,
      channelAuthorization: {
        transport: 'ajax',
        endpoint: '/api/pusher/auth',
        customHandler: ({ socketId, channelName }, callback) => {
          auths.authorize(socketId, channelName).then(
            (auth) => callback(null, auth),
            (err: unknown) => {
              this.authFailures.set(channelName, isRetryable(err))
              callback(err instanceof Error ? err : new Error(String(err)), null)
            },
          )
        },
      },
      // Signed in as this user, the server can close every socket of a user whose
      // last session ended (an external service offers nothing finer: terminate_connections).
      userAuthentication: {
        transport: 'ajax',
        endpoint: '/api/pusher/user-auth',
        customHandler: ({ socketId }, callback) => {
          api.userAuth(socketId).then(
            (auth) => callback(null, auth),
            (err: unknown) => callback(err instanceof Error ? err : new Error(String(err)), null),
          )
        },
      },
    })
    this.pusher = pusher
    pusher.signin()
    pusher.connection.bind('state_change', ({ previous, current }: { previous: string; current: string }) => {
      if (previous === 'connected' && current !== 'connected') this.lose(`connection ${current}`)
      else if (current === 'unavailable' || current === 'failed' || current === 'disconnected') this.lose(`connection ${current}`)
    })

    const inbox = pusher.subscribe(userChannel(this.options.userId, config.encryptedUserChannel === true))
    inbox.bind('pusher:subscription_succeeded', () => {
      if (this.ready || this.dead) return
      this.ready = true
      clearTimeout(this.connectTimer)
      handlers.onReady()
    })
    inbox.bind('pusher:subscription_error', (error: { status?: number; error?: string }) =>
      this.lose(`could not subscribe to the inbox (${error.status ?? error.error ?? 'error'})`),
    )
    for (const event of USER_EVENTS) inbox.bind(event, (data: unknown) => this.dead || handlers.onUserEvent(event, data))
    for (const conversationId of this.conversations) this.subscribePresence(pusher, conversationId)
  }

  get isReady(): boolean {
    return this.ready && !this.dead
  }

  subscribeConversation(conversationId: string): void {
    if (this.dead || this.conversations.has(conversationId)) return
    this.conversations.add(conversationId)
    if (this.pusher) this.subscribePresence(this.pusher, conversationId)
  }

  private subscribePresence(pusher: PusherClient, conversationId: string): void {
    const name = conversationChannel(conversationId)
    const channel = pusher.subscribe(name) as PresenceChannel
    const { handlers } = this
    channel.bind('pusher:subscription_error', () => this.presenceRefused(pusher, conversationId))
    channel.bind('pusher:subscription_succeeded', () => {
      this.clearResubscribe(name)
      const userIds: string[] = []
      channel.members.each((member: { id: string }) => userIds.push(member.id))
      handlers.onPresence(conversationId, { type: 'snapshot', userIds })
    })
    channel.bind('pusher:member_added', (member: { id: string }) =>
      handlers.onPresence(conversationId, { type: 'added', userId: member.id }),
    )
    channel.bind('pusher:member_removed', (member: { id: string }) =>
      handlers.onPresence(conversationId, { type: 'removed', userId: member.id }),
    )
    channel.bind(Events.typing, (data: { typing?: unknown } | undefined, metadata: { user_id?: string } | undefined) => {
      if (metadata?.user_id && typeof data?.typing === 'boolean') handlers.onTyping(conversationId, metadata.user_id, data.typing)
    })
  }

  /**
   * A presence channel's authorisation failed. When the request failed (the
   * network, the server: not its considered "no"), subscribe again after a
   * back-off — the socket itself may well stay up, and nothing else would ever
   * subscribe this channel again on it: its members would look offline to us,
   * and we to them, for as long as the connection lasts.
   */
  private presenceRefused(pusher: PusherClient, conversationId: string): void {
    const name = conversationChannel(conversationId)
    const retryable = this.authFailures.get(name) ?? false
    this.authFailures.delete(name)
    if (this.dead || !this.conversations.has(conversationId) || !retryable) return
    const retry = this.resubscribes.get(name) ?? { failures: 0, timer: null }
    const delay = this.options.subscribeRetryDelayMs(retry.failures)
    retry.failures++
    if (retry.timer) clearTimeout(retry.timer)
    retry.timer = setTimeout(() => {
      retry.timer = null
      // The same channel object: its bindings stay, pusher-js authorises and subscribes it again.
      if (!this.dead && this.conversations.has(conversationId)) pusher.subscribe(name)
    }, delay)
    this.resubscribes.set(name, retry)
  }

  private clearResubscribe(name: string): void {
    const retry = this.resubscribes.get(name)
    if (retry?.timer) clearTimeout(retry.timer)
    this.resubscribes.delete(name)
  }

  unsubscribeConversation(conversationId: string): void {
    if (!this.conversations.delete(conversationId)) return
    this.clearResubscribe(conversationChannel(conversationId))
    this.pusher?.unsubscribe(conversationChannel(conversationId))
  }

  /** Send `client-typing`; false when the channel is not ready. */
  sendTyping(conversationId: string, typing: boolean): boolean {
    const channel = this.pusher?.channel(conversationChannel(conversationId)) as Channel | undefined
    if (this.dead || !channel?.subscribed) return false
    return channel.trigger(Events.typing, { typing })
  }

  /**
   * Ping now; true when the pong arrives within `timeoutMs` (a socket that slept
   * may be dead). Only the pong counts: any other frame may have been on its way
   * before the link died — in a kernel buffer from before sleep, or sent just
   * before the network went — and proves nothing about now.
   */
  ping(timeoutMs: number): Promise<boolean> {
    const pusher = this.pusher
    if (this.dead || pusher === null || pusher.connection.state !== 'connected') return Promise.resolve(false)
    return new Promise((resolve) => {
      const onMessage = (message: { event?: unknown }) => {
        if (message.event === 'pusher:pong') finish(true)
      }
      const timer = setTimeout(() => finish(false), timeoutMs)
      const finish = (alive: boolean) => {
        clearTimeout(timer)
        pusher.connection.unbind('message', onMessage)
        resolve(alive)
      }
      pusher.connection.bind('message', onMessage)
      pusher.connection.send_event('pusher:ping', {})
    })
  }

  /** Conversation ids with a presence subscription on this link. */
  subscribedConversations(): string[] {
    return [...this.conversations]
  }

  close(): void {
    if (this.dead) return
    this.dead = true
    clearTimeout(this.connectTimer)
    for (const name of [...this.resubscribes.keys()]) this.clearResubscribe(name)
    const pusher = this.pusher
    if (pusher === null) return
    pusher.unbind_all()
    pusher.connection.unbind_all()
    // Not from inside pusher-js: close() is often called from its state_change
    // handler, which connect() emits before it starts an attempt; disconnecting
    // there left that attempt — and its retries, forever — on a client nobody
    // listens to any more. After the current call has returned there is an
    // attempt to abort, and disconnect() aborts it.
    queueMicrotask(() => pusher.disconnect())
  }

  private lose(reason: string): void {
    if (this.dead) return
    this.close()
    this.handlers.onLost(reason)
  }
}

/**
 * Where the WebSocket goes: as the server's config says, or — when it says
 * `sameOrigin` — to the host and port the app reaches the REST api on (so a
 * port forward or TCP proxy in between is followed), with TLS when that is https.
 */
export function realtimeEndpoint(
  config: ConfigResponse,
  serverUrl: string,
): { wsHost?: string; wsPort?: number; forceTLS: boolean } {
  const { wsHost, wsPort, forceTLS, sameOrigin } = config.pusher
  if (sameOrigin !== true) return { ...(wsHost !== undefined ? { wsHost } : {}), ...(wsPort !== undefined ? { wsPort } : {}), forceTLS }
  const url = new URL(serverUrl)
  const tls = url.protocol === 'https:'
  return { wsHost: url.hostname, wsPort: url.port === '' ? (tls ? 443 : 80) : Number(url.port), forceTLS: tls }
}
