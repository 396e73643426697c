/**
 * The Store over Kysely: one implementation for SQLite and PostgreSQL. Only
 * portable SQL is used; dialect differences (connection setup, error codes)
 * stay in the files that open the database.
 */
import { sql, type Kysely, type Selectable, type Transaction } from 'kysely'
import type { Message, ReplyTo } from '../../shared/api'
import { replyPreview } from '../../shared/message-content'
import {
  blockedInDirect,
  presenceAdmissions,
  blockedUsers,
  block,
  blockersAmong,
  blockersOf,
  deleteSessionById,
  deleteSessionsOf,
  directConversationBetween,
  hasBlocked,
  insertInvite,
  insertSession,
  insertUserIn,
  liveSessionsAmong,
  sessionsOf,
  sessionUser,
  setAdmin,
  setDisabledIn,
  setPasswordHash,
  toUser,
  unblock,
  updateDisplayName,
  userById,
} from './account-rows'
import {
  attachIn,
  insertAttachment,
  queueBlobDeletions,
  sweepUploadsIn,
  toAttachmentRecord,
} from './attachment-rows'
import { dialectOf, type Dialect } from './dialect'
import { newId } from './ids'
import { addMembersIn, removeMemberIn, renameIn, setMutedUntilIn, setRoleIn, type GroupRowsChange } from './group-rows'
import { deleteIn, editIn, insertMentions, setReactionIn } from './message-changes'
import { hydrateMessage, hydrateMessages, takeNextSeqAndRev } from './message-rows'
import type { ConversationsTable, Database, Db } from './schema'
import { searchMessagesIn } from './search-rows'
import {
  MessageRefusedError,
  UsernameTakenError,
  type Admission,
  type AttachmentRecord,
  type ConversationCursor,
  type ConversationRecord,
  type DeviceSessionRecord,
  type EndedSession,
  type GroupChange,
  type MarkerKind,
  type MarkerResult,
  type MemberMarkers,
  type MessageChange,
  type MessageSearch,
  type NewAttachment,
  type NewConversation,
  type NewInvite,
  type NewUser,
  type SearchHitRecord,
  type Store,
  type UnreadCounts,
  type UserRecord,
} from './store'

/** True for a unique-constraint violation on SQLite (better-sqlite3) or PostgreSQL (pg). */
export function isUniqueViolation(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return code === 'SQLITE_CONSTRAINT_UNIQUE' || code === 'SQLITE_CONSTRAINT_PRIMARYKEY' || code === '23505'
}

interface AppendInput {
  conversationId: string
  senderId: string
  clientId: string
  body: string
  now: number
  replyToId?: string
  mentions?: readonly string[]
  attachmentIds?: readonly string[]
}
type AppendResult = { message: Message; created: boolean }

export interface SqlStoreOptions {
  /** Batch concurrent sends into one transaction (for synchronous drivers: SQLite). */
  groupCommit?: boolean
  /** PostgreSQL: transactions run side by side, so the first account is decided under an advisory lock. */
  concurrentWriters?: boolean
}

/** The largest seq or rev a column holds (PostgreSQL `integer`). */
const MAX_COUNTER = 2_147_483_647

export class SqlStore implements Store {
  private readonly queuedAppends: { input: AppendInput; resolve(result: AppendResult): void; reject(err: unknown): void }[] = []
  /** Search is the one part that differs by database (search-rows.ts). */
  private readonly dialect: Dialect

  constructor(
    private readonly db: Kysely<Database>,
    private readonly options: SqlStoreOptions = {},
  ) {
    this.dialect = dialectOf(db)
  }

  async createUser(user: NewUser, admission?: Admission): Promise<UserRecord> {
    try {
      return await this.db
        .transaction()
        .execute((trx) => insertUserIn(trx, user, admission, { lockWhenEmpty: this.options.concurrentWriters === true }))
    } catch (err) {
      if (isUniqueViolation(err)) throw new UsernameTakenError(user.username)
      throw err
    }
  }

