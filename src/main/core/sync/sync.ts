/**
 * Keeps the cache equal to the server's history.
 *
 * The invariant that makes "no message lost, none duplicated" easy to keep:
 * for each conversation the cache holds one contiguous range of messages,
 * from the lowest seq it holds to the highest (docs/design.md §7.1). A
 * message is only stored when it falls inside that range or extends it by
 * one (or is already in it); anything beyond a hole above it is not stored
 * but triggers a range fetch `after=<highest cached seq>`, which returns the
 * hole and what follows it; anything below the range is not stored either
 * (older history comes a page at a time, history.ts). A fetched page of
 * consecutive seqs that meets the range — or lands in a conversation with
 * nothing cached — is stored whole: the union stays one range. Storing is
 * idempotent (by seq, and by clientId for our own pending copies), so
 * realtime events, fetched pages and outbox answers may arrive in any order
 * and any number of times.
 *
 * After every (re)connect, once the private channel is subscribed — so no
 * event can fall between — the conversations are refreshed (the list page by
 * page, see `listConversations`) and each one is filled from its highest
 * cached seq, page by page — or, when nothing of it is cached yet, from its
 * latest page (LATEST_PAGE messages) and older pages down to my first unread
 * message: a first sign-in never downloads years of read history;
 * history.ts fetches older pages as the user scrolls back and in the
 * background — then brought up to date with the changes made to messages
 * meanwhile (edits, deletes, reactions: change-feed.ts).
 *
 * Changes go through the same path as new messages (`apply`): a message
 * already cached is replaced only by a higher rev, so a realtime event, a
 * changedAfter page and the outbox's answer may arrive in any order. Each
 * conversation's `lastRev` says the cache is up to date after
 * `changedAfter=lastRev`; a realtime event whose rev is the next one moves it
 * on, one that skips ahead fetches the changes between. A change to a
 * message below the range is dropped — not cached, nothing to change — and
 * noted for the older-page fetches in flight (`watchDrops`), so that a page
 * read by the server before that change and stored after it is fetched
 * again rather than stored stale (history.ts).
 */
import type { Conversation, Message, MessagePage } from '../../../shared/api'
import {
  conversationRemovedEventSchema,
  conversationUpsertEventSchema,
  Events,
  markerUpdatedEventSchema,
  messageCreatedEventSchema,
  messageUpdatedEventSchema,
} from '../../../shared/channels'
import type { ChatMessage } from '../../../shared/ipc'
import { HttpError, isRetryable, type ApiClient } from '../api-client'
import type { Cache } from '../cache/types'
import { ChangeFeed, type Listed } from './change-feed'
import { MembershipCheck } from './membership'
import { RetryTimers } from './retry-timers'

const PAGE = 200
/** Messages fetched for a conversation with nothing cached: its latest page (a screenful and more; `SyncDeps.latestPage`). */
export const LATEST_PAGE = 50
/** An older page fetched stale (a change to one of its messages dropped meanwhile: `watchDrops`) is fetched again at most this many times in a row. */
const MAX_REFETCH = 5
/** Conversations filled at once. */
const FILL_CONCURRENCY = 4
/** Page requests one conversation's fill keeps in flight (see `fill`). */
const FILL_AHEAD = 3
/** The same for the open conversation (`focus`): a sync fills it alone, first. */
const FOCUS_AHEAD = 6
/**
 * Fetched pages waiting to be stored go into the cache together, in one
 * transaction of at most this many messages (`store`). A transaction is one
 * uninterrupted stretch of the main thread (~50 µs a message: 1,000 made
 * stalls of 60–120 ms in bench:core weekend; 400 keep them near 20–40).
 */
const STORE_BATCH = 400
/** Storing stops for a turn of the event loop after this much work (`store`). */
const STORE_SLICE_MS = 8
/**
 * A sync holds the search index back for at most this long (`syncAll`): a
 * first sign-in to a large workspace may take longer, and the unindexed rows
 * that search reads one by one must not grow without bound meanwhile.
 */
export const INDEX_HOLD_MS = 30_000

/** A fetched page waiting to be stored. */
interface PendingStore {
  messages: readonly Message[]
  done(unstored: Message[]): void
  failed(err: unknown): void
}

