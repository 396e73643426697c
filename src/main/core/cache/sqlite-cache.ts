/**
 * The Cache (types.ts) over one SQLite database: each concept's table class
 * does the work; this class only wires them together and owns the connection.
 */
import type { Database } from 'better-sqlite3'
import type { Conversation, Marker, Message, User } from '../../../shared/api'
import type { ChatMessage, ConversationCursor, SearchHit } from '../../../shared/ipc'
import { AccountSettingsTable } from './account-settings'
import { AttachmentTable, type CachedFile, type OutboxAttachment } from './attachments/attachment-table'
import { ConversationTable } from './conversations/conversations'
import { MarkerTable } from './conversations/markers'
import { DraftTable } from './drafts'
import { UnreadCounts } from './conversations/unread'
import { Checkpointer } from './database/checkpointer'
import { openReader, SMALL_AUTOCHECKPOINT, WORKER_BACKSTOP_AUTOCHECKPOINT } from './database/database'
import { MessageEviction, type BottomRow } from './messages/eviction'
import { MessageViews } from './messages/message-views'
import { MessageTable } from './messages/messages'
import { RowKeys } from './messages/row-keys'
import { UnsentMessages, type NewPendingMessage } from './messages/unsent'
import { OutboxTable } from './outbox/outbox-table'
import { QueuedChanges, type ChangeRequest } from './outbox/queued-changes'
import { ScanWorker } from './search/scan-worker'
import { MessageSearch } from './search/search'
import { SearchIndexer, UnindexedRows, type SearchIndexerOptions } from './search/search-indexer'
import type {
  AttachmentNews,
  Cache,
  CachedAttachment,
  CachedConversation,
  CachedUser,
  ChangeItem,
  ConversationCounters,
  OutboxItem,
  QueueChangeResult,
  StoreMessagesResult,
} from './types'
import { UserTable } from './users'

export class SqliteCache implements Cache {
  private readonly userTable: UserTable
  private readonly markerTable: MarkerTable
  private readonly conversationTable: ConversationTable
  private readonly outboxTable: OutboxTable
  private readonly messageTable: MessageTable
  private readonly eviction: MessageEviction
  private readonly unsent: UnsentMessages
  private readonly changes: QueuedChanges
  private readonly unread: UnreadCounts
  /** Public for ../testing.ts (its slice length). */
  readonly messageSearch: MessageSearch
  /** Search's own read-only connection (search.ts). */
  private readonly reader: Database
  private readonly accountSettings: AccountSettingsTable
  private readonly drafts: DraftTable
  private readonly attachments: AttachmentTable
  private readonly attachmentWatchers = new Set<(news: AttachmentNews) => void>()
  /** Brings the search index up to date after writes (search-indexer.ts). */
  readonly indexer: SearchIndexer
  /** Hands out message row ids (row-keys.ts). */
  readonly rowKeys: RowKeys
  /** WAL checkpoints on a worker thread (checkpointer.ts); null where no worker could start. */
  readonly checkpointer: Checkpointer | null
  /** Search's scans of the whole table, on a worker thread started when first needed (scan-worker.ts). */
  readonly scanner: ScanWorker

  constructor(
    private readonly db: Database,
    readonly path: string,
    options: {
      me: string
      backgroundIndexing?: boolean
      indexerTiming?: Pick<SearchIndexerOptions, 'busyWindowMs' | 'deferMs'>
    },
  ) {
    this.userTable = new UserTable(db)
    this.markerTable = new MarkerTable(db)
    this.conversationTable = new ConversationTable(db, this.markerTable, options.me)
    this.outboxTable = new OutboxTable(db)
    this.rowKeys = new RowKeys(db)
    const unindexed = new UnindexedRows(db)
    this.attachments = new AttachmentTable(db)
    const views = new MessageViews(db, options.me, this.attachments)
    this.messageTable = new MessageTable(db, options.me, this.rowKeys, this.conversationTable, this.outboxTable, unindexed, views, this.attachments)
    this.eviction = new MessageEviction(db, options.me, this.attachments)
    this.unsent = new UnsentMessages(db, this.rowKeys, this.outboxTable, unindexed, views, this.attachments)
    this.changes = new QueuedChanges(db, options.me, views)
    this.unread = new UnreadCounts(db, options.me)
    // The file for the cache's other connections (search's reader, its scan worker).
    const file = { path }
    this.reader = openReader(file)
    this.scanner = new ScanWorker(file)
    this.messageSearch = new MessageSearch(this.reader, db, this.scanner, () => this.indexer.hold())
    this.accountSettings = new AccountSettingsTable(db)
    this.drafts = new DraftTable(db)
    flagMine(db, this.accountSettings, options.me)
    this.checkpointer = startCheckpointer(db, path)
    this.indexer = new SearchIndexer(db, {
      background: options.backgroundIndexing ?? true,
      ...options.indexerTiming,
      checkpoint: () => this.checkpointer?.noteWrite() ?? false,
    })
  }

