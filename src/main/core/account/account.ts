/**
 * A signed-in account: its cache, REST client, realtime supervisor, sync,
 * outbox, presence and typing — everything that exists only while someone is
 * signed in. The session creates one on sign-in (or at start from a saved
 * session) and disposes it on sign-out.
 *
 * The parts never call each other: each announces what happened on the
 * account's event hub (account-events.ts), and `wire` subscribes the
 * reactions once all of them exist. The core listens there too.
 */
import { randomUUID } from 'node:crypto'
import { editMessageRequestSchema, sendMessageRequestSchema, type User } from '../../../shared/api'
import type { HistoryBudget } from '../../../shared/settings'
import {
  ParleyError,
  type ChatConversation,
  type ChatMessage,
  type ChatUser,
  type ConnectionStatus,
  type ConversationCursor,
  type ConversationPage,
  type MessagePageResult,
  type SearchHit,
} from '../../../shared/ipc'
import { canonicalEmoji, resolveMentions } from '../../../shared/message-content'
import { CORE_MARKS, markOnce } from '../../../shared/perf-marks'
import { ApiClient, NetworkError } from '../api-client'
import { Attachments } from '../attachments/attachments'
import { fullJitterDelay } from '../backoff'
import { openCache } from '../cache'
import { isUnreadableCacheFile, setAsideCacheFile } from '../cache/database/set-aside'
import { clientIdOfKey } from '../cache/messages/message-row'
import type { NewPendingMessage } from '../cache/messages/unsent'
import type { ChangeRequest } from '../cache/outbox/queued-changes'
import type { Cache } from '../cache/types'
import type { CoreTiming } from '../core-api'
import { online, translate, translateError } from '../errors'
import { EventHub } from '../event-hub'
import type { CoreLog } from '../log'
import { LEFT_REASON, Outbox } from '../outbox/outbox'
import { Link } from '../realtime/link'
import { PresenceBook } from '../realtime/presence'
import { Supervisor } from '../realtime/supervisor'
import { Typing } from '../realtime/typing'
import { Eviction } from '../sync/eviction'
import { History } from '../sync/history'
import { Sync } from '../sync/sync'
import type { AccountEvents } from './account-events'
import { ConversationUpdates } from './conversation-updates'
import { GroupCalls } from './group-calls'
import { sendLegacyMutes } from './legacy-mutes'
import { MuteExpiry } from './mute-expiry'
import { PeopleCalls } from './people-calls'
import { searchServer } from './server-search'
import { conversationView, conversationViews, userView } from './views'

/** Account setting: the id of the conversation the window last showed. */
const LAST_OPEN_SETTING = 'lastOpenConversation'

export interface AccountOptions {
  serverUrl: string
  token: string
  user: User
  databasePath: string
  timing: CoreTiming
  now(): number
  random(): number
  log: CoreLog
  sendReadReceipts(): boolean
  /** The download cache's cap in bytes (settings). */
  downloadCacheBytes(): number
  /** How much older history the backfill fetches (settings; history.ts). */
  historyBudget(): HistoryBudget
  /** The most sent messages the cache keeps; null: no cap (settings; eviction.ts). */
  cacheMessageCap(): number | null
}

/** Older pages one scroll-back may fetch (each up to OLDER_PAGE messages: a page the window asks for is at most LIMITS.pageMax). */
const MAX_OLDER_PAGES = 4

/** After a failed sync on a live connection, try again after this long. */
const SYNC_RETRY_MS = 2_000

export class Account {
  readonly me: string
  /** What the parts tell each other and the core (account-events.ts). */
  readonly events = new EventHub<AccountEvents>()
  readonly cache: Cache
  readonly api: ApiClient
  readonly sync: Sync
  /** Older history: scroll-back fetches and the background backfill (history.ts). */
  readonly history: History
  /** The cache's size: older history let go again past the cap (eviction.ts). */
  readonly eviction: Eviction
  readonly outbox: Outbox
  readonly supervisor: Supervisor
  readonly presence: PresenceBook
  readonly typing: Typing
  /** Staging, uploads, downloads, thumbnails, media (attachments/). */
  readonly attachments: Attachments
  /** Managing conversations: mute, title, members, roles, leaving (group-calls.ts). */
  readonly groups: GroupCalls
  /** Blocks, my profile, password, devices, invites (people-calls.ts). */
  readonly people: PeopleCalls
  private readonly updates: ConversationUpdates
  private readonly muteExpiry: MuteExpiry
  private disposed = false
  private syncRetry: NodeJS.Timeout | null = null