interface Ahead {
  after: number
  page: Promise<MessagePage>
}

export interface SyncDeps {
  cache: Cache
  api: ApiClient
  me: string
  /** New conversations appeared, or ones I had left list me again (subscribe to their presence channels). */
  onNewConversations(ids: string[]): void
  /** I am no longer a member (`conversation.removed`, or the server's 404 after a listing left it out). */
  onRemoved(conversationId: string): void
  /** Conversations whose metadata, markers or messages changed. */
  onConversationsChanged(ids: string[]): void
  onMessagesChanged(conversationId: string, messages: ChatMessage[]): void
  /** Messages from others were stored (delivered markers, notifications, typing). */
  onIncoming(messages: ChatMessage[], source: 'realtime' | 'fetch'): void
  /** Member ids we know nothing about yet. */
  onUnknownUsers(ids: string[]): void
  /**
   * How long to wait before fetching again after the `attempt`-th failed range
   * fetch in a row (0-based) for one conversation (back-off with jitter).
   */
  fillRetryDelayMs(attempt: number): number
  /** Messages in the latest page of a conversation with nothing cached (default LATEST_PAGE). */
  latestPage?: number
  /** How long a sync holds the search index back at most (default INDEX_HOLD_MS). */
  indexHoldMs?: number
  log: { warn(obj: object, msg: string): void; debug(obj: object, msg: string): void }
}

export class Sync {
  /** Conversation id → the fill in progress. */
  private readonly fills = new Map<string, Promise<void>>()
  /** Fills asked for while one was running: run once more after it. */
  private readonly refills = new Set<string>()
  private idleWaiters: (() => void)[] = []
  /** Conversations whose last requested fill failed: failures in a row and the retry timer. */
  private readonly fillRetries = new RetryTimers((failures) => this.deps.fillRetryDelayMs(failures))
  private stopped = false
  /** The conversation the window shows (focus). */
  private focusedId: string | null = null
  /** The running sync's conversations still to catch up, in order (focus moves one to the front). */
  private queue: string[] | null = null
  /** Fetched pages waiting to be stored, in order of arrival (`store`). */
  private readonly stores: PendingStore[] = []
  private storing: NodeJS.Immediate | null = null
  /** Changes to cached messages (changedAfter pages). */
  private readonly changes: ChangeFeed
  /** Asks the server whether I am still a member (membership.ts). */
  private readonly membership: MembershipCheck
  /** Per conversation: the watches of the older-page fetches in flight, each noting the changes dropped below the range (`watchDrops`). */
  private readonly dropWatches = new Map<string, Set<Map<number, number>>>()

  constructor(private readonly deps: SyncDeps) {
    this.changes = new ChangeFeed({
      cache: deps.cache,
      api: deps.api,
      apply: (messages) => this.apply(messages, 'fetch'),
      fill: (conversationId) => this.fill(conversationId),
      retryDelayMs: deps.fillRetryDelayMs,
      log: deps.log,
    })
    this.membership = new MembershipCheck({
      api: deps.api,
      onStillMember: (conversation) => {
        this.applyConversations([conversation])
        this.requestFill(conversation.id)
      },
      onRemoved: (conversationId) => deps.onRemoved(conversationId),
      retryDelayMs: deps.fillRetryDelayMs,
      log: deps.log,
    })
  }

  /** No more writes to the cache; resolves when fetches in flight have settled. */
  async stop(): Promise<void> {
    this.stopped = true
    this.membership.stop()
    this.fillRetries.clearAll()
    await this.changes.stop()
    await this.whenIdle()
  }

  /** The conversation the window shows (null: none). */
  get focused(): string | null {
    return this.focusedId
  }

  /**
   * The conversation the window shows (null: none). A sync catches it up
   * first, and one asked for while a sync runs is next in its queue.
   */
  focus(conversationId: string | null): void {
    this.focusedId = conversationId
    if (conversationId === null || this.queue === null) return
    const at = this.queue.indexOf(conversationId)
    if (at > 0) this.queue.unshift(...this.queue.splice(at, 1))
  }