  /**
   * Idempotent. Stops the indexer (an unindexed backlog stays for the next
   * open) and runs `PRAGMA optimize`, as SQLite recommends for long-lived
   * connections, bounded by `analysis_limit` (database.ts) so that it never
   * reads whole tables.
   */
  close(): void {
    this.indexer.close()
    this.checkpointer?.close()
    this.scanner.close()
    // Before the main connection: the last one to close removes the -wal and -shm files.
    if (this.reader.open) this.reader.close()
    if (!this.db.open) return
    this.db.pragma('optimize')
    this.db.close()
  }

  upsertUsers(users: readonly User[]): void {
    this.userTable.upsertUsers(users)
  }

  users(ids?: readonly string[]): CachedUser[] {
    return this.userTable.users(ids)
  }

  setBlocked(userId: string, blocked: boolean): void {
    this.userTable.setBlocked(userId, blocked)
  }

  replaceBlocked(userIds: readonly string[]): string[] {
    return this.userTable.replaceBlocked(userIds)
  }

  blockedIds(): Set<string> {
    return this.userTable.blockedIds()
  }

  upsertConversations(conversations: readonly Conversation[]): string[] {
    return this.conversationTable.upsertConversations(conversations)
  }

  conversation(id: string): CachedConversation | null {
    return this.conversationTable.conversation(id)
  }

  conversationCounters(id: string): ConversationCounters | null {
    return this.conversationTable.counters(id)
  }

  markerOf(conversationId: string, userId: string): Marker {
    return this.markerTable.markerOf(conversationId, userId)
  }

  conversations(): CachedConversation[] {
    return this.conversationTable.conversations()
  }

  conversationPage(after: ConversationCursor | null, limit: number): CachedConversation[] {
    return this.conversationTable.conversationPage(after, limit)
  }

  pendingMutes(now: number): Map<string, number> {
    return this.conversationTable.pendingMutes(now)
  }

  setLeft(conversationId: string, at: number | null): void {
    this.conversationTable.setLeft(conversationId, at)
  }

  applyMarker(conversationId: string, userId: string, marker: Marker): boolean {
    return this.markerTable.applyMarker(conversationId, userId, marker)
  }

  raiseLastRev(conversationId: string, rev: number): void {
    this.conversationTable.raiseLastRev(conversationId, rev)
  }

  storeMessages(messages: readonly Message[]): StoreMessagesResult {
    const result = this.messageTable.storeMessages(messages)
    if (result.changed.size > 0) {
      this.indexer.noteWrite()
      this.checkpointer?.noteWrite()
    }
    this.announceAttachments(result.attachments)
    return result
  }

  addPending(message: NewPendingMessage): ChatMessage {
    const pending = this.unsent.addPending(message)
    this.indexer.noteWrite()
    return pending
  }

  markFailed(conversationId: string, clientId: string, error: string, code?: string | null): ChatMessage | null {
    return this.unsent.markFailed(conversationId, clientId, error, code ?? null)
  }

  retryFailed(conversationId: string, clientId: string): ChatMessage | null {
    return this.unsent.retryFailed(conversationId, clientId)
  }

  deleteUnsent(conversationId: string, clientId: string): boolean {
    return this.unsent.deleteUnsent(conversationId, clientId)
  }

  ownMessage(conversationId: string, clientId: string, queued?: boolean): ChatMessage | null {
    return this.unsent.ownMessage(conversationId, clientId, queued)
  }

  messageByKey(conversationId: string, key: string): ChatMessage | null {
    return this.changes.view(conversationId, key)
  }

  messageBySeq(conversationId: string, seq: number): ChatMessage | null {
    return this.messageTable.bySeq(conversationId, seq)
  }

  queueChange(conversationId: string, key: string, change: ChangeRequest, at: number): QueueChangeResult {
    return this.changes.queue(conversationId, key, change, at)
  }

  changeTarget(item: ChangeItem): ChatMessage | null {
    return this.changes.stored(item.messageRowId)
  }

  refuseChange(item: ChangeItem): ChatMessage | null {
    return this.changes.refused(item)
  }

  messages(conversationId: string, page: { beforeSeq?: number; afterSeq?: number; limit: number }): ChatMessage[] {
    return this.messageTable.messages(conversationId, page)
  }

  messagesInRange(conversationId: string, fromSeq: number, toSeq: number): ChatMessage[] {
    return this.messageTable.messagesInRange(conversationId, fromSeq, toSeq)
  }

  highestSeq(conversationId: string): number {
    return this.messageTable.highestSeq(conversationId)
  }

  lowestSeq(conversationId: string): number | null {
    return this.messageTable.lowestSeq(conversationId)
  }

  lastMessage(conversationId: string): ChatMessage | null {
    return this.messageTable.lastMessage(conversationId)
  }

  lastMessages(conversationIds: readonly string[]): Map<string, ChatMessage | null> {
    return this.messageTable.lastMessages(conversationIds)
  }