  async userByUsername(username: string): Promise<UserRecord | null> {
    const row = await this.db
      .selectFrom('users')
      .selectAll()
      .where('username_key', '=', username.toLowerCase())
      .executeTakeFirst()
    return row ? toUser(row) : null
  }

  async usersById(ids: readonly string[]): Promise<UserRecord[]> {
    if (ids.length === 0) return []
    const rows = await this.db.selectFrom('users').selectAll().where('id', 'in', [...ids]).execute()
    return rows.map(toUser)
  }

  /** Case-insensitive substring search; both sides are lower-cased in JavaScript (full Unicode). */
  async searchUsers(query: string | undefined, limit: number): Promise<UserRecord[]> {
    let select = this.db.selectFrom('users').selectAll()
    const q = query?.trim().toLowerCase()
    if (q) {
      const pattern = `%${q.replace(/[\\%_]/g, (c) => `\\${c}`)}%`
      // ESCAPE makes `\` the escape character on SQLite too (PostgreSQL's default).
      select = select.where(
        sql<boolean>`(username_key like ${pattern} escape '\\' or display_name_key like ${pattern} escape '\\')`,
      )
    }
    const rows = await select.orderBy('username_key').limit(limit).execute()
    return rows.map(toUser)
  }

  async setLastSeen(userId: string, at: number): Promise<void> {
    await this.db.updateTable('users').set({ last_seen_at: at }).where('id', '=', userId).execute()
  }

  createSession(tokenHash: string, userId: string, now: number, expiresAt: number, userAgent = ''): Promise<string> {
    return insertSession(this.db, { tokenHash, userId, now, expiresAt, userAgent })
  }

  sessionUser(tokenHash: string, now: number): Promise<UserRecord | null> {
    return sessionUser(this.db, tokenHash, now)
  }

  async deleteSession(tokenHash: string): Promise<EndedSession | null> {
    const row = await this.db
      .deleteFrom('sessions')
      .where('token_hash', '=', tokenHash)
      .returning(['token_hash', 'user_id'])
      .executeTakeFirst()
    return row ? { tokenHash: row.token_hash, userId: row.user_id } : null
  }

  async deleteExpiredSessions(now: number): Promise<EndedSession[]> {
    const rows = await this.db
      .deleteFrom('sessions')
      .where('expires_at', '<=', now)
      .returning(['token_hash', 'user_id'])
      .execute()
    return rows.map((row) => ({ tokenHash: row.token_hash, userId: row.user_id }))
  }

  async hasLiveSession(userId: string, now: number): Promise<boolean> {
    const row = await this.db
      .selectFrom('sessions')
      .select('token_hash')
      .where('user_id', '=', userId)
      .where('expires_at', '>', now)
      .limit(1)
      .executeTakeFirst()
    return row !== undefined
  }

  async contactsAmong(userId: string, candidateIds: readonly string[]): Promise<Set<string>> {
    const contacts = new Set<string>()
    if (candidateIds.includes(userId)) contacts.add(userId)
    const others = [...new Set(candidateIds)].filter((id) => id !== userId)
    if (others.length === 0) return contacts
    const rows = await this.db
      .selectFrom('members as mine')
      .innerJoin('members as theirs', 'theirs.conversation_id', 'mine.conversation_id')
      .select('theirs.user_id')
      .distinct()
      .where('mine.user_id', '=', userId)
      .where('theirs.user_id', 'in', others)
      .execute()
    // Someone who blocked the viewer is no contact of theirs: their presence is hidden.
    const blockers = await blockersAmong(this.db, userId, rows.map((row) => row.user_id))
    for (const row of rows) if (!blockers.has(row.user_id)) contacts.add(row.user_id)
    return contacts
  }