  /**
   * Refresh conversations, then fill each one from its highest cached seq and
   * fetch what changed since its lastRev. The open conversation (`focus`)
   * comes first: its own GET beside the listing, then its catch-up alone,
   * with more pages in flight; the rest after it, newest activity first.
   *
   * The search index waits meanwhile (for at most INDEX_HOLD_MS): between
   * pages, while a fetch is on the wire, it would otherwise index what the
   * last page stored, and the next page's answer would wait for its step.
   */
  async syncAll(): Promise<void> {
    const release = this.deps.cache.holdSearchIndex()
    const expiry = setTimeout(release, this.deps.indexHoldMs ?? INDEX_HOLD_MS)
    expiry.unref()
    try {
      await this.catchUpAll()
    } finally {
      clearTimeout(expiry)
      release()
    }
  }

  private async catchUpAll(): Promise<void> {
    const focused = this.focusedId
    const cached = focused === null ? null : this.deps.cache.conversation(focused)
    const first = cached != null && cached.leftAt === null ? this.catchUpFocused(cached.id) : Promise.resolve(false)
    const listed = await this.listConversations()
    // The rest wait for it; when it could not be caught up alone, its turn in the queue comes first (`focus`).
    const caughtUp = await first
    const queue = [...listed.keys()].filter((id) => !(caughtUp && id === focused))
    this.queue = queue
    this.focus(this.focusedId)
    const worker = async () => {
      for (let id = queue.shift(); id !== undefined && !this.stopped; id = queue.shift()) await this.changes.catchUp(id, listed.get(id))
    }
    try {
      await Promise.all(Array.from({ length: FILL_CONCURRENCY }, worker))
    } finally {
      if (this.queue === queue) this.queue = null
    }
  }

  /**
   * The open conversation's catch-up ahead of the rest: what the server says
   * of it now (one GET, beside the listing), then its fill and changes. True
   * when it is caught up; false when it could not be (its turn in the queue
   * then comes first).
   */
  private async catchUpFocused(conversationId: string): Promise<boolean> {
    try {
      const conversation = await this.deps.api.conversation(conversationId)
      if (this.stopped) return true
      this.applyConversations([conversation])
      await this.changes.catchUp(conversationId, { lastSeq: conversation.lastSeq, lastRev: conversation.lastRev })
      return true
    } catch (err) {
      this.deps.log.debug({ conversationId, err: String(err) }, 'the open conversation was not caught up first')
      return false
    }
  }

  /**
   * Fetch the conversation list page by page, each page applied as it
   * arrives; the ids newest activity first, for the fills.
   *
   * The pages are cut by (lastActivityAt, id). A conversation that gains
   * activity while they are fetched jumps from a page not fetched yet to the
   * top, and the listing never returns it. Its messages are safe anyway: the
   * private user channel is subscribed before the sync starts (Link's onReady,
   * then Account.connected), so the message.created that moved it arrives by
   * realtime. But that event carries the message, not the conversation: a
   * cache that did not know the conversation would hold its messages without
   * listing it, and one that did would keep the markers it had before we went
   * offline. So when the listing took more than one page, the top of the list
   * is read again. Whatever moved during the listing is there, above every
   * conversation listed unchanged: its activity is the server's clock at the
   * send, which came after the page before its jump was fetched, and nothing
   * listed unchanged is newer than that fetch (the pages after it hold only
   * older activity). This second pass stops at the page that reaches below
   * the activity of the first unchanged conversation it meets (ties in that
   * millisecond included) — almost always its first page. (With several
   * server nodes, clocks that disagree by a few ms could rank a moved
   * conversation just below that one; the rest of that page covers it.)
   *
   * A cached conversation (not left) that the whole listing did not hold may
   * be one I was removed from meanwhile: the server is asked (membership.ts).
   */
  private async listConversations(): Promise<Map<string, Listed>> {
    const members = this.deps.cache.conversations().filter((conversation) => conversation.leftAt === null)
    const fetchPage = async (cursor: string | undefined) => {
      const page = await this.deps.api.conversationPage(cursor === undefined ? {} : { cursor })
      this.applyConversations(page.conversations)
      return page
    }
    /** Conversation id → its lastActivityAt as listed. */
    const listed = new Map<string, number>()
    /** Conversation id → its counters as last listed, in the order of the fills. */
    const counters = new Map<string, Listed>()
    const count = (conversation: Conversation) => counters.set(conversation.id, { lastSeq: conversation.lastSeq, lastRev: conversation.lastRev })
    let pages = 0
    for (let cursor: string | undefined; ; ) {
      const page = await fetchPage(cursor)
      pages++
      for (const conversation of page.conversations) {
        listed.set(conversation.id, conversation.lastActivityAt)
        count(conversation)
      }
      if (page.nextCursor === null || this.stopped) break
      cursor = page.nextCursor
    }
    if (!this.stopped) for (const { id } of members) if (!listed.has(id)) this.membership.check(id)
    // One page is one query: nothing can fall between pages.
    if (pages === 1 || this.stopped) return counters

    const moved: string[] = []
    let floor = Number.POSITIVE_INFINITY
    for (let cursor: string | undefined; ; ) {
      const page = await fetchPage(cursor)
      for (const conversation of page.conversations) {
        if (listed.get(conversation.id) !== conversation.lastActivityAt) moved.push(conversation.id)
        else if (floor === Number.POSITIVE_INFINITY) floor = conversation.lastActivityAt
        count(conversation)
      }
      const lowest = page.conversations.at(-1)?.lastActivityAt ?? Number.NEGATIVE_INFINITY
      if (page.nextCursor === null || lowest < floor || this.stopped) break
      cursor = page.nextCursor
    }
    const ordered = new Map<string, Listed>()
    for (const id of [...moved, ...listed.keys()]) ordered.set(id, counters.get(id) as Listed)
    return ordered
  }

