/**
 * The offline cache as the rest of the core sees it: a replica of the server's
 * users, conversations, markers and messages for one signed-in account, plus
 * what only lives here — pending messages and the outbox, which must never be
 * lost. Synchronous (better-sqlite3); every write is one short transaction.
 */
import type { Attachment, Conversation, ConversationMember, Marker, Message, User } from '../../../shared/api'
import type { ChatMessage, ConversationCursor, SearchHit } from '../../../shared/ipc'
import type { CachedFile, OutboxAttachment } from './attachments/attachment-table'
import type { BottomRow } from './messages/eviction'
import type { NewPendingMessage } from './messages/unsent'
import type { ChangeRequest } from './outbox/queued-changes'

export interface CachedUser {
  id: string
  username: string
  displayName: string
  /** As the server last reported it; live presence is tracked in memory. */
  lastSeenAt: number | null
  /** I blocked this user. */
  blocked: boolean
}

export type ConversationCounters = Pick<CachedConversation, 'lastSeq' | 'lastRev' | 'serverLastRev' | 'leftAt'>

export interface CachedConversation {
  id: string
  kind: Conversation['kind']
  title: string | null
  memberIds: string[]
  /** The members with their roles, in the server's order (memberIds is their ids). */
  members: ConversationMember[]
  /** Highest seq the server has reported (conversation lists, events). May be above what is cached. */
  lastSeq: number
  /** The cache is up to date after fetching `changedAfter = lastRev` (sync.ts); 0: never fetched. */
  lastRev: number
  /** The highest lastRev the server has reported (conversation lists, events). */
  serverLastRev: number
  /** Every member's markers; never move backwards locally. */
  markers: Record<string, Marker>
  createdAt: number
  /** Last message time (pending messages count), else creation time. */
  lastActivityAt: number
  /** My mute as the server last said (may have passed already: compare with now). */
  mutedUntil: number | null
  /** When I stopped being a member (removed, or I left); null while I am one. */
  leftAt: number | null
}

export type OutboxItem =
  | { id: number; kind: 'message'; conversationId: string; clientId: string; attempts: number; nextAttemptAt: number; lastError: string | null }
  | ChangeItem
  | {
      id: number
      kind: 'read' | 'delivered'
      conversationId: string
      seq: number
      attempts: number
      nextAttemptAt: number
      lastError: string | null
    }

/** A queued change to a message of the cache (queued-changes.ts): what the user wants it to become. */
export interface ChangeItem {
  id: number
  kind: 'edit' | 'delete' | 'reaction'
  conversationId: string
  messageRowId: number
  messageKey: string
  /** The server's id of the message: null while it is unsent (the change waits for its send). */
  messageId: string | null
  messageState: 'pending' | 'sent' | 'failed'
  /** edit: the new body. */
  body: string | null
  /** reaction: the emoji, and whether my reaction is to be on. */
  emoji: string | null
  on: boolean
  attempts: number
  nextAttemptAt: number
  lastError: string | null
}

export const isChangeItem = (item: OutboxItem): item is ChangeItem => item.kind === 'edit' || item.kind === 'delete' || item.kind === 'reaction'

export type QueueChangeResult =
  | { ok: true; message: ChatMessage }
  | { ok: false; code: 'not_found' | 'conflict' | 'forbidden' | 'bad_request'; message: string }

/** What `storeMessages` changed, so the core can tell the renderer and advance markers. */
export interface StoreMessagesResult {
  /** Messages that are new in the cache or changed (a pending one became sent, an edit, a reaction…), by conversation. */
  changed: Map<string, ChatMessage[]>
  /** Of those, the rows new in the cache (not conversions of pending copies, nor changes): what notifies. */
  added: Map<string, ChatMessage[]>
  /** How many rows were new (not just re-delivered). */
  inserted: number
  /** Attachments new in the cache (thumbnails to fetch), and ids a tombstone took away (their files are to be deleted). */
  attachments: AttachmentNews
}

export interface CachedAttachment extends Attachment {
  conversationId: string
  messageKey: string
  downloaded: boolean
}

export interface AttachmentNews {
  added: Attachment[]
  forgotten: string[]
}

export interface Cache {
  readonly path: string
  close(): void

  // -- users -----------------------------------------------------------------
  /** Insert or update users as the server reports them. */
  upsertUsers(users: readonly User[]): void
  /** The given users, or all cached users when `ids` is omitted. */
  users(ids?: readonly string[]): CachedUser[]
  /** Block (true) or unblock one user. */
  setBlocked(userId: string, blocked: boolean): void
  /** The server's whole list of users I blocked replaces the cached one; returns the ids whose flag changed. */
  replaceBlocked(userIds: readonly string[]): string[]
  blockedIds(): Set<string>

