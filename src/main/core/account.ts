/**
 * A signed-in account: its cache, REST client, realtime supervisor, sync,
 * outbox, presence and typing — everything that exists only while someone is
 * signed in. The Core creates one on sign-in (or at start from a saved
 * session) and disposes it on sign-out.
 */
import { randomUUID } from 'node:crypto'
import { sendMessageRequestSchema, type User } from '../../shared/api'
import {
  ParleyError,
  type ChatConversation,
  type ChatMessage,
  type ChatUser,
  type ConnectionStatus,
  type IpcEvents,
  type MessagePageResult,
  type SearchHit,
} from '../../shared/ipc'
import { ApiClient, HttpError, NetworkError } from './api-client'
import { fullJitterDelay } from './backoff'
import { openCache } from './cache'
import { isUnreadableCacheFile, setAsideCacheFile } from './cache/set-aside'
import type { Cache } from './cache/types'
import type { CoreTiming } from './core-api'
import type { CoreLog } from './log'
import { Outbox } from './outbox/outbox'
import { PresenceBook } from './presence'
import { Link } from './realtime/link'
import { Supervisor } from './realtime/supervisor'
import { Sync } from './sync/sync'
import { Typing } from './typing'
import { conversationView, userView } from './views'

export interface AccountOptions {
  serverUrl: string
  token: string
  user: User
  databasePath: string
  nativeBinding?: string
  timing: CoreTiming
  now(): number
  random(): number
  log: CoreLog
  emit<E extends keyof IpcEvents>(event: E, payload: IpcEvents[E]): void
  /** Messages from others arrived (the core decides about notifications). */
  onIncoming(messages: ChatMessage[]): void
  /** Unread totals may have changed. */
  onUnreadChanged(): void
  /** The server no longer accepts our token. */
  onUnauthorized(): void
  sendReadReceipts(): boolean
}

/** After a failed sync on a live connection, try again after this long. */
const SYNC_RETRY_MS = 2_000

/**
 * While sync keeps writing (a page every few ms when catching up), updated
 * conversation views and the unread badge go out at most this often — the
 * first at once, the rest together at the end of the interval. Each emit
 * reads every changed conversation's unread count and last message, and
 * re-renders the list: per page, that was a tenth of a catch-up's time.
 */
const SYNC_VIEWS_INTERVAL_MS = 50

export class Account {
  readonly me: string
  readonly cache: Cache
  readonly api: ApiClient
  readonly sync: Sync
  readonly outbox: Outbox
  readonly supervisor: Supervisor
  readonly presence: PresenceBook
  readonly typing: Typing
  private disposed = false
  private syncRetry: NodeJS.Timeout | null = null
  /** Conversations sync changed whose views have not gone out yet, and when they go. */
  private readonly changedViews = new Set<string>()
  private viewsTimer: NodeJS.Timeout | null = null
  private viewsSentAt = Number.NEGATIVE_INFINITY

  constructor(private readonly options: AccountOptions) {
    const { timing, log, emit } = options
    this.me = options.user.id
    this.cache = this.openCacheOrStartOver()
    this.cache.upsertUsers([options.user])
    this.api = new ApiClient({ baseUrl: options.serverUrl, token: options.token, onUnauthorized: options.onUnauthorized })
    this.presence = new PresenceBook(options.now)

    this.sync = new Sync({
      cache: this.cache,
      api: this.api,
      me: this.me,
      onNewConversations: (ids) => ids.forEach((id) => this.supervisor.activeLink?.subscribeConversation(id)),
      onConversationsChanged: (ids) => this.conversationsChangedBySync(ids),
      onMessagesChanged: (conversationId, messages) => emit('messages', { conversationId, messages }),
      onIncoming: (messages) => this.incoming(messages),
      onUnknownUsers: (ids) => void this.fetchUsers(ids),
      fillRetryDelayMs: (attempt) => Math.max(1, fullJitterDelay(attempt, timing.backoffBaseMs, timing.backoffCapMs, options.random)),
      log: log.child({ module: 'sync' }),
    })

    this.outbox = new Outbox({
      cache: this.cache,
      api: this.api,
      onSent: (message) => this.sync.ingest([message], 'fetch'),
      onFailed: (conversationId, clientId) => {
        const message = this.cache.ownMessage(conversationId, clientId)
        if (message) emit('messages', { conversationId, messages: [message] })
        this.emitConversations([conversationId])
      },
      baseDelayMs: timing.outboxBaseMs,
      capDelayMs: timing.outboxCapMs,
      deliveredDelayMs: timing.deliveredDelayMs,
      now: options.now,
      random: options.random,
      log: log.child({ module: 'outbox' }),
    })

    this.typing = new Typing({
      send: (conversationId, typing) => this.supervisor.activeLink?.sendTyping(conversationId, typing),
      onChange: (conversationId, userIds) => emit('typing', { conversationId, userIds }),
      throttleMs: timing.typingThrottleMs,
      idleMs: timing.typingIdleMs,
      expiryMs: timing.typingExpiryMs,
      now: options.now,
    })

    this.supervisor = new Supervisor({
      createLink: ({ ready, lost }) => this.createLink(ready, lost),
      onStatus: (status) => emit('connection', status),
      onReady: (link) => this.connected(link),
      onLost: () => this.disconnected(),
      backoffBaseMs: timing.backoffBaseMs,
      backoffCapMs: timing.backoffCapMs,
      wakeCheckMs: timing.wakeCheckMs,
      now: options.now,
      random: options.random,
      log: log.child({ module: 'realtime' }),
    })
  }