  async createConversation(input: NewConversation): Promise<{ conversation: ConversationRecord; created: boolean }> {
    const memberIds = [...new Set(input.memberIds)]
    const directKey = input.kind === 'direct' ? [...memberIds].sort().join(':') : null
    for (let attempt = 0; ; attempt++) {
      try {
        const result = await this.db.transaction().execute(async (trx) => {
          if (directKey !== null) {
            const existing = await trx
              .selectFrom('conversations')
              .select('id')
              .where('direct_key', '=', directKey)
              .executeTakeFirst()
            if (existing) return { id: existing.id, created: false }
          }
          const id = newId('c')
          await trx
            .insertInto('conversations')
            .values({
              id,
              kind: input.kind,
              title: input.title,
              direct_key: directKey,
              created_by: input.createdBy,
              created_at: input.now,
              last_seq: 0,
              last_rev: 0,
              last_activity_at: input.now,
            })
            .execute()
          await trx
            .insertInto('members')
            .values(
              memberIds.map((userId, i) => ({
                conversation_id: id,
                user_id: userId,
                // Keep join order stable: the creator first, then the order given.
                joined_at: input.now + i,
                read_seq: 0,
                delivered_seq: 0,
                // The creator of a group owns it (docs/design.md §4.6).
                role: input.kind === 'group' && userId === input.createdBy ? ('owner' as const) : ('member' as const),
              })),
            )
            .execute()
          return { id, created: true }
        })
        const conversation = await this.loadConversation(this.db, result.id)
        if (conversation === null) throw new Error(`conversation ${result.id} vanished after commit`)
        return { conversation, created: result.created }
      } catch (err) {
        // Two first messages racing for the same pair: the loser reads the winner's row.
        if (directKey !== null && isUniqueViolation(err) && attempt === 0) continue
        throw err
      }
    }
  }

  private async loadConversation(db: Db, id: string): Promise<ConversationRecord | null> {
    const [record] = await this.loadConversations(db, [id])
    return record ?? null
  }

  /** Conversations with their members and last message, in three queries whatever the count. */
  private async loadConversations(db: Db, ids: readonly string[]): Promise<ConversationRecord[]> {
    if (ids.length === 0) return []
    const rows = await db
      .selectFrom('conversations')
      .selectAll()
      .where('id', 'in', [...ids])
      .orderBy('last_activity_at', 'desc')
      .orderBy('id')
      .execute()
    return this.withDetails(db, rows)
  }

  /** Conversation rows with their members and last message, in two queries whatever the count; order kept. */
  private async withDetails(db: Db, rows: readonly Selectable<ConversationsTable>[]): Promise<ConversationRecord[]> {
    if (rows.length === 0) return []
    const list = rows.map((row) => row.id)
    const members = await db
      .selectFrom('members')
      .select(['conversation_id', 'user_id', 'read_seq', 'delivered_seq', 'role', 'joined_at', 'muted_until'])
      .where('conversation_id', 'in', list)
      .orderBy('joined_at')
      .orderBy('user_id')
      .execute()
    const lastMessages = await db
      .selectFrom('messages')
      .innerJoin('conversations', (join) =>
        join
          .onRef('conversations.id', '=', 'messages.conversation_id')
          .onRef('conversations.last_seq', '=', 'messages.seq'),
      )
      .selectAll('messages')
      .where('messages.conversation_id', 'in', list)
      .execute()

    const membersBy = new Map<string, MemberMarkers[]>()
    for (const m of members) {
      const entry: MemberMarkers = {
        userId: m.user_id,
        readSeq: Number(m.read_seq),
        deliveredSeq: Number(m.delivered_seq),
        role: m.role,
        joinedAt: Number(m.joined_at),
        mutedUntil: m.muted_until === null ? null : Number(m.muted_until),
      }
      const list = membersBy.get(m.conversation_id)
      if (list) list.push(entry)
      else membersBy.set(m.conversation_id, [entry])
    }
    const hydrated = await hydrateMessages(db, lastMessages)
    const lastBy = new Map(hydrated.map((message) => [message.conversationId, message]))
    return rows.map((row) => ({
      id: row.id,
      kind: row.kind,
      title: row.title,
      createdAt: Number(row.created_at),
      lastActivityAt: Number(row.last_activity_at),
      lastSeq: Number(row.last_seq),
      lastRev: Number(row.last_rev),
      lastMessage: lastBy.get(row.id) ?? null,
      members: membersBy.get(row.id) ?? [],
    }))
  }