  constructor(private readonly options: AccountOptions) {
    const { timing, log } = options
    const events = this.events
    this.me = options.user.id
    this.cache = this.openCacheOrStartOver()
    markOnce(performance, CORE_MARKS.cacheOpened)
    this.cache.upsertUsers([options.user])
    this.api = new ApiClient({ baseUrl: options.serverUrl, token: options.token, onUnauthorized: () => events.emit('unauthorized', undefined) })
    this.presence = new PresenceBook(options.now)
    this.updates = new ConversationUpdates(this.cache, this.me, events, options.now)
    this.muteExpiry = new MuteExpiry({ cache: this.cache, now: options.now, onExpired: (ids) => this.updates.send(ids) })
    this.attachments = new Attachments({
      cache: this.cache,
      api: this.api,
      databasePath: options.databasePath,
      onTransfers: (transfers) => events.emit('transfers', transfers),
      onFilesChanged: (ids) => this.filesChanged(ids),
      downloadCacheBytes: options.downloadCacheBytes,
      now: options.now,
      log: log.child({ module: 'attachments' }),
    })

    this.sync = new Sync({
      cache: this.cache,
      api: this.api,
      me: this.me,
      onNewConversations: (ids) => events.emit('conversationsAdded', ids),
      onRemoved: (conversationId) => events.emit('conversationRemoved', conversationId),
      onConversationsChanged: (ids) => events.emit('conversationsChanged', ids),
      onMessagesChanged: (conversationId, messages) => events.emit('messages', { conversationId, messages }),
      onIncoming: (messages) => events.emit('incoming', messages),
      onUnknownUsers: (ids) => events.emit('unknownUsers', ids),
      fillRetryDelayMs: (attempt) => Math.max(1, fullJitterDelay(attempt, timing.backoffBaseMs, timing.backoffCapMs, options.random)),
      latestPage: timing.latestPageSize,
      log: log.child({ module: 'sync' }),
    })
    this.history = new History({
      cache: this.cache,
      api: this.api,
      sync: this.sync,
      budget: () => options.historyBudget(),
      retryDelayMs: (attempt) => Math.max(1, fullJitterDelay(attempt, timing.backoffBaseMs, timing.backoffCapMs, options.random)),
      pageSize: timing.olderPageSize,
      now: options.now,
      onBackfilled: () => void this.eviction.run(),
      log: log.child({ module: 'history' }),
    })
    this.eviction = new Eviction({
      cache: this.cache,
      budget: () => options.historyBudget(),
      cap: () => options.cacheMessageCap(),
      focused: () => this.sync.focused,
      busy: () => this.sync.busy || this.history.busy,
      now: options.now,
      log: log.child({ module: 'eviction' }),
    })

    this.outbox = new Outbox({
      cache: this.cache,
      api: this.api,
      me: this.me,
      onSent: (message) => events.emit('sent', message),
      onFailed: (conversationId, clientId) => events.emit('failed', { conversationId, clientId }),
      onChanged: (message) => events.emit('changed', message),
      onChangeRefused: (item, error, message) => {
        if (message) events.emit('messages', { conversationId: item.conversationId, messages: [message] })
        events.emit('changeRefused', {
          conversationId: item.conversationId,
          messageKey: item.messageKey,
          change: item.kind,
          code: error.code,
          message: error.message,
        })
        this.updates.send([item.conversationId])
        // The refusal may come from news the cache does not have yet (deleted elsewhere).
        this.sync.requestChanges(item.conversationId)
      },
      isLeft: (conversationId) => (this.cache.conversationCounters(conversationId)?.leftAt ?? null) !== null,
      uploads: this.attachments.uploads,
      baseDelayMs: timing.outboxBaseMs,
      capDelayMs: timing.outboxCapMs,
      deliveredDelayMs: timing.deliveredDelayMs,
      now: options.now,
      random: options.random,
      log: log.child({ module: 'outbox' }),
    })

    this.typing = new Typing({
      send: (conversationId, typing) => events.emit('typed', { conversationId, typing }),
      onChange: (conversationId, userIds) => events.emit('typing', { conversationId, userIds }),
      throttleMs: timing.typingThrottleMs,
      idleMs: timing.typingIdleMs,
      expiryMs: timing.typingExpiryMs,
      now: options.now,
    })

    this.supervisor = new Supervisor({
      createLink: ({ ready, lost }) => this.createLink(ready, lost),
      onStatus: (status) => events.emit('connection', status),
      onReady: (link) => events.emit('connected', link),
      onLost: () => events.emit('disconnected', undefined),
      backoffBaseMs: timing.backoffBaseMs,
      backoffCapMs: timing.backoffCapMs,
      wakeCheckMs: timing.wakeCheckMs,
      now: options.now,
      random: options.random,
      log: log.child({ module: 'realtime' }),
    })

    const connected = () => this.supervisor.status.state !== 'offline'
    const onlineCall = <T>(what: string, call: () => Promise<T>) => online(what, connected, call)
    this.groups = new GroupCalls({
      me: this.me,
      api: this.api,
      cache: this.cache,
      sync: this.sync,
      online: onlineCall,
      requireMember: (conversationId) => this.requireMember(conversationId),
      markLeft: (conversationId) => this.markLeft(conversationId),
      sendView: (conversationId) => {
        this.updates.send([conversationId])
        return this.conversationView(conversationId)
      },
    })
    this.people = new PeopleCalls({
      me: this.me,
      api: this.api,
      cache: this.cache,
      online: onlineCall,
      usersById: (ids) => this.usersById(ids),
      emitUsers: (ids) => this.emitUsers(ids),
      onProfile: (user) => events.emit('profile', user),
    })

    this.wire()
  }