  start(): void {
    this.supervisor.start()
    this.outbox.kick()
  }

  private createLink(ready: () => void, lost: (reason: string) => void): Link {
    return new Link({
      loadConfig: () => this.api.config(),
      api: this.api,
      userId: this.me,
      pongTimeoutMs: this.options.timing.pongTimeoutMs,
      connectTimeoutMs: this.options.timing.connectTimeoutMs,
      subscribeRetryDelayMs: (attempt) =>
        Math.max(1, fullJitterDelay(attempt, this.options.timing.backoffBaseMs, this.options.timing.backoffCapMs, this.options.random)),
      handlers: {
        onReady: ready,
        onLost: lost,
        onUserEvent: (event, data) => this.sync.handleUserEvent(event, data),
        onPresence: (conversationId, change) => {
          const flipped = this.presence.apply(conversationId, change)
          if (flipped.length > 0) this.emitUsers(flipped)
        },
        onTyping: (conversationId, userId, typing) => {
          if (userId !== this.me) this.typing.received(conversationId, userId, typing)
        },
      },
    })
  }

  /** The account's cache; a file this build cannot read is set aside and a fresh one filled by sync (set-aside.ts). */
  private openCacheOrStartOver(): Cache {
    const { databasePath: path, user, nativeBinding, log, now } = this.options
    const open = () => openCache({ path, me: user.id, nativeBinding })
    try {
      return open()
    } catch (err) {
      if (!isUnreadableCacheFile(err)) throw err
      const aside = setAsideCacheFile(path, new Date(now()))
      log.warn({ err: String(err), setAside: aside }, 'the cache file could not be read: set aside, starting a fresh cache from the server')
      return open()
    }
  }

  private connected(link: Link): void {
    for (const conversation of this.cache.conversations()) link.subscribeConversation(conversation.id)
    this.outbox.retryAll()
    void this.syncNow(link)
  }

  private async syncNow(link: Link): Promise<void> {
    try {
      await this.sync.syncAll()
      // Conversations that appeared during the sync get their presence channel now.
      const conversations = this.cache.conversations()
      for (const conversation of conversations) link.subscribeConversation(conversation.id)
      // Profiles were fetched once, when first met: their "last seen" is as old as that,
      // and while we were away (app closed, offline) contacts came and went unseen.
      const contacts = new Set(conversations.flatMap((conversation) => conversation.memberIds))
      contacts.delete(this.me)
      if (contacts.size > 0) void this.fetchUsers([...contacts])
    } catch (err) {
      if (this.disposed || this.supervisor.activeLink !== link) return
      this.options.log.warn({ err: String(err) }, 'sync failed; retrying while connected')
      this.syncRetry = setTimeout(() => {
        if (this.supervisor.activeLink === link) void this.syncNow(link)
      }, SYNC_RETRY_MS)
    }
  }

  private disconnected(): void {
    const flipped = this.presence.clear()
    if (flipped.length > 0) this.emitUsers(flipped)
    this.typing.clearIncoming()
  }