  // -- conversations -----------------------------------------------------------
  /**
   * Insert or update conversations as the server reports them (GET /api/conversations,
   * conversation.upsert). Member lists (with roles) and my `mutedUntil` are replaced;
   * each marker becomes the max of the cached and the reported value; `lastSeq`
   * likewise. One that lists me is no longer left. Conversations are never deleted
   * by this call. Returns the ids whose cached state changed (new, or anything
   * a view shows: kind, title, counters, activity, mute, members, roles,
   * markers, left): a listing that repeats what the cache holds changes none.
   */
  upsertConversations(conversations: readonly Conversation[]): string[]
  conversation(id: string): CachedConversation | null
  /**
   * A conversation's counters and whether I left it, from one row (null:
   * unknown): what sync asks on every page, without the members and markers
   * `conversation` reads.
   */
  conversationCounters(id: string): ConversationCounters | null
  /** One member's markers in a conversation (zeros when none are cached). */
  markerOf(conversationId: string, userId: string): Marker
  /** Newest activity first. */
  conversations(): CachedConversation[]
  /** At most `limit` of `conversations()`, those after `after` (the last of the page before; null: from the newest). */
  conversationPage(after: ConversationCursor | null, limit: number): CachedConversation[]
  /** Mutes still to pass after `now` (not forever; conversations I am in): id → mutedUntil. */
  pendingMutes(now: number): Map<string, number>
  /** I am no longer a member since `at` (the first time counts), or — null — a member again. */
  setLeft(conversationId: string, at: number | null): void
  /** Max-merge one member's markers; true when something moved forward. */
  applyMarker(conversationId: string, userId: string, marker: Marker): boolean
  /** The cache is now up to date after `changedAfter = rev` (only ever rises). */
  raiseLastRev(conversationId: string, rev: number): void

  // -- messages ----------------------------------------------------------------
  /**
   * Store server messages, idempotently, in one transaction: a message already
   * cached (same conversation and seq) is replaced only by a higher rev (an
   * edit, a delete, reactions; its search entry follows at once); a pending
   * message with the same sender and clientId becomes this sent message (same
   * key, now with id and seq). Also raises the conversation's lastSeq and
   * lastActivityAt. Messages whose conversation is not cached are stored too.
   */
  storeMessages(messages: readonly Message[]): StoreMessagesResult
  /** A new pending message and its outbox row, in one transaction. */
  addPending(message: NewPendingMessage): ChatMessage
  /** Pending → failed (keeps it, drops its outbox row). Null when there is no such unsent message. */
  /** `code`: the server's error code when it refused the message (ChatMessage.errorCode). */
  markFailed(conversationId: string, clientId: string, error: string, code?: string | null): ChatMessage | null
  /** Failed → pending with a fresh outbox row. Null when there is no such failed message. */
  retryFailed(conversationId: string, clientId: string): ChatMessage | null
  /** Remove an unsent (pending or failed) own message and its outbox row; false when none. */
  deleteUnsent(conversationId: string, clientId: string): boolean
  /** An own message by clientId (any state); `queued` false: as written, without this user's queued changes. */
  ownMessage(conversationId: string, clientId: string, queued?: boolean): ChatMessage | null
  /** Any cached message by key, as shown (queued changes laid over). */
  messageByKey(conversationId: string, key: string): ChatMessage | null
  /** A sent message by seq, as shown. */
  messageBySeq(conversationId: string, seq: number): ChatMessage | null
  /**
   * Queue an edit, a delete for everyone or a reaction (queued-changes.ts),
   * coalesced with what is queued for that message, in one transaction; the
   * message as it now shows.
   */
  queueChange(conversationId: string, key: string, change: ChangeRequest, at: number): QueueChangeResult
  /** The server's state of the message a change is for, without queued changes (null once gone). */
  changeTarget(item: ChangeItem): ChatMessage | null
  /** A change the server refused for good leaves the queue; the message as it now shows. */
  refuseChange(item: ChangeItem): ChatMessage | null
  /**
   * Up to `limit` sent messages, ascending: the latest ones (then all pending/failed
   * own messages after the sent ones), or those with seq < `beforeSeq`, or those
   * with seq > `afterSeq` (then the unsent ones when the page reaches the highest seq).
   */
  messages(conversationId: string, page: { beforeSeq?: number; afterSeq?: number; limit: number }): ChatMessage[]
  /** Sent messages with seq in [fromSeq, toSeq], ascending (tests, sync checks). */
  messagesInRange(conversationId: string, fromSeq: number, toSeq: number): ChatMessage[]
  /** Highest cached seq (0 when none). */
  highestSeq(conversationId: string): number
  /** Lowest cached seq (null when none). */
  lowestSeq(conversationId: string): number | null
  /** The newest message including pending ones, for the sidebar preview. */
  lastMessage(conversationId: string): ChatMessage | null
  /** `lastMessage` of each conversation (null: none), read together: views are built many at a time. */
  lastMessages(conversationIds: readonly string[]): Map<string, ChatMessage | null>