  sentMessageCount(): number {
    return this.eviction.sentCount()
  }

  bottomOfRange(conversationId: string, limit: number): BottomRow[] {
    return this.eviction.bottom(conversationId, limit)
  }

  evictThrough(conversationId: string, throughSeq: number): number {
    const { evicted, forgotten } = this.eviction.evictThrough(conversationId, throughSeq)
    if (evicted > 0) this.checkpointer?.noteWrite()
    this.announceAttachments({ added: [], forgotten })
    return evicted
  }

  unreadCount(conversationId: string): number {
    return this.unread.unreadCount(conversationId)
  }

  unreadMentions(conversationId: string): number {
    return this.unread.mentionCount(conversationId)
  }

  totalUnread(now: number): number {
    return this.unread.totalUnread(now)
  }

  draft(conversationId: string): string {
    return this.drafts.draft(conversationId)
  }

  setDraft(conversationId: string, body: string, at: number): void {
    this.drafts.setDraft(conversationId, body, at)
  }

  search(query: string, limit: number): Promise<SearchHit[]> {
    return this.messageSearch.search(query, limit)
  }

  holdSearchIndex(): () => void {
    return this.indexer.hold()
  }

  enqueueMarker(conversationId: string, kind: 'read' | 'delivered', seq: number, dueAt?: number): void {
    this.outboxTable.enqueueMarker(conversationId, kind, seq, dueAt)
  }

  outbox(): OutboxItem[] {
    return this.outboxTable.outbox()
  }

  completeOutbox(item: OutboxItem, raisedDueAt?: number): void {
    this.outboxTable.completeOutbox(item, raisedDueAt)
  }

  rescheduleOutbox(id: number, nextAttemptAt: number, error: string): void {
    this.outboxTable.rescheduleOutbox(id, nextAttemptAt, error)
  }

  /** Attachments a write added or forgot, to whoever watches (nothing when there are none). */
  private announceAttachments(news: AttachmentNews): void {
    if (news.added.length > 0 || news.forgotten.length > 0) this.attachmentWatchers.forEach((watch) => watch(news))
  }

  watchAttachments(listener: (news: AttachmentNews) => void): () => void {
    this.attachmentWatchers.add(listener)
    return () => this.attachmentWatchers.delete(listener)
  }

  attachment(attachmentId: string): CachedAttachment | null {
    return this.attachments.known(attachmentId)
  }

  outboxFiles(conversationId: string, clientId: string): OutboxAttachment[] {
    return this.unsent.files(conversationId, clientId)
  }

  outboxFile(stagedId: string): OutboxAttachment | null {
    return this.attachments.outboxFile(stagedId)
  }

  markUploaded(stagedId: string, attachmentId: string): void {
    this.attachments.markUploaded(stagedId, attachmentId)
  }

  outboxFilePaths(): Set<string> {
    return this.attachments.outboxPaths()
  }

  cachedFile(attachmentId: string): CachedFile | null {
    return this.attachments.file(attachmentId)
  }

  cachedFiles(): CachedFile[] {
    return this.attachments.files()
  }

  cachedFileBytes(): number {
    return this.attachments.fileBytesTotal()
  }

  recordCachedFile(attachmentId: string, path: string, size: number, at: number): void {
    this.attachments.recordFile(attachmentId, path, size, at)
  }

  touchCachedFile(attachmentId: string, at: number): void {
    this.attachments.touch(attachmentId, at)
  }

  removeCachedFile(attachmentId: string): void {
    this.attachments.removeFile(attachmentId)
  }

  getSetting(key: string): unknown {
    return this.accountSettings.getSetting(key)
  }

  setSetting(key: string, value: unknown): void {
    this.accountSettings.setSetting(key, value)
  }
}

/** The setting that records whose messages the `mine` column flags. */
const MINE_OF = 'cache.mineOf'

/**
 * Flag the rows sent by `me` (migration 003 adds the column without knowing
 * the account): once per database, or again should it ever be opened for
 * another account — then the flags follow that account.
 */
function flagMine(db: Database, settings: AccountSettingsTable, me: string): void {
  if (settings.getSetting(MINE_OF) === me) return
  db.transaction(() => {
    db.prepare('UPDATE messages SET mine = (sender_id = ?)').run(me)
    settings.setSetting(MINE_OF, me)
  })()
}

/**
 * Checkpoints move to a worker thread (checkpointer.ts); the connection's own
 * automatic checkpoint becomes a backstop, and comes back should the worker fail.
 */
function startCheckpointer(db: Database, path: string): Checkpointer | null {
  try {
    const checkpointer = new Checkpointer({
      path,
      onFailure: () => {
        if (db.open) db.pragma(`wal_autocheckpoint = ${SMALL_AUTOCHECKPOINT}`)
      },
    })
    db.pragma(`wal_autocheckpoint = ${WORKER_BACKSTOP_AUTOCHECKPOINT}`)
    return checkpointer
  } catch {
    return null
  }
}