  async conversationFor(conversationId: string, memberId: string): Promise<ConversationRecord | null> {
    if (!(await this.isMember(conversationId, memberId))) return null
    return this.loadConversation(this.db, conversationId)
  }

  /**
   * Keyset pagination over members ⋈ conversations: the user's memberships
   * (members_user_conversation, an index-only range), each conversation by its
   * key, sorted and cut in the database. The sort covers the user's
   * conversations after the cursor — no index can serve the order, as it
   * lives in another table than the filter (see migration 0003).
   */
  async conversationPageOf(
    userId: string,
    page: { after?: ConversationCursor; limit: number },
  ): Promise<{ conversations: ConversationRecord[]; hasMore: boolean }> {
    const { after } = page
    let query = this.db
      .selectFrom('members')
      .innerJoin('conversations', 'conversations.id', 'members.conversation_id')
      .selectAll('conversations')
      .where('members.user_id', '=', userId)
    if (after !== undefined) {
      // (last_activity_at, id) past the cursor in the order desc, asc — a row comparison can't mix directions.
      query = query.where((eb) =>
        eb.or([
          eb('conversations.last_activity_at', '<', after.lastActivityAt),
          eb.and([eb('conversations.last_activity_at', '=', after.lastActivityAt), eb('conversations.id', '>', after.id)]),
        ]),
      )
    }
    const rows = await query
      .orderBy('conversations.last_activity_at', 'desc')
      .orderBy('conversations.id')
      .limit(page.limit + 1)
      .execute()
    const conversations = await this.withDetails(this.db, rows.slice(0, page.limit))
    return { conversations, hasMore: rows.length > page.limit }
  }

  async unreadCounts(conversationId: string, userIds: readonly string[]): Promise<Map<string, UnreadCounts>> {
    const counts = new Map<string, UnreadCounts>(userIds.map((id) => [id, { unread: 0, mentions: 0 }]))
    return userIds.length === 0 ? counts : this.countUnread('members.user_id', userIds, [conversationId], counts)
  }

  async unreadCountsOf(userId: string, conversationIds: readonly string[]): Promise<Map<string, UnreadCounts>> {
    const counts = new Map<string, UnreadCounts>()
    return conversationIds.length === 0 ? counts : this.countUnread('members.conversation_id', [userId], conversationIds, counts)
  }

  /** Unread messages and unread mentions of these members in these conversations, counted per `by`, into `counts`. */
  private async countUnread(
    by: 'members.user_id' | 'members.conversation_id',
    userIds: readonly string[],
    conversationIds: readonly string[],
    counts: Map<string, UnreadCounts>,
  ): Promise<Map<string, UnreadCounts>> {
    const [unread, mentions] = await Promise.all(
      [this.unreadQuery(), this.unreadMentionsQuery()].map((query) =>
        query
          .select([`${by} as key`, (eb) => eb.fn.countAll<number>().as('count')])
          .where('members.user_id', 'in', [...userIds])
          .where('members.conversation_id', 'in', [...conversationIds])
          .groupBy(by)
          .execute(),
      ),
    )
    for (const row of unread ?? []) counts.set(row.key, { unread: Number(row.count), mentions: 0 })
    for (const row of mentions ?? []) {
      const entry = counts.get(row.key) ?? { unread: 0, mentions: 0 }
      entry.mentions = Number(row.count)
      counts.set(row.key, entry)
    }
    return counts
  }