  private incoming(messages: ChatMessage[]): void {
    const byConversation = new Set(messages.map((message) => message.conversationId))
    for (const conversationId of byConversation) {
      // Everything up to the highest cached seq is here: that is what "delivered" means.
      const highest = this.cache.highestSeq(conversationId)
      const own = this.cache.conversation(conversationId)?.markers[this.me]
      if (highest > (own?.deliveredSeq ?? 0)) {
        this.cache.applyMarker(conversationId, this.me, { readSeq: own?.readSeq ?? 0, deliveredSeq: highest })
        this.outbox.enqueueMarker(conversationId, 'delivered', highest)
      }
    }
    for (const message of messages) this.typing.received(message.conversationId, message.senderId, false)
    this.options.onIncoming(messages)
  }

  private async fetchUsers(ids: string[]): Promise<void> {
    try {
      for (let i = 0; i < ids.length; i += 200) {
        const users = await this.api.users({ ids: ids.slice(i, i + 200) })
        if (this.disposed) return
        this.cache.upsertUsers(users)
        this.emitUsers(users.map((user) => user.id))
      }
    } catch (err) {
      if (!this.disposed) this.options.log.warn({ err: String(err) }, 'could not fetch member profiles; the next sync retries')
    }
  }

  /** Sync's changes: views go out at once, or with the others at the end of the current interval. */
  private conversationsChangedBySync(ids: readonly string[]): void {
    for (const id of ids) this.changedViews.add(id)
    if (this.viewsTimer !== null || this.disposed) return
    const wait = this.viewsSentAt + SYNC_VIEWS_INTERVAL_MS - performance.now()
    if (wait <= 0) this.emitConversations([])
    else this.viewsTimer = setTimeout(() => this.emitConversations([]), wait)
  }

  /** Send the views of `ids` and of every conversation sync changed meanwhile, and the unread total. */
  private emitConversations(ids: readonly string[]): void {
    if (this.viewsTimer !== null) clearTimeout(this.viewsTimer)
    this.viewsTimer = null
    this.viewsSentAt = performance.now()
    for (const id of ids) this.changedViews.add(id)
    const views: ChatConversation[] = []
    for (const id of this.changedViews) {
      const conversation = this.cache.conversation(id)
      if (conversation) views.push(conversationView(conversation, this.cache, this.me))
    }
    this.changedViews.clear()
    if (views.length > 0) this.options.emit('conversations', views)
    this.options.onUnreadChanged()
  }

  private emitUsers(ids: readonly string[]): void {
    this.options.emit('users', this.usersById(ids))
  }

  // -- calls -----------------------------------------------------------------

  get connection(): ConnectionStatus {
    return this.supervisor.status
  }

  listConversations(): ChatConversation[] {
    return this.cache.conversations().map((conversation) => conversationView(conversation, this.cache, this.me))
  }

  conversationView(id: string): ChatConversation {
    const conversation = this.cache.conversation(id)
    if (conversation === null) throw new ParleyError('not_found', 'No such conversation')
    return conversationView(conversation, this.cache, this.me)
  }

  async createConversation(memberIds: string[], title?: string): Promise<ChatConversation> {
    const conversation = await translate(() =>
      this.api.createConversation({ memberIds, ...(title?.trim() ? { title: title.trim() } : {}) }),
    )
    this.sync.applyConversations([conversation])
    this.supervisor.activeLink?.subscribeConversation(conversation.id)
    if (conversation.lastSeq > 0) this.sync.requestFill(conversation.id)
    return this.conversationView(conversation.id)
  }

  setMuted(conversationId: string, muted: boolean): ChatConversation {
    this.conversationView(conversationId)
    this.cache.setMuted(conversationId, muted)
    this.emitConversations([conversationId])
    return this.conversationView(conversationId)
  }

  /** The directory from the server; offline, the users we know from the cache. */
  async listUsers(query?: string): Promise<ChatUser[]> {
    try {
      const users = await this.api.users(query ? { q: query } : {})
      this.cache.upsertUsers(users)
      return users.map((user): ChatUser => {
        const known = userView({ ...user, lastSeenAt: user.lastSeenAt ?? null }, this.presence)
        if (user.online === undefined && !known.online) return { ...known, presenceHidden: true }
        return { ...known, online: (user.online ?? false) || known.online }
      })
    } catch (err) {
      if (!(err instanceof NetworkError)) throw translateError(err)
      const q = query?.toLowerCase()
      return this.cache
        .users()
        .filter((user) => !q || user.username.toLowerCase().includes(q) || user.displayName.toLowerCase().includes(q))
        .map((user) => userView(user, this.presence))
    }
  }