  applyConversations(conversations: readonly Conversation[]): void {
    if (this.stopped) return
    const { cache } = this.deps
    // New to the cache, or left and listing me again (re-added): their presence channels are wanted.
    const fresh = conversations.filter((conversation) => {
      const cached = cache.conversationCounters(conversation.id)
      return cached === null || (cached.leftAt !== null && conversation.memberIds.includes(this.deps.me))
    })
    // A listing that repeats what the cache holds changes no view: only the changed ones go out.
    const changed = cache.upsertConversations(conversations)
    const known = new Set(cache.users().map((user) => user.id))
    const unknown = [...new Set(conversations.flatMap((c) => c.memberIds))].filter((id) => !known.has(id))
    if (unknown.length > 0) this.deps.onUnknownUsers(unknown)
    if (fresh.length > 0) this.deps.onNewConversations(fresh.map((c) => c.id))
    if (changed.length > 0) this.deps.onConversationsChanged(changed)
  }

  /** An event from the private user channel. Malformed ones are logged and ignored. */
  handleUserEvent(event: string, data: unknown): void {
    if (this.stopped) return
    if (event === Events.messageCreated) {
      const parsed = messageCreatedEventSchema.safeParse(data)
      if (!parsed.success) return this.deps.log.warn({ event }, 'ignoring a malformed realtime event')
      const { message } = parsed.data
      if (message.body === undefined) {
        // Too large for an event: fetch it (and anything before it we miss).
        this.requestFill(message.conversationId)
        return
      }
      this.receive({ ...message, body: message.body }, 'realtime')
      return
    }
    if (event === Events.messageUpdated) {
      const parsed = messageUpdatedEventSchema.safeParse(data)
      if (!parsed.success) return this.deps.log.warn({ event }, 'ignoring a malformed realtime event')
      const { message } = parsed.data
      // Too large for an event: the changes fetch brings it.
      if (message.body === undefined) this.changes.request(message.conversationId)
      else this.receive({ ...message, body: message.body }, 'realtime')
      return
    }
    if (event === Events.conversationUpsert) {
      const parsed = conversationUpsertEventSchema.safeParse(data)
      if (!parsed.success) return this.deps.log.warn({ event }, 'ignoring a malformed realtime event')
      const { lastMessage, ...conversation } = parsed.data.conversation
      this.applyConversations([{ ...conversation, lastMessage: null }])
      if (lastMessage) {
        if (lastMessage.body === undefined) this.requestFill(conversation.id)
        else this.receive({ ...lastMessage, body: lastMessage.body }, 'realtime')
      }
      this.requestFill(conversation.id)
      return
    }
    if (event === Events.conversationRemoved) {
      const parsed = conversationRemovedEventSchema.safeParse(data)
      if (!parsed.success) return this.deps.log.warn({ event }, 'ignoring a malformed realtime event')
      this.deps.onRemoved(parsed.data.conversationId)
      return
    }
    if (event === Events.markerUpdated) {
      const parsed = markerUpdatedEventSchema.safeParse(data)
      if (!parsed.success) return this.deps.log.warn({ event }, 'ignoring a malformed realtime event')
      const { conversationId, userId, readSeq, deliveredSeq } = parsed.data
      if (this.deps.cache.applyMarker(conversationId, userId, { readSeq, deliveredSeq })) {
        this.deps.onConversationsChanged([conversationId])
      }
    }
  }