  private unreadQuery() {
    return this.db.selectFrom('members').innerJoin('messages', (join) =>
      join
        .onRef('messages.conversation_id', '=', 'members.conversation_id')
        .onRef('messages.seq', '>', 'members.read_seq')
        .onRef('messages.sender_id', '!=', 'members.user_id')
        .on('messages.deleted_at', 'is', null)
        // A change to the group is never unread (docs/design.md §4.6).
        .on('messages.kind', '=', 'text'),
    )
  }

  /**
   * Members ⋈ their unread mentions (message_mentions_user: one index range
   * per member), from others. A deleted message has no mention rows left.
   */
  private unreadMentionsQuery() {
    return this.db
      .selectFrom('members')
      .innerJoin('message_mentions', (join) =>
        join
          .onRef('message_mentions.user_id', '=', 'members.user_id')
          .onRef('message_mentions.conversation_id', '=', 'members.conversation_id')
          .onRef('message_mentions.seq', '>', 'members.read_seq'),
      )
      .innerJoin('messages', (join) =>
        join
          .onRef('messages.id', '=', 'message_mentions.message_id')
          .onRef('messages.sender_id', '!=', 'members.user_id'),
      )
  }

  async isMember(conversationId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .where('user_id', '=', userId)
      .executeTakeFirst()
    return row !== undefined
  }

  async memberIds(conversationId: string): Promise<string[]> {
    const rows = await this.db
      .selectFrom('members')
      .select('user_id')
      .where('conversation_id', '=', conversationId)
      .orderBy('joined_at')
      .orderBy('user_id')
      .execute()
    return rows.map((row) => row.user_id)
  }

  private async existingMessage(db: Db, conversationId: string, senderId: string, clientId: string) {
    const row = await db
      .selectFrom('messages')
      .selectAll()
      .where('conversation_id', '=', conversationId)
      .where('sender_id', '=', senderId)
      .where('client_id', '=', clientId)
      .executeTakeFirst()
    return row ? hydrateMessage(db, row) : null
  }

  /**
   * With group commit (SQLite), sends that arrive in the same tick are stored in
   * one transaction — one fsync for the batch instead of one per message, which
   * on a synchronous driver is also time the whole server would stand still.
   */
  appendMessage(input: AppendInput): Promise<AppendResult> {
    if (!this.options.groupCommit) return this.appendAlone(input)
    return new Promise((resolve, reject) => {
      this.queuedAppends.push({ input, resolve, reject })
      if (this.queuedAppends.length === 1) setImmediate(() => void this.flushAppends())
    })
  }

  private async flushAppends(): Promise<void> {
    const batch = this.queuedAppends.splice(0)
    if (batch.length === 1) {
      const [only] = batch
      if (only) this.appendAlone(only.input).then(only.resolve, only.reject)
      return
    }
    let results: AppendResult[]
    try {
      results = await this.db.transaction().execute(async (trx) => {
        const stored: AppendResult[] = []
        for (const { input } of batch) stored.push(await this.appendIn(trx, input))
        return stored
      })
    } catch {
      // One bad send must not fail the others: redo each in its own transaction.
      for (const item of batch) this.appendAlone(item.input).then(item.resolve, item.reject)
      return
    }
    batch.forEach((item, i) => item.resolve(results[i] as AppendResult))
  }

  private async appendAlone(input: AppendInput): Promise<AppendResult> {
    try {
      return await this.db.transaction().execute((trx) => this.appendIn(trx, input))
    } catch (err) {
      // The same clientId sent twice at once (PostgreSQL): one insert wins, the other returns it.
      if (isUniqueViolation(err)) {
        const existing = await this.existingMessage(this.db, input.conversationId, input.senderId, input.clientId)
        if (existing) return { message: existing, created: false }
      }
      throw err
    }
  }