  /** A file was downloaded or left the cache: its message's view (downloaded, fileUrl) goes to the renderer again. */
  private filesChanged(attachmentIds: readonly string[]): void {
    const byConversation = new Map<string, Map<string, ChatMessage>>()
    for (const id of attachmentIds) {
      const attachment = this.cache.attachment(id)
      if (attachment === null) continue
      const view = this.cache.messageByKey(attachment.conversationId, attachment.messageKey)
      if (view === null) continue
      let views = byConversation.get(attachment.conversationId)
      if (views === undefined) byConversation.set(attachment.conversationId, (views = new Map()))
      views.set(view.key, view)
    }
    for (const [conversationId, views] of byConversation) this.events.emit('messages', { conversationId, messages: [...views.values()] })
  }

  /** Each part's reactions to the others' events, subscribed once every part exists. */
  private wire(): void {
    const { events, cache, sync, supervisor, presence, typing, updates } = this
    events.on('conversationsAdded', (ids) => ids.forEach((id) => supervisor.activeLink?.subscribeConversation(id)))
    events.on('conversationsChanged', (ids) => updates.changedBySync(ids))
    events.on('conversationRemoved', (conversationId) => this.markLeft(conversationId))
    // Views went out: the earliest mute still to pass may have changed.
    events.on('conversations', () => this.muteExpiry.schedule())
    events.on('incoming', (messages) => this.incoming(messages))
    events.on('unknownUsers', (ids) => void this.fetchUsers(ids))
    events.on('sent', (message) => {
      sync.receive(message, 'fetch')
      // Its files have just moved into the download cache: a copy stored earlier (by realtime) showed them not downloaded.
      if (message.attachments.length > 0) {
        const view = cache.messageByKey(message.conversationId, `${message.senderId}:${message.clientId}`)
        if (view !== null && view.seq !== null) events.emit('messages', { conversationId: message.conversationId, messages: [view] })
      }
    })
    // A send held until the sync stored its copy (beyond a hole) lets what follows it go.
    events.on('messages', ({ conversationId }) => this.outbox.stored(conversationId))
    events.on('changed', (message) => sync.receive(message, 'fetch'))
    events.on('failed', ({ conversationId, clientId }) => {
      const message = cache.ownMessage(conversationId, clientId)
      if (message) events.emit('messages', { conversationId, messages: [message] })
      updates.send([conversationId])
    })
    events.on('connected', (link) => this.connected(link))
    events.on('disconnected', () => this.disconnected())
    events.on('userEvent', ({ event, data }) => sync.handleUserEvent(event, data))
    events.on('presence', ({ conversationId, change }) => {
      const flipped = presence.apply(conversationId, change)
      if (flipped.length > 0) this.emitUsers(flipped)
    })
    events.on('typingReceived', ({ conversationId, userId, typing: isTyping }) => {
      if (userId !== this.me) typing.received(conversationId, userId, isTyping)
    })
    events.on('typed', ({ conversationId, typing: isTyping }) => supervisor.activeLink?.sendTyping(conversationId, isTyping))
  }