  /**
   * One message on its own — a realtime event, the server's answer to a send
   * or a change — with its rev: the next one after the conversation's lastRev
   * moves lastRev on (once stored); one further ahead means changes were
   * missed, and they are fetched.
   */
  receive(message: Message, source: 'realtime' | 'fetch'): void {
    if (this.stopped) return
    const unstored = this.apply([message], source)
    const lastRev = this.deps.cache.conversationCounters(message.conversationId)?.lastRev
    if (lastRev === undefined) return
    if (message.rev === lastRev + 1 && unstored.length === 0) this.deps.cache.raiseLastRev(message.conversationId, message.rev)
    else if (message.rev > lastRev + 1) this.changes.request(message.conversationId)
  }

  /** `apply` for pages of history (tests and benchmarks call it too). */
  ingest(messages: readonly Message[], source: 'realtime' | 'fetch'): void {
    this.apply(messages, source)
  }

  /**
   * Store what falls inside or extends each conversation's cached range, and
   * newer revs of what is cached; a hole above it triggers a range fetch
   * instead, and what lies below it is dropped (counted: `droppedBelow`).
   * `pages`: the input is server pages (consecutive seqs per conversation):
   * one that meets the range, or lands where nothing is cached, is stored
   * whole. Safe to call with anything, any number of times. Returns the
   * messages not stored because of a hole above the range.
   */
  private apply(messages: readonly Message[], source: 'realtime' | 'fetch', pages = false): Message[] {
    const unstored: Message[] = []
    if (this.stopped) return [...messages]
    const { cache } = this.deps
    const byConversation = new Map<string, Message[]>()
    for (const message of messages) {
      const list = byConversation.get(message.conversationId)
      if (list) list.push(message)
      else byConversation.set(message.conversationId, [message])
    }
    const storable: Message[] = []
    for (const [conversationId, list] of byConversation) {
      list.sort((a, b) => a.seq - b.seq)
      let highest = cache.highestSeq(conversationId)
      // Nothing cached: the range would start at seq 1 (a new conversation's first message extends it).
      let lowest = highest === 0 ? 1 : (cache.lowestSeq(conversationId) ?? 1)
      const first = (list[0] as Message).seq
      const last = (list.at(-1) as Message).seq
      if (pages && consecutive(list) && (highest === 0 || (first <= highest + 1 && last >= lowest - 1))) {
        // A page that meets the range (or starts it): the union is one range.
        lowest = Math.min(first, highest === 0 ? first : lowest)
        if (highest === 0) highest = first - 1
      }
      for (const message of list) {
        if (message.seq < lowest) {
          for (const drops of this.dropWatches.get(conversationId) ?? []) drops.set(message.seq, Math.max(drops.get(message.seq) ?? 0, message.rev))
        } else if (message.seq <= highest) storable.push(message)
        else if (message.seq === highest + 1) {
          storable.push(message)
          highest = message.seq
        } else {
          this.requestFill(conversationId)
          unstored.push(...list.slice(list.indexOf(message)))
          break
        }
      }
    }
    if (storable.length === 0) return unstored
    const { changed, added } = cache.storeMessages(storable)
    for (const [conversationId, changedMessages] of changed) this.deps.onMessagesChanged(conversationId, changedMessages)
    // Only messages new to the cache are news: an edit or a reaction never notifies.
    for (const addedMessages of added.values()) {
      const incoming = addedMessages.filter((message) => message.senderId !== this.deps.me)
      if (incoming.length > 0) this.deps.onIncoming(incoming, source)
    }
    if (changed.size > 0) this.deps.onConversationsChanged([...changed.keys()])
    return unstored
  }