  private async appendIn(trx: Transaction<Database>, input: AppendInput): Promise<AppendResult> {
    const { conversationId, senderId, clientId, body, now } = input
    const existing = await this.existingMessage(trx, conversationId, senderId, clientId)
    if (existing) return { message: existing, created: false }
    const { seq, rev } = await takeNextSeqAndRev(trx, conversationId, now)
    // Checked under the lock, so a delete of the original cannot slip in between.
    const replyTo = input.replyToId === undefined ? null : await this.replyTarget(trx, conversationId, input.replyToId)
    const message: Message = {
      id: newId('m'),
      conversationId,
      seq,
      rev,
      senderId,
      clientId,
      body,
      createdAt: now,
      editedAt: null,
      deletedAt: null,
      replyTo,
      reactions: [],
      mentions: [...(input.mentions ?? [])],
      attachments: [],
      kind: 'text',
      system: null,
    }
    await trx
      .insertInto('messages')
      .values({
        id: message.id,
        conversation_id: conversationId,
        seq: message.seq,
        rev: message.rev,
        sender_id: senderId,
        client_id: clientId,
        body,
        created_at: now,
        edited_at: null,
        deleted_at: null,
        reply_to_id: replyTo?.id ?? null,
      })
      .execute()
    await insertMentions(trx, message, message.mentions)
    if (input.attachmentIds !== undefined && input.attachmentIds.length > 0) {
      message.attachments = await attachIn(trx, message, input.attachmentIds)
    }
    return { message, created: true }
  }

  /** The preview of the message a new one answers; refused when it is not in the conversation or deleted. */
  private async replyTarget(trx: Transaction<Database>, conversationId: string, replyToId: string): Promise<ReplyTo> {
    const original = await trx
      .selectFrom('messages')
      .select(['id', 'seq', 'sender_id', 'body', 'deleted_at', 'kind'])
      .where('id', '=', replyToId)
      .where('conversation_id', '=', conversationId)
      .executeTakeFirst()
    if (original === undefined) {
      throw new MessageRefusedError('reply_not_found', `replyToId: no message ${replyToId.slice(0, 64)} in this conversation`)
    }
    if (original.deleted_at !== null) throw new MessageRefusedError('reply_deleted', 'replyToId: that message was deleted')
    if (original.kind === 'system') throw new MessageRefusedError('system_message', 'replyToId: a change to the group cannot be replied to')
    return { id: original.id, seq: Number(original.seq), senderId: original.sender_id, body: replyPreview(original.body), deleted: false }
  }

  async messages(
    conversationId: string,
    page: { after?: number; before?: number; changedAfter?: number; limit: number },
  ): Promise<{ messages: Message[]; hasMore: boolean }> {
    // seq and rev are 32-bit integers in PostgreSQL, which refuses a bound past them (the API allows up to 2^53):
    // nothing lies after such a bound, and everything lies before it.
    if ((page.after ?? 0) > MAX_COUNTER || (page.changedAfter ?? 0) > MAX_COUNTER) return { messages: [], hasMore: false }
    if (page.before !== undefined && page.before > MAX_COUNTER) page = { ...page, before: undefined }
    let query = this.db.selectFrom('messages').selectAll().where('conversation_id', '=', conversationId)
    let rows
    if (page.changedAfter !== undefined) {
      rows = await query
        .where('rev', '>', page.changedAfter)
        .orderBy('rev', 'asc')
        .limit(page.limit + 1)
        .execute()
    } else if (page.after !== undefined) {
      rows = await query
        .where('seq', '>', page.after)
        .orderBy('seq', 'asc')
        .limit(page.limit + 1)
        .execute()
    } else {
      if (page.before !== undefined) query = query.where('seq', '<', page.before)
      rows = await query
        .orderBy('seq', 'desc')
        .limit(page.limit + 1)
        .execute()
      const hasMore = rows.length > page.limit
      return { messages: await hydrateMessages(this.db, rows.slice(0, page.limit).reverse()), hasMore }
    }
    return { messages: await hydrateMessages(this.db, rows.slice(0, page.limit)), hasMore: rows.length > page.limit }
  }

  editMessage(input: Parameters<Store['editMessage']>[0]): Promise<MessageChange> {
    return this.db.transaction().execute((trx) => editIn(trx, input))
  }