  /**
   * Start the account's work. `hold`: the realtime link (and so the first
   * sync) waits until it settles — a start from a saved sign-in lets the
   * window paint the cache first (design §7.4); the outbox goes at once.
   */
  start(hold?: Promise<unknown>): void {
    this.muteExpiry.schedule()
    this.supervisor.start(hold)
    this.outbox.kick()
    void this.attachments.start()
  }

  private createLink(ready: () => void, lost: (reason: string) => void): Link {
    const { events } = this
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
        onUserEvent: (event, data) => events.emit('userEvent', { event, data }),
        onPresence: (conversationId, change) => events.emit('presence', { conversationId, change }),
        onTyping: (conversationId, userId, typing) => events.emit('typingReceived', { conversationId, userId, typing }),
      },
    })
  }

  /** The account's cache; a file this build cannot read is set aside and a fresh one filled by sync (set-aside.ts). */
  private openCacheOrStartOver(): Cache {
    const { databasePath: path, user, log, now } = this.options
    const open = () => openCache({ path, me: user.id })
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
    markOnce(performance, CORE_MARKS.connected)
    for (const conversation of this.cache.conversations()) if (conversation.leftAt === null) link.subscribeConversation(conversation.id)
    this.outbox.retryAll()
    void this.syncNow(link)
  }

  private async syncNow(link: Link): Promise<void> {
    try {
      await this.sync.syncAll()
      markOnce(performance, CORE_MARKS.synced)
      // Conversations that appeared during the sync get their presence channel now.
      const conversations = this.cache.conversations()
      // Older history in the background, newest activity first (the open conversation before them).
      const open = this.sync.focused
      this.history.backfill([...(open === null ? [] : [open]), ...conversations.filter((c) => c.leftAt === null && c.id !== open).map((c) => c.id)])
      for (const conversation of conversations) if (conversation.leftAt === null) link.subscribeConversation(conversation.id)
      // Profiles were fetched once, when first met: their "last seen" is as old as that,
      // and while we were away (app closed, offline) contacts came and went unseen.
      const contacts = new Set(conversations.flatMap((conversation) => conversation.memberIds))
      contacts.delete(this.me)
      if (contacts.size > 0) void this.fetchUsers([...contacts])
      void this.afterSync()
    } catch (err) {
      if (this.disposed || this.supervisor.activeLink !== link) return
      this.options.log.warn({ err: String(err) }, 'sync failed; retrying while connected')
      this.syncRetry = setTimeout(() => {
        if (this.supervisor.activeLink === link) void this.syncNow(link)
      }, SYNC_RETRY_MS)
    }
  }

  /**
   * What no event tells: my profile (a name changed on another device, admin
   * given on the server), whom I blocked elsewhere, and mutes of before issue
   * 19 still to send (legacy-mutes.ts). Each failure waits for the next sync.
   */
  private async afterSync(): Promise<void> {
    const log = this.options.log
    await this.people.refreshProfile().catch((err: unknown) => this.disposed || log.warn({ err: String(err) }, 'could not refresh my profile'))
    await this.people.refreshBlocked().catch((err: unknown) => this.disposed || log.warn({ err: String(err) }, 'could not refresh the blocked list'))
    if (this.disposed) return
    await sendLegacyMutes(this.cache, this.api, (conversation) => {
      this.sync.applyConversations([conversation])
      this.updates.send([conversation.id])
    }).catch((err: unknown) => this.disposed || log.warn({ err: String(err) }, 'could not send the local mutes to the server'))
  }

  /**
   * I am no longer a member (removed, or I left): the history stays,
   * readable; its presence channel and typing stop, and whatever is queued
   * for it fails for good (outbox.ts `failConversation`). Idempotent.
   */
  markLeft(conversationId: string): void {
    const conversation = this.cache.conversation(conversationId)
    if (conversation === null || this.disposed) return
    if (conversation.leftAt === null) this.cache.setLeft(conversationId, this.options.now())
    this.supervisor.activeLink?.unsubscribeConversation(conversationId)
    const flipped = this.presence.apply(conversationId, { type: 'snapshot', userIds: [] })
    if (flipped.length > 0) this.emitUsers(flipped)
    this.typing.forget(conversationId)
    this.outbox.failConversation(conversationId, LEFT_REASON)
    this.updates.send([conversationId])
  }

  /** A conversation I may write to: `not_found` when unknown, `left` when I am no longer a member. */
  requireMember(conversationId: string): void {
    const conversation = this.cache.conversationCounters(conversationId)
    if (conversation === null) throw new ParleyError('not_found', 'No such conversation')
    if (conversation.leftAt !== null) throw new ParleyError('left', `${LEFT_REASON}: its history is read-only`)
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
      const own = this.cache.markerOf(conversationId, this.me)
      if (highest > own.deliveredSeq) {
        this.cache.applyMarker(conversationId, this.me, { readSeq: own.readSeq, deliveredSeq: highest })
        this.outbox.enqueueMarker(conversationId, 'delivered', highest)
      }
    }
    for (const message of messages) this.typing.received(message.conversationId, message.senderId, false)
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

  private emitUsers(ids: readonly string[]): void {
    this.events.emit('users', this.usersById(ids))
  }

  // -- calls -----------------------------------------------------------------

  get connection(): ConnectionStatus {
    return this.supervisor.status
  }

  /** Reconnect at once, and send what waits in the outbox. */
  retryNow(): ConnectionStatus {
    this.supervisor.retryNow()
    this.outbox.retryAll()
    return this.connection
  }

  /** Resumed from sleep, or the network came back: check the connection, and send what waits in the outbox. */
  wake(): void {
    this.checkConnection()
    this.outbox.retryAll()
  }

  /** Something about the network changed: ping now, reconnect if no answer comes (Supervisor.wake). */
  checkConnection(): void {
    void this.supervisor.wake()
  }

  listConversations(): ChatConversation[] {
    const now = this.options.now()
    const views = conversationViews(this.cache.conversations(), this.cache, this.me, now)
    markOnce(performance, CORE_MARKS.firstList)
    return views
  }

  /**
   * A page of the list (design §7.1): `limit` conversations after `after`,
   * and on the first page also those of `include` that are not on it (the
   * conversation the window reopens, wherever it is in the list).
   */
  listConversationPage(after: ConversationCursor | null, limit: number, include: readonly string[]): ConversationPage {
    const now = this.options.now()
    const page = this.cache.conversationPage(after, limit)
    const onPage = new Set(page.map((conversation) => conversation.id))
    const extra = after === null ? include.filter((id) => !onPage.has(id)).flatMap((id) => this.cache.conversation(id) ?? []) : []
    const views = conversationViews([...page, ...extra], this.cache, this.me, now)
    const last = page.at(-1)
    markOnce(performance, CORE_MARKS.firstList)
    return { conversations: views, next: page.length === limit && last !== undefined ? { lastActivityAt: last.lastActivityAt, id: last.id } : null }
  }

  conversationView(id: string): ChatConversation {
    const conversation = this.cache.conversation(id)
    if (conversation === null) throw new ParleyError('not_found', 'No such conversation')
    return conversationView(conversation, this.cache, this.me, this.options.now())
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

  /** The directory from the server; offline, the users we know from the cache. */
  async listUsers(query?: string): Promise<ChatUser[]> {
    try {
      const users = await this.api.users(query ? { q: query } : {})
      this.cache.upsertUsers(users)
      const blocked = this.cache.blockedIds()
      return users.map((user): ChatUser => {
        const known = userView({ ...user, lastSeenAt: user.lastSeenAt ?? null, blocked: blocked.has(user.id) }, this.presence)
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

  /**
   * A page of the cache: the latest (no seq given), the one before `beforeSeq` or the one after
   * `afterSeq` (the schema lets only one through). Both flags say what lies beyond the page.
   */
  loadMessages(conversationId: string, page: { beforeSeq?: number; afterSeq?: number; limit: number }): MessagePageResult {
    this.conversationView(conversationId)
    const { beforeSeq, afterSeq, limit } = page
    const messages = this.cache.messages(conversationId, {
      ...(beforeSeq !== undefined ? { beforeSeq } : afterSeq !== undefined ? { afterSeq } : {}),
      limit,
    })
    let lowest: number | null = null
    let highest: number | null = null
    for (const message of messages) {
      if (message.seq === null) continue
      lowest ??= message.seq
      highest = message.seq
    }
    // The cache holds a gapless run from seq 1: older messages exist exactly when the page starts above 1.
    const hasMoreBefore =
      lowest !== null
        ? lowest > 1
        : afterSeq !== undefined && beforeSeq === undefined
          ? (this.cache.lowestSeq(conversationId) ?? afterSeq + 1) <= afterSeq
          : (this.cache.lowestSeq(conversationId) ?? 1) > 1
    // Newer ones exist when the cache holds a seq above the page's newest (the latest page never has any).
    const top = highest ?? (beforeSeq !== undefined ? beforeSeq - 1 : afterSeq)
    const hasMoreAfter = top !== undefined && this.cache.highestSeq(conversationId) > top
    markOnce(performance, CORE_MARKS.firstMessages)
    return { messages, hasMoreBefore, hasMoreAfter }
  }

  /**
   * Before a page of `limit` messages older than `beforeSeq` is read from
   * the cache: fetch older pages from the server while the cache holds fewer
   * than that and the server has more (history.ts). Offline, what is cached
   * is served; with nothing cached before `beforeSeq`, the call fails with
   * the network error (the window offers to try again).
   */
  async ensureOlder(conversationId: string, beforeSeq: number, limit: number): Promise<void> {
    for (let pages = 0; pages < MAX_OLDER_PAGES; pages++) {
      const lowest = this.cache.lowestSeq(conversationId)
      if (lowest === null || lowest <= 1 || beforeSeq - lowest >= limit) return
      try {
        if (!(await this.history.older(conversationId))) return
        // Past the budget, perhaps: the cache's size is looked at once the user stops scrolling back.
        this.eviction.later()
      } catch (err) {
        if (beforeSeq > lowest) return
        throw translateError(err)
      }
    }
  }

  /** A pending message (and its outbox row) with its staged files, which move from the composer into the outbox. */
  sendMessage(conversationId: string, body: string, replyToKey?: string, stagedIds: readonly string[] = []): ChatMessage {
    this.requireMember(conversationId)
    const clientId = randomUUID()
    const files = this.attachments.staging.peek(conversationId, stagedIds)
    const parsed = sendMessageRequestSchema.safeParse({ clientId, body, ...(stagedIds.length > 0 ? { attachmentIds: [...stagedIds] } : {}) })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid message')
    const message = this.cache.addPending({
      conversationId,
      senderId: this.me,
      clientId,
      body: parsed.data.body,
      createdAt: this.options.now(),
      mentions: resolveMentions(parsed.data.body, this.members(conversationId)),
      ...(replyToKey !== undefined ? { replyTo: this.replyTarget(conversationId, replyToKey) } : {}),
      ...(files.length > 0
        ? { attachments: files.map(({ stagedId, path, name, size, mime, width, height }) => ({ stagedId, path, name, size, mime, width, height })) }
        : {}),
    })
    this.attachments.staging.release(stagedIds)
    this.typing.setTyping(conversationId, false)
    this.events.emit('messages', { conversationId, messages: [message] })
    this.updates.send([conversationId])
    this.outbox.kick()
    return message
  }

  /** What a reply refers to: a sent message by seq, or my own unsent one (sent before the reply, in order). */
  private replyTarget(conversationId: string, key: string): NewPendingMessage['replyTo'] {
    const original = this.cache.messageByKey(conversationId, key)
    if (original === null) throw new ParleyError('not_found', 'No such message to reply to')
    if (original.deletedAt !== null) throw new ParleyError('conflict', 'This message was deleted')
    if (original.seq !== null) return { seq: original.seq }
    if (original.state === 'failed') throw new ParleyError('conflict', 'That message was not sent: send it again first')
    return { clientId: clientIdOfKey(original.key) }
  }

  /** The members of a conversation with their usernames, for mentions. */
  private members(conversationId: string): { id: string; username: string }[] {
    const memberIds = this.cache.conversation(conversationId)?.memberIds ?? []
    return this.cache.users(memberIds).map((user) => ({ id: user.id, username: user.username }))
  }

  retryMessage(conversationId: string, clientId: string): ChatMessage {
    this.requireMember(conversationId)
    const message = this.cache.retryFailed(conversationId, clientId)
    if (message === null) throw new ParleyError('not_found', 'No failed message to retry')
    this.events.emit('messages', { conversationId, messages: [message] })
    this.outbox.kick()
    return message
  }

  /** Remove a message of mine that never reached the server (and anything queued for it, and its files' copies). */
  async discardMessage(conversationId: string, clientId: string): Promise<void> {
    // A pending one races its post (the server may get it after all: the sync then brings it back).
    await this.outbox.withhold(conversationId, clientId)
    try {
      await this.removeUnsent(conversationId, clientId, 'Only unsent messages can be discarded')
    } finally {
      this.outbox.release(conversationId, clientId)
    }
  }

  /**
   * Cancel a message of mine before it is posted — uploading its files or
   * waiting its turn: it, its outbox row and its files' copies go. Once its
   * post is on its way it can no longer be taken back (the server may
   * already have it): refused, and nothing changes.
   */
  async cancelSend(conversationId: string, clientId: string): Promise<void> {
    const message = this.cache.ownMessage(conversationId, clientId)
    if (message === null || message.state === 'sent') throw new ParleyError('not_found', 'Only messages not sent yet can be cancelled')
    if (!(await this.outbox.withhold(conversationId, clientId))) {
      throw new ParleyError('conflict', 'This message is being delivered right now and can no longer be cancelled')
    }
    try {
      await this.removeUnsent(conversationId, clientId, 'Only messages not sent yet can be cancelled')
    } finally {
      this.outbox.release(conversationId, clientId)
    }
  }

  /** Delete an unsent message (its outbox rows go with it) and, after, its files' copies. */
  private async removeUnsent(conversationId: string, clientId: string, notFound: string): Promise<void> {
    const message = this.cache.ownMessage(conversationId, clientId)
    const files = this.cache.outboxFiles(conversationId, clientId)
    if (message === null || !this.cache.deleteUnsent(conversationId, clientId)) throw new ParleyError('not_found', notFound)
    this.events.emit('messagesRemoved', { conversationId, keys: [message.key] })
    this.updates.send([conversationId])
    await this.attachments.deleteCopies(files)
  }

  editMessage(conversationId: string, key: string, body: string): ChatMessage {
    const parsed = editMessageRequestSchema.safeParse({ body })
    if (!parsed.success) throw new ParleyError('bad_request', parsed.error.issues[0]?.message ?? 'Invalid message')
    return this.queueChange(conversationId, key, { kind: 'edit', body: parsed.data.body })
  }

  deleteForEveryone(conversationId: string, key: string): ChatMessage {
    return this.queueChange(conversationId, key, { kind: 'delete' })
  }

  setReaction(conversationId: string, key: string, emoji: string, on: boolean): ChatMessage {
    const canonical = canonicalEmoji(emoji)
    if (canonical === null) throw new ParleyError('bad_request', 'A reaction is exactly one emoji')
    return this.queueChange(conversationId, key, { kind: 'reaction', emoji: canonical, on })
  }

  /** Queue a change in the outbox (durable, coalesced) and show it at once. */
  private queueChange(conversationId: string, key: string, change: ChangeRequest): ChatMessage {
    this.requireMember(conversationId)
    const result = this.cache.queueChange(conversationId, key, change, this.options.now())
    if (!result.ok) throw new ParleyError(result.code, result.message)
    this.events.emit('messages', { conversationId, messages: [result.message] })
    this.updates.send([conversationId])
    this.outbox.kick()
    return result.message
  }

  /**
   * The renderer saw everything up to `seq` (focused window, visible document,
   * conversation open). Never beyond what is cached: nobody has seen that.
   */
  markRead(conversationId: string, seq: number): void {
    this.requireMember(conversationId)
    const target = Math.min(seq, this.cache.highestSeq(conversationId))
    const own = this.cache.markerOf(conversationId, this.me)
    if (target <= own.readSeq) return
    this.cache.applyMarker(conversationId, this.me, { readSeq: target, deliveredSeq: Math.max(own.deliveredSeq, target) })
    if (this.options.sendReadReceipts()) this.outbox.enqueueMarker(conversationId, 'read', target)
    this.updates.send([conversationId])
  }

  setTyping(conversationId: string, typing: boolean): void {
    this.requireMember(conversationId)
    this.typing.setTyping(conversationId, typing)
  }

  search(query: string, limit: number): Promise<SearchHit[]> {
    return this.cache.search(query, limit)
  }

  /** GET /api/search for what the cache does not hold (server-search.ts); `offline` with no connection. */
  searchServer(query: string, limit: number): Promise<SearchHit[]> {
    return searchServer({ cache: this.cache, api: this.api, connection: () => this.supervisor.status.state }, query, limit)
  }

  totalUnread(): number {
    return this.cache.totalUnread(this.options.now())
  }

  /** The composer's unsent text of a conversation ('' when none). */
  draft(conversationId: string): string {
    return this.cache.draft(conversationId)
  }

  setDraft(conversationId: string, text: string): void {
    this.conversationView(conversationId)
    this.cache.setDraft(conversationId, text, this.options.now())
  }

  /** The conversation the window last showed (a restart reopens it), if it is still cached. */
  lastOpenConversation(): string | null {
    const id = this.cache.getSetting(LAST_OPEN_SETTING)
    return typeof id === 'string' && this.cache.conversation(id) !== null ? id : null
  }

  rememberOpenConversation(conversationId: string | null): void {
    if (this.disposed || this.cache.getSetting(LAST_OPEN_SETTING) === conversationId) return
    this.cache.setSetting(LAST_OPEN_SETTING, conversationId ?? undefined)
  }

  /** Disposed (signed out, or the app quitting): its cache is closed. */
  get isDisposed(): boolean {
    return this.disposed
  }

  async dispose(): Promise<void> {
    if (this.disposed) return
    this.disposed = true
    if (this.syncRetry) clearTimeout(this.syncRetry)
    this.updates.stop()
    this.history.stop()
    this.eviction.stop()
    this.muteExpiry.stop()
    // Stop everything that writes to the cache, wait for what is in flight, then close it.
    this.supervisor.stop()
    this.typing.dispose()
    await this.outbox.stop()
    this.attachments.dispose()
    await this.sync.stop().catch(() => undefined)
    this.cache.close()
  }
}