  /**
   * Note the changes to messages below the conversation's cached range
   * dropped from now on, for an older page about to be fetched: the page is
   * stale when one of its messages had a change dropped with a higher rev
   * than its copy's — the server read it before that change, which is now
   * nowhere else. A page with no such message is current, however many
   * changes were dropped meanwhile (a first sync's changedAfter pages drop
   * every send below the latest page; refusing the page for any drop made a
   * scroll-back give up while they ran). `stop` when done with the page.
   */
  watchDrops(conversationId: string): DropWatch {
    const drops = new Map<number, number>()
    let watches = this.dropWatches.get(conversationId)
    if (watches === undefined) {
      watches = new Set()
      this.dropWatches.set(conversationId, watches)
    }
    watches.add(drops)
    return {
      staleIn: (page) => drops.size > 0 && page.some((message) => (drops.get(message.seq) ?? 0) > message.rev),
      stop: () => {
        watches.delete(drops)
        if (watches.size === 0 && this.dropWatches.get(conversationId) === watches) this.dropWatches.delete(conversationId)
      },
    }
  }

  /**
   * Fetch a page below the cached range (`request`), watching the drops
   * meanwhile: `stale` when the page must be fetched again (`watchDrops`).
   */
  async fetchBelowRange(conversationId: string, request: () => Promise<MessagePage>): Promise<{ page: MessagePage; stale: boolean }> {
    const drops = this.watchDrops(conversationId)
    try {
      const page = await request()
      return { page, stale: drops.staleIn(page.messages) }
    } finally {
      drops.stop()
    }
  }

  /**
   * Store a page of older history (history.ts): stored whole when it meets
   * the cached range from below, else dropped. Returns the number of messages
   * of the page now cached below the range's old lowest seq.
   */
  storeOlder(conversationId: string, messages: readonly Message[]): number {
    if (this.stopped || messages.length === 0) return 0
    const before = this.deps.cache.lowestSeq(conversationId)
    this.apply(messages, 'fetch', true)
    const after = this.deps.cache.lowestSeq(conversationId)
    return before === null || after === null ? 0 : before - after
  }

  /**
   * Store a fetched page: resolves with its messages not stored (beyond a
   * hole), as `apply` returns them. Pages are stored on a turn of their own
   * of the event loop, not in the callback that received them: several
   * responses often arrive in one turn, and storing each at once held the
   * thread for all of them (60–90 ms stalls). Pages waiting together go in
   * one transaction of up to STORE_BATCH messages — what `apply` does is the
   * same for one page or several, whatever conversations they belong to, and
   * a conversation's fill has one page waiting at most, so its pages are
   * stored in order — and after STORE_SLICE_MS of work the rest waits for the
   * next turn, so timers, IPC and the other responses get the thread between.
   */
  private store(messages: readonly Message[]): Promise<Message[]> {
    return new Promise((done, failed) => {
      this.stores.push({ messages, done, failed })
      this.storing ??= setImmediate(() => this.storeWaiting())
    })
  }

  private storeWaiting(): void {
    this.storing = null
    const started = performance.now()
    while (this.stores.length > 0 && performance.now() - started < STORE_SLICE_MS) {
      const batch: PendingStore[] = []
      let size = 0
      for (let next = this.stores[0]; next !== undefined && (batch.length === 0 || size + next.messages.length <= STORE_BATCH); next = this.stores[0]) {
        batch.push(this.stores.shift() as PendingStore)
        size += next.messages.length
      }
      try {
        const unstored = batch.length === 1 ? null : new Set(this.apply(batch.flatMap((pending) => pending.messages), 'fetch', true))
        if (unstored === null) {
          const only = batch[0] as PendingStore
          only.done(this.apply(only.messages, 'fetch', true))
        } else for (const pending of batch) pending.done(pending.messages.filter((message) => unstored.has(message)))
      } catch (err) {
        for (const pending of batch) pending.failed(err)
      }
    }
    if (this.stores.length > 0) this.storing = setImmediate(() => this.storeWaiting())
  }