  deleteMessage(input: Parameters<Store['deleteMessage']>[0]): Promise<MessageChange> {
    return this.db.transaction().execute((trx) => deleteIn(trx, input))
  }

  setReaction(input: Parameters<Store['setReaction']>[0]): Promise<MessageChange> {
    return this.db.transaction().execute((trx) => setReactionIn(trx, input))
  }

  async reserveBlobKeys(keys: readonly string[], notBefore: number): Promise<void> {
    await queueBlobDeletions(this.db, keys, notBefore)
  }

  async createAttachment(attachment: NewAttachment): Promise<void> {
    await this.db.transaction().execute((trx) => insertAttachment(trx, attachment))
  }

  async attachment(id: string): Promise<AttachmentRecord | null> {
    const row = await this.db.selectFrom('attachments').selectAll().where('id', '=', id).executeTakeFirst()
    return row ? toAttachmentRecord(row) : null
  }

  sweepUploads(createdBefore: number, now: number, limit: number): Promise<string[]> {
    return this.db.transaction().execute((trx) => sweepUploadsIn(trx, createdBefore, now, limit))
  }

  async dueBlobDeletions(now: number, limit: number): Promise<string[]> {
    const rows = await this.db
      .selectFrom('blob_deletions')
      .select('blob_key')
      .where('not_before', '<=', now)
      .orderBy('not_before')
      .limit(limit)
      .execute()
    return rows.map((row) => row.blob_key)
  }

  async blobsDeleted(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return
    await this.db.deleteFrom('blob_deletions').where('blob_key', 'in', [...keys]).execute()
  }

  async blobDeletesFailed(keys: readonly string[], retryAt: number): Promise<void> {
    if (keys.length === 0) return
    await this.db
      .updateTable('blob_deletions')
      .set((eb) => ({ not_before: retryAt, attempts: eb('attempts', '+', 1) }))
      .where('blob_key', 'in', [...keys])
      .execute()
  }

  async advanceMarker(conversationId: string, userId: string, kind: MarkerKind, seq: number): Promise<MarkerResult> {
    return this.db.transaction().execute(async (trx) => {
      const conversation = await trx
        .selectFrom('conversations')
        .select('last_seq')
        .where('id', '=', conversationId)
        .executeTakeFirstOrThrow()
      const target = Math.min(seq, Number(conversation.last_seq))
      let changed = 0n
      // Conditional updates: a marker only ever moves forward, whatever the interleaving.
      if (kind === 'read') {
        const read = await trx
          .updateTable('members')
          .set({ read_seq: target })
          .where('conversation_id', '=', conversationId)
          .where('user_id', '=', userId)
          .where('read_seq', '<', target)
          .executeTakeFirst()
        changed += read.numUpdatedRows
      }
      const delivered = await trx
        .updateTable('members')
        .set({ delivered_seq: target })
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .where('delivered_seq', '<', target)
        .executeTakeFirst()
      changed += delivered.numUpdatedRows
      const row = await trx
        .selectFrom('members')
        .select(['read_seq', 'delivered_seq'])
        .where('conversation_id', '=', conversationId)
        .where('user_id', '=', userId)
        .executeTakeFirstOrThrow()
      return { readSeq: Number(row.read_seq), deliveredSeq: Number(row.delivered_seq), changed: changed > 0n }
    })
  }

  // --- Groups, roles and mutes: delegates to group-rows.ts ---

  renameConversation(input: Parameters<Store['renameConversation']>[0]): Promise<GroupChange> {
    return this.groupChange(input.conversationId, (trx) => renameIn(trx, input))
  }

  addMembers(input: Parameters<Store['addMembers']>[0]): Promise<GroupChange> {
    return this.groupChange(input.conversationId, (trx) => addMembersIn(trx, input))
  }

  removeMember(input: Parameters<Store['removeMember']>[0]): Promise<GroupChange> {
    return this.groupChange(input.conversationId, (trx) => removeMemberIn(trx, input))
  }