  usersById(ids: readonly string[]): ChatUser[] {
    return this.cache.users(ids).map((user) => userView(user, this.presence))
  }

  loadMessages(conversationId: string, beforeSeq: number | undefined, limit: number): MessagePageResult {
    this.conversationView(conversationId)
    const messages = this.cache.messages(conversationId, { ...(beforeSeq !== undefined ? { beforeSeq } : {}), limit })
    const lowest = messages.find((message) => message.seq !== null)?.seq ?? null
    // The cache holds a gapless run from seq 1: older messages exist exactly when the page starts above 1.
    const hasMoreBefore = lowest !== null ? lowest > 1 : (this.cache.lowestSeq(conversationId) ?? 1) > 1
    return { messages, hasMoreBefore }
  }

  sendMessage(conversationId: string, body: string): ChatMessage {
    this.conversationView(conversationId)
    const clientId = randomUUID()
    const parsed = sendMessageRequestSchema.safeParse({ clientId, body })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid message')
    const message = this.cache.addPending({
      conversationId,
      senderId: this.me,
      clientId,
      body: parsed.data.body,
      createdAt: this.options.now(),
    })
    this.typing.setTyping(conversationId, false)
    this.options.emit('messages', { conversationId, messages: [message] })
    this.emitConversations([conversationId])
    this.outbox.kick()
    return message
  }

  retryMessage(conversationId: string, clientId: string): ChatMessage {
    const message = this.cache.retryFailed(conversationId, clientId)
    if (message === null) throw new ParleyError('not_found', 'No failed message to retry')
    this.options.emit('messages', { conversationId, messages: [message] })
    this.outbox.kick()
    return message
  }

  deleteMessage(conversationId: string, clientId: string): void {
    const message = this.cache.ownMessage(conversationId, clientId)
    if (message === null || !this.cache.deleteUnsent(conversationId, clientId)) {
      throw new ParleyError('not_found', 'Only unsent messages can be deleted')
    }
    this.options.emit('messagesRemoved', { conversationId, keys: [message.key] })
    this.emitConversations([conversationId])
  }

  /**
   * The renderer saw everything up to `seq` (focused window, visible document,
   * conversation open). Never beyond what is cached: nobody has seen that.
   */
  markRead(conversationId: string, seq: number): void {
    const conversation = this.cache.conversation(conversationId)
    if (conversation === null) throw new ParleyError('not_found', 'No such conversation')
    const target = Math.min(seq, this.cache.highestSeq(conversationId))
    const own = conversation.markers[this.me] ?? { readSeq: 0, deliveredSeq: 0 }
    if (target <= own.readSeq) return
    this.cache.applyMarker(conversationId, this.me, { readSeq: target, deliveredSeq: Math.max(own.deliveredSeq, target) })
    if (this.options.sendReadReceipts()) this.outbox.enqueueMarker(conversationId, 'read', target)
    this.emitConversations([conversationId])
  }

  setTyping(conversationId: string, typing: boolean): void {
    this.typing.setTyping(conversationId, typing)
  }

  search(query: string, limit: number): Promise<SearchHit[]> {
    return this.cache.search(query, limit)
  }

  totalUnread(): number {
    return this.cache.totalUnread()
  }

  /** Disposed (signed out, or the app quitting): its cache is closed. */
  get isDisposed(): boolean {
    return this.disposed
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    if (this.syncRetry) clearTimeout(this.syncRetry)
    if (this.viewsTimer) clearTimeout(this.viewsTimer)
    // Stop everything that writes to the cache, wait for what is in flight, then close it.
    this.supervisor.stop()
    this.typing.dispose()
    await this.outbox.stop()
    await this.sync.stop().catch(() => undefined)
    this.cache.close()
  }
}

/** REST failures → errors the renderer can show. */
export function translateError(err: unknown): ParleyError {
  if (err instanceof ParleyError) return err
  if (err instanceof NetworkError) return new ParleyError('unreachable', 'Cannot reach the server')
  if (err instanceof HttpError) return new ParleyError(err.code, err.message)
  return new ParleyError('internal', err instanceof Error ? err.message : String(err))
}

async function translate<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call()
  } catch (err) {
    throw translateError(err)
  }
}