  /**
   * Fill a conversation soon (coalesced with a fill already running). A fill
   * that fails for a reason worth retrying (network, 5xx, 408, 429) is tried
   * again after a back-off until it succeeds: the realtime link may well stay
   * up meanwhile, and then no reconnect sync would ever fetch the hole.
   */
  requestFill(conversationId: string): void {
    if (this.stopped) return
    if (this.fills.has(conversationId)) {
      this.refills.add(conversationId)
      return
    }
    this.fill(conversationId).then(
      () => {
        this.clearFillRetry(conversationId)
        // What the fill stored is as the server has it now; changes to what was cached before come by changedAfter.
        this.changes.request(conversationId)
      },
      (err: unknown) => {
        if (this.stopped) return
        if (!isRetryable(err)) {
          this.clearFillRetry(conversationId)
          this.deps.log.warn({ conversationId, err: String(err) }, 'range fetch refused; the next sync retries')
          // Not found: perhaps no longer mine (removed while the news was on its way).
          if (err instanceof HttpError && err.status === 404 && this.deps.cache.conversationCounters(conversationId)?.leftAt === null) {
            this.membership.check(conversationId)
          }
          return
        }
        const delay = this.fillRetries.schedule(conversationId, () => this.requestFill(conversationId))
        this.deps.log.warn({ conversationId, err: String(err), delay }, 'range fetch failed; retrying')
      },
    )
  }

  private clearFillRetry(conversationId: string): void {
    this.fillRetries.clear(conversationId)
  }

  /**
   * Fetch `after=<highest cached seq>` page by page until the server has no
   * more. Requests run ahead of storing: when a page arrives, the page after
   * it is requested before it is stored, and — while the conversation's last
   * seq (from the refreshed list) says there is more — up to FILL_AHEAD pages
   * in all, each assuming the one before it is full and gapless (seqs are
   * dense: the server numbers each conversation's messages 1, 2, 3…). So the
   * server prepares pages while the cache writes. A request whose assumption
   * turns out wrong (storing ended elsewhere: a hole, realtime events ahead of
   * it) is dropped with everything after it, and fetching starts again from
   * what was stored. Correctness never rests on the guess: only a request
   * for `after=<highest cached seq>` is ever used.
   */
  fill(conversationId: string): Promise<void> {
    const running = this.fills.get(conversationId)
    if (running) {
      this.refills.add(conversationId)
      return running
    }
    const { cache } = this.deps
    const fetchAfter = (after: number): Ahead => {
      const page = this.deps.api.messages(conversationId, { after, limit: PAGE })
      // Handled here too: a request that is dropped may fail unheard.
      page.catch(() => undefined)
      return { after, page }
    }
    /** Requests in flight, in order, each for the page after the one before it. */
    let ahead: Ahead[] = []
    /** The server's last seq as the refreshed conversation list told it: guesses stop there. */
    let lastSeq = 0
    /** Keep a request for the page after `from`, and guesses beyond it while the server has more. */
    const runAhead = (from: number) => {
      if (ahead[0]?.after !== from) ahead = [fetchAfter(from)]
      const most = conversationId === this.focusedId ? FOCUS_AHEAD : FILL_AHEAD
      for (let next = (ahead.at(-1) as Ahead).after + PAGE; ahead.length < most && next < lastSeq; next += PAGE) {
        ahead.push(fetchAfter(next))
      }
    }
    const task = (async () => {
      // A fill of an empty conversation fetches its messages as they are now:
      // every change up to the server's lastRev known before the first request
      // is in what it stores (a change to an older message, not cached, needs
      // nothing), so the changes fetch can start from there rather than fetch
      // the whole history again (see change-feed.ts).
      const start = cache.conversationCounters(conversationId)
      const fromEmpty = cache.highestSeq(conversationId) === 0 && (start?.lastRev ?? 0) === 0
      const revCovered = start?.serverLastRev ?? 0
      // Nothing cached: the latest page starts the range (older pages: history.ts).
      let latest = false
      if (cache.highestSeq(conversationId) === 0) {
        // No bound: the server answers with the latest page.
        const page = await this.deps.api.messages(conversationId, { limit: this.deps.latestPage ?? LATEST_PAGE })
        if (this.stopped) return
        await this.store(page.messages)
        if (this.stopped) return
        await this.fillDownToUnread(conversationId)
        if (this.stopped) return
        latest = true
      }
      // The latest page was the newest there was: what came since came by realtime, and one beyond a hole asked for a refill.
      if (!latest || this.refills.has(conversationId) || cache.highestSeq(conversationId) === 0) do {
        this.refills.delete(conversationId)
        let after = cache.highestSeq(conversationId)
        lastSeq = cache.conversationCounters(conversationId)?.lastSeq ?? 0
        ahead = []
        runAhead(after)
        while (!this.stopped) {
          const page = await (ahead.shift() as Ahead).page
          if (this.stopped) return
          const last = page.messages.at(-1)?.seq ?? after
          if (page.hasMore && last > after) runAhead(last)
          await this.store(page.messages)
          if (this.stopped) return
          const highest = cache.highestSeq(conversationId)
          if (!page.hasMore || highest <= after) break
          runAhead(highest)
          after = highest
        }
        ahead = []
      } while (this.refills.has(conversationId) && !this.stopped)
      if (fromEmpty && !this.stopped && revCovered > 0) cache.raiseLastRev(conversationId, revCovered)
    })()
    this.fills.set(conversationId, task)
    const done = () => {
      this.fills.delete(conversationId)
      if (this.fills.size === 0) {
        const waiters = this.idleWaiters
        this.idleWaiters = []
        waiters.forEach((resolve) => resolve())
      }
    }
    task.then(done, done)
    return task
  }