  setMemberRole(input: Parameters<Store['setMemberRole']>[0]): Promise<GroupChange> {
    return this.groupChange(input.conversationId, (trx) => setRoleIn(trx, input))
  }

  /** One transaction for the change; the conversation as it is after commit. */
  private async groupChange(conversationId: string, change: (trx: Transaction<Database>) => Promise<GroupRowsChange>): Promise<GroupChange> {
    const result = await this.db.transaction().execute(change)
    const conversation = await this.loadConversation(this.db, conversationId)
    if (conversation === null) throw new Error(`conversation ${conversationId} vanished after a group change`)
    return { conversation, ...result }
  }

  async setMutedUntil(conversationId: string, userId: string, mutedUntil: number | null): Promise<ConversationRecord | null> {
    const member = await this.db.transaction().execute((trx) => setMutedUntilIn(trx, conversationId, userId, mutedUntil))
    return member ? this.loadConversation(this.db, conversationId) : null
  }

  // --- People and administration: delegates to account-rows.ts ---

  userById(id: string): Promise<UserRecord | null> {
    return userById(this.db, id)
  }

  updateDisplayName(userId: string, displayName: string): Promise<UserRecord | null> {
    return updateDisplayName(this.db, userId, displayName)
  }

  setPasswordHash(userId: string, passwordHash: string): Promise<void> {
    return setPasswordHash(this.db, userId, passwordHash)
  }

  setDisabled(userId: string, disabled: boolean, now: number): Promise<EndedSession[]> {
    return this.db.transaction().execute((trx) => setDisabledIn(trx, userId, disabled, now))
  }

  setAdmin(userId: string, admin: boolean): Promise<void> {
    return setAdmin(this.db, userId, admin)
  }

  sessionsOf(userId: string, now: number): Promise<DeviceSessionRecord[]> {
    return sessionsOf(this.db, userId, now)
  }

  deleteSessionById(userId: string, sessionId: string): Promise<EndedSession | null> {
    return deleteSessionById(this.db, userId, sessionId)
  }

  deleteSessionsOf(userId: string, keepTokenHash?: string): Promise<EndedSession[]> {
    return deleteSessionsOf(this.db, userId, keepTokenHash)
  }

  liveSessionsAmong(tokenHashes: readonly string[], now: number): Promise<Set<string>> {
    return liveSessionsAmong(this.db, tokenHashes, now)
  }

  block(blockerId: string, blockedId: string, now: number): Promise<void> {
    return block(this.db, blockerId, blockedId, now)
  }

  unblock(blockerId: string, blockedId: string): Promise<void> {
    return unblock(this.db, blockerId, blockedId)
  }

  blockedUsers(blockerId: string): Promise<UserRecord[]> {
    return blockedUsers(this.db, blockerId)
  }

  hasBlocked(blockerId: string, blockedId: string): Promise<boolean> {
    return hasBlocked(this.db, blockerId, blockedId)
  }

  blockersOf(userId: string): Promise<string[]> {
    return blockersOf(this.db, userId)
  }

  directConversationBetween(a: string, b: string): Promise<string | null> {
    return directConversationBetween(this.db, a, b)
  }

  blockedInDirect(conversationId: string, userId: string): Promise<boolean> {
    return blockedInDirect(this.db, conversationId, userId)
  }

  presenceAdmissions(userId: string, conversationIds: readonly string[]): Promise<Map<string, 'admitted' | 'blocked'>> {
    return presenceAdmissions(this.db, userId, conversationIds)
  }

  createInvite(invite: NewInvite): Promise<void> {
    return insertInvite(this.db, invite)
  }

  searchMessages(search: MessageSearch): Promise<{ hits: SearchHitRecord[]; hasMore: boolean }> {
    return searchMessagesIn(this.db, this.dialect, search)
  }

  async close(): Promise<void> {
    await this.db.destroy()
  }
}