  // -- the cache's size (messages/eviction.ts; the policy: ../sync/eviction.ts) ----
  /** Sent messages cached, over every conversation (what the cap counts). */
  sentMessageCount(): number
  /** The lowest `limit` sent rows of a conversation (seq and time), ascending. */
  bottomOfRange(conversationId: string, limit: number): BottomRow[]
  /**
   * Delete the conversation's sent messages with seq ≤ `throughSeq` — never
   * one the outbox refers to, nor one above my read marker (the bound is
   * lowered to below them) — with their search entries and attachments, in
   * one transaction; downloaded files no cached message carries any more are
   * announced to `watchAttachments` as forgotten. Returns how many went.
   */
  evictThrough(conversationId: string, throughSeq: number): number
  /** Cached messages from others (not from the cache's `me`) with seq above my readSeq; tombstones and system messages left out. */
  unreadCount(conversationId: string): number
  /** Unread messages from others that mention me, deleted ones left out. */
  unreadMentions(conversationId: string): number
  /** Sum of unread counts over conversations that are neither muted at `now` nor left. */
  totalUnread(now: number): number

  // -- drafts ------------------------------------------------------------------
  /** The composer's unsent text of a conversation ('' when none). */
  draft(conversationId: string): string
  /** Keep it ('' removes it). */
  setDraft(conversationId: string, body: string, at: number): void

  // -- search ------------------------------------------------------------------
  /**
   * Full-text search over sent and pending message bodies, newest first. Works
   * for text without spaces (Chinese, Japanese), for one- and two-character
   * queries, for emoji and mixed scripts; case-insensitive. Each hit has a short
   * snippet around the first match, split into highlighted and plain parts.
   */
  search(query: string, limit: number): Promise<SearchHit[]>
  /**
   * Hold back the search index's background steps until the returned function
   * is called (idempotent): a sync's catch-up gives its writes the whole thread
   * rather than index between its pages. Search does not wait for the index.
   */
  holdSearchIndex(): () => void

  // -- outbox ------------------------------------------------------------------
  /**
   * Coalesce a marker: one row per (conversation, kind) holding the highest
   * seq asked for. A new row is due at `dueAt` (default at once); raising an
   * existing row leaves its schedule alone.
   */
  enqueueMarker(conversationId: string, kind: 'read' | 'delivered', seq: number, dueAt?: number): void
  /** Every outbox row, oldest first. */
  outbox(): OutboxItem[]
  /**
   * Remove a row that was sent — only if it is unchanged since it was read. A
   * marker raised meanwhile stays, due at `raisedDueAt` at the earliest.
   */
  completeOutbox(item: OutboxItem, raisedDueAt?: number): void
  /** Count a failed attempt and when to try again. */
  rescheduleOutbox(id: number, nextAttemptAt: number, error: string): void

  // -- attachments (docs/design.md §7.7) -----------------------------------------
  /** Called after every storeMessages that added or forgot attachments (thumbnails to fetch, files to delete); returns the unsubscriber. */
  watchAttachments(listener: (news: AttachmentNews) => void): () => void
  /** An attachment of a cached message that is not deleted, with where it is; null: not this account's. */
  attachment(attachmentId: string): CachedAttachment | null
  /** The files of an own unsent message, in order, with their upload state. */
  outboxFiles(conversationId: string, clientId: string): OutboxAttachment[]
  /** A file of an own unsent message by staged id (its preview), or null. */
  outboxFile(stagedId: string): OutboxAttachment | null
  /** A file of an unsent message is uploaded: its server id, kept across restarts. */
  markUploaded(stagedId: string, attachmentId: string): void
  /** Every private copy an outbox row refers to. */
  outboxFilePaths(): Set<string>
  /** The download cache's index: one whole file, all of them least recently used first, their total size. */
  cachedFile(attachmentId: string): CachedFile | null
  cachedFiles(): CachedFile[]
  cachedFileBytes(): number
  recordCachedFile(attachmentId: string, path: string, size: number, at: number): void
  touchCachedFile(attachmentId: string, at: number): void
  removeCachedFile(attachmentId: string): void

  // -- per-account settings ----------------------------------------------------
  getSetting(key: string): unknown
  setSetting(key: string, value: unknown): void
}