  /** Fetch the changes to a conversation's messages soon (after its seq fill). */
  requestChanges(conversationId: string): void {
    if (!this.stopped) this.changes.request(conversationId)
  }

  /**
   * After a latest page: older pages down to my first unread message, so
   * that every unread message is cached — badges count what is cached
   * (unread.ts), and the window opens at the first unread one. Read history
   * stays on the server (a member added to a group has read what came
   * before). A page fetched while a change below the range was dropped is
   * fetched again (see history.ts), and stored at once after the check.
   */
  private async fillDownToUnread(conversationId: string): Promise<void> {
    const { cache } = this.deps
    for (let refetches = 0; !this.stopped && refetches <= MAX_REFETCH; ) {
      const lowest = cache.lowestSeq(conversationId)
      if (lowest === null || lowest <= cache.markerOf(conversationId, this.deps.me).readSeq + 1) return
      const { page, stale } = await this.fetchBelowRange(conversationId, () => this.deps.api.messages(conversationId, { before: lowest, limit: PAGE }))
      if (this.stopped) return
      if (stale || cache.lowestSeq(conversationId) !== lowest) {
        refetches++
        continue
      }
      if (page.messages.length === 0 || this.storeOlder(conversationId, page.messages) === 0) return
    }
  }

  /** A range fetch or a changes fetch is running (the history backfill waits for none to be). */
  get busy(): boolean {
    return this.fills.size > 0 || this.changes.busy
  }

  /** Resolves when no range fetch is running (tests, benchmarks). */
  async whenIdle(): Promise<void> {
    while (this.fills.size > 0 || this.changes.busy) {
      if (this.fills.size > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve))
      await this.changes.whenIdle()
    }
  }
}

/** Changes dropped below the cached range while an older page was fetched (`Sync.watchDrops`). */
export interface DropWatch {
  /** Whether `page` holds a message the server read before a change to it that was dropped. */
  staleIn(page: readonly Message[]): boolean
  /** Stop noting (the page has arrived, or its request failed). */
  stop(): void
}

/** Seqs one after another (sorted input): a server page, whole. */
function consecutive(list: readonly Message[]): boolean {
  for (let i = 1; i < list.length; i++) if ((list[i] as Message).seq !== (list[i - 1] as Message).seq + 1) return false
  return true
}
