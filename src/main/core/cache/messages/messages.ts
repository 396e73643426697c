/**
 * Server messages in the cache: idempotent storing of pages and events, and
 * the reads the conversation view needs. Unsent own messages are written by
 * UnsentMessages; here they only show up after the sent ones and turn into
 * sent messages when the server's copy arrives.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { Message } from '../../../../shared/api'
import type { ChatMessage } from '../../../../shared/ipc'
import type { AttachmentTable } from '../attachments/attachment-table'
import type { ConversationTable } from '../conversations/conversations'
import type { OutboxTable } from '../outbox/outbox-table'
import type { UnindexedRows } from '../search/search-indexer'
import type { StoreMessagesResult } from '../types'
import { fromServer, listColumn, MESSAGE_COLUMNS, messageKey, previewOf, type MessageRow, type StoredMessage } from './message-row'
import type { MessageViews } from './message-views'
import type { RowKeys } from './row-keys'

/** Rows per INSERT statement, largest first: a page of 200 is four statements, a single event one. */
const INSERT_CHUNKS = [50, 10, 1] as const
/** Columns a server message sets besides its identity, in this order (changeColumns). */
type ChangeParams = [
  body: string,
  rev: number,
  editedAt: number | null,
  deletedAt: number | null,
  replyToSeq: number | null,
  replyPreview: string | null,
  reactions: string | null,
  mentions: string | null,
  mentionsMe: number,
]
type SendPendingParams = [number, string, number, number, ...ChangeParams, string, string, string]
type UpdateParams = [...ChangeParams, string, number, number]

export class MessageTable {
  /** Multi-row INSERTs by number of rows (INSERT_CHUNKS). */
  private readonly inserts = new Map<number, Statement<(string | number | null)[]>>()
  private readonly taken: Statement<[string], number>
  private readonly sendPending: Statement<SendPendingParams, { row_id: number }>
  private readonly update: Statement<UpdateParams, { row_id: number }>
  private readonly unsentKeys: Statement<[string], { sender_id: string; client_id: string }>
  private readonly latestSent: Statement<[string, number], MessageRow>
  private readonly before: Statement<[string, number, number], MessageRow>
  private readonly after: Statement<[string, number, number], MessageRow>
  private readonly unsent: Statement<[string], MessageRow>
  private readonly newestUnsent: Statement<[string], MessageRow>
  private readonly newestUnsentOf: Statement<[string], MessageRow>
  private readonly latestSentOf: Statement<[string], MessageRow>
  private readonly range: Statement<[string, number, number], MessageRow>
  private readonly highest: Statement<[string], number | null>
  private readonly lowest: Statement<[string], number | null>
  private readonly unpreviewedReplies: Statement<[string, number, number], MessageRow>

  constructor(
    private readonly db: Database,
    /** The account's user id: its messages are flagged `mine` (unread.ts). */
    private readonly me: string,
    private readonly rowKeys: RowKeys,
    private readonly conversations: ConversationTable,
    private readonly outbox: OutboxTable,
    private readonly unindexed: UnindexedRows,
    private readonly views: MessageViews,
    private readonly attachments: AttachmentTable,
  ) {
    // The row takes the server's time and so a new row id (its outbox row
    // follows by ON UPDATE CASCADE). OR IGNORE: should the server's seq or id
    // already be taken by another row (it never should), the pending copy stays
    // as it is instead of failing the page.
    this.sendPending = db.prepare(
      `UPDATE OR IGNORE messages SET row_id = ?, id = ?, seq = ?, created_at = ?, ${CHANGE_COLUMNS}, state = 'sent', error = NULL,
         reply_to_client = NULL
       WHERE conversation_id = ? AND client_id = ? AND sender_id = ? AND seq IS NULL AND own = 1
       RETURNING row_id`,
    )
    // A change to a cached message (edit, delete, reactions): only a newer rev replaces what is stored.
    this.update = db.prepare(
      `UPDATE messages SET ${CHANGE_COLUMNS}
       WHERE conversation_id = ? AND seq = ? AND (rev IS NULL OR rev < ?)
       RETURNING row_id`,
    )
    this.taken = db.prepare<[string], number>('SELECT row_id FROM messages WHERE row_id IN (SELECT value FROM json_each(?))').pluck()
    // Only own rows are unsent (addPending writes them); messages_by_seq finds them by seq IS NULL.
    this.unsentKeys = db.prepare('SELECT sender_id, client_id FROM messages WHERE conversation_id = ? AND seq IS NULL')
    const from = `SELECT ${MESSAGE_COLUMNS} FROM messages m`
    this.latestSent = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq IS NOT NULL ORDER BY m.seq DESC LIMIT ?`)
    this.before = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`)
    this.after = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq > ? ORDER BY m.seq LIMIT ?`)
    this.unsent = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq IS NULL ORDER BY m.row_id`)
    this.newestUnsent = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq IS NULL ORDER BY m.row_id DESC LIMIT 1`)
    // The same for many conversations (ids as a JSON array): each one's row found by one seek in messages_by_seq.
    this.newestUnsentOf = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM json_each(?) j JOIN messages m ON m.row_id =
         (SELECT x.row_id FROM messages x WHERE x.conversation_id = j.value AND x.seq IS NULL ORDER BY x.row_id DESC LIMIT 1)`,
    )
    this.latestSentOf = db.prepare(
      `SELECT ${MESSAGE_COLUMNS} FROM json_each(?) j JOIN messages m ON m.pk =
         (SELECT x.pk FROM messages x WHERE x.conversation_id = j.value AND x.seq IS NOT NULL ORDER BY x.seq DESC LIMIT 1)`,
    )
    this.range = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq BETWEEN ? AND ? ORDER BY m.seq`)
    this.highest = db.prepare<[string], number | null>('SELECT max(seq) FROM messages WHERE conversation_id = ?').pluck()
    this.lowest = db.prepare<[string], number | null>('SELECT min(seq) FROM messages WHERE conversation_id = ?').pluck()
    // Replies without the server's preview (stored before migration 009) answering a seq in a range: messages_unpreviewed_replies.
    this.unpreviewedReplies = db.prepare(
      `${from} WHERE m.conversation_id = ? AND m.reply_to_seq BETWEEN ? AND ? AND m.reply_to_seq IS NOT NULL AND m.reply_preview IS NULL AND m.seq IS NOT NULL`,
    )
  }

  storeMessages(messages: readonly Message[]): StoreMessagesResult {
    const changed = new Map<string, ChatMessage[]>()
    const added = new Map<string, ChatMessage[]>()
    const attachments: StoreMessagesResult['attachments'] = { added: [], forgotten: [] }
    let inserted = 0
    if (messages.length === 0) return { changed, added, inserted, attachments }
    this.db.transaction(() => {
      const raised = new Map<string, { seq: number; at: number }>()
      // Own unsent rows of the page's conversations (a handful at most): the
      // server's copy of one of them converts it instead of being inserted.
      const unsent = new Map<string, Set<string>>()
      for (const m of messages) {
        if (!unsent.has(m.conversationId)) {
          unsent.set(m.conversationId, new Set(this.unsentKeys.all(m.conversationId).map((row) => messageKey(row.sender_id, row.client_id))))
        }
      }
      const nextRowId = this.rowKeys.forTransaction()
      // Row id of each message; converted[i]: it turned a pending copy into this message.
      const rowIds = new Array<number>(messages.length)
      const converted = new Set<number>()
      const toInsert: number[] = []
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i] as Message
        const rowId = nextRowId(m.createdAt)
        rowIds[i] = rowId
        const pendingCopies = unsent.get(m.conversationId)
        if (pendingCopies !== undefined && pendingCopies.size > 0 && pendingCopies.delete(messageKey(m.senderId, m.clientId))) {
          const row = this.sendPending.get(rowId, m.id, m.seq, m.createdAt, ...this.changeParams(m), m.conversationId, m.clientId, m.senderId)
          if (row) {
            this.outbox.dropMessage(row.row_id)
            // Its files are the server's now (their copies moved into the download cache when it was posted).
            this.attachments.dropOutbox(row.row_id)
            converted.add(i)
            continue
          }
        }
        toInsert.push(i)
      }
      const stored = this.insertRows(messages, toInsert, rowIds)
      inserted = stored.size
      // New rows are searchable at once and indexed later (nearly all of them are the tail already).
      this.unindexed.note(stored)
      const results: StoredMessage[] = []
      const isNew: boolean[] = []
      for (let i = 0; i < messages.length; i++) {
        const m = messages[i] as Message
        const rowId = rowIds[i] as number
        if (converted.has(i) || stored.has(rowId)) {
          // Files never change on the server but by going with a delete: written once, with the row.
          if (m.attachments.length > 0 && m.deletedAt === null) {
            this.attachments.store(rowId, m.attachments)
            attachments.added.push(...m.attachments)
          }
          results.push(fromServer(m, rowId))
          isNew.push(stored.has(rowId))
        } else {
          // Cached already: a newer state of it replaces the stored one (its search entry follows, by trigger).
          const row = this.update.get(...this.changeParams(m), m.conversationId, m.seq, m.rev)
          if (row !== undefined) {
            // Deleted means gone: a tombstone's files leave the cache (the core deletes them from disk).
            if (m.deletedAt !== null) attachments.forgotten.push(...this.attachments.forget(row.row_id))
            results.push(fromServer(m, row.row_id))
            isNew.push(false)
          }
        }
        const top = raised.get(m.conversationId)
        if (top === undefined) raised.set(m.conversationId, { seq: m.seq, at: m.createdAt })
        else {
          top.seq = Math.max(top.seq, m.seq)
          top.at = Math.max(top.at, m.createdAt)
        }
      }
      const views = this.views.finish(results)
      views.forEach((view, i) => {
        push(changed, view)
        if (isNew[i]) push(added, view)
      })
      // A reply cached without a preview whose original just came in shows it now: its view goes out again.
      for (const view of this.repliesAnswering(messages, stored, rowIds, results)) push(changed, view)
      for (const [conversationId, top] of raised) this.conversations.raiseActivity(conversationId, top.seq, top.at)
    })()
    return { changed, added, inserted, attachments }
  }

  /**
   * Views of the cached replies without a preview (stored before migration
   * 009) that answer one of the rows just inserted, other than those rows
   * themselves: their quote was "not loaded" and now shows the original.
   */
  private repliesAnswering(messages: readonly Message[], stored: ReadonlySet<number>, rowIds: readonly number[], results: readonly StoredMessage[]): ChatMessage[] {
    if (stored.size === 0) return []
    const spans = new Map<string, { low: number; high: number }>()
    messages.forEach((m, i) => {
      if (!stored.has(rowIds[i] as number)) return
      const span = spans.get(m.conversationId)
      if (span === undefined) spans.set(m.conversationId, { low: m.seq, high: m.seq })
      else {
        span.low = Math.min(span.low, m.seq)
        span.high = Math.max(span.high, m.seq)
      }
    })
    const shown = new Set(results.map((result) => result.rowId))
    const rows: MessageRow[] = []
    for (const [conversationId, { low, high }] of spans) {
      for (const row of this.unpreviewedReplies.all(conversationId, low, high)) if (!shown.has(row.row_id)) rows.push(row)
    }
    return rows.length === 0 ? [] : this.views.ofRows(rows)
  }

  /** ChangeParams of a server message. */
  private changeParams(m: Message): ChangeParams {
    return [
      m.body,
      m.rev,
      m.editedAt,
      m.deletedAt,
      m.replyTo?.seq ?? null,
      m.replyTo == null ? null : JSON.stringify(previewOf(m.replyTo)),
      listColumn(m.reactions),
      listColumn(m.mentions),
      m.senderId !== this.me && m.mentions.includes(this.me) ? 1 : 0,
    ]
  }

  /**
   * INSERT `messages[i]` for each i of `which` under `rowIds[i]`, many rows
   * per statement (one call into SQLite per row was a third of the cost of
   * storing a page); returns the row ids actually inserted — the rest were
   * cached already.
   *
   * No RETURNING (it made SQLite buffer and better-sqlite3 build a row per
   * message: a quarter of the cost of an insert). A statement that inserted
   * all its rows says so in `changes`; for one that did not, the rows that
   * went in are those whose row id is now taken — RowKeys hands out only ids
   * that were free (row-keys.ts).
   */
  private insertRows(messages: readonly Message[], which: readonly number[], rowIds: readonly number[]): Set<number> {
    const stored = new Set<number>()
    let at = 0
    while (at < which.length) {
      const rows = INSERT_CHUNKS.find((size) => size <= which.length - at) ?? 1
      const params: (string | number | null)[] = []
      const ids: number[] = []
      for (let k = at; k < at + rows; k++) {
        const i = which[k] as number
        const m = messages[i] as Message
        const rowId = rowIds[i] as number
        ids.push(rowId)
        // A message built without the schema's defaults (older callers) is text.
        const system = m.kind === 'system' && m.system != null ? JSON.stringify(m.system) : null
        params.push(rowId, m.conversationId, m.id, m.seq, m.senderId, m.clientId, m.createdAt, m.senderId === this.me ? 1 : 0, system === null ? 'text' : 'system', system, ...this.changeParams(m))
      }
      const { changes } = this.insertStatement(rows).run(...params)
      if (changes === rows) for (const id of ids) stored.add(id)
      else if (changes > 0) for (const id of this.taken.all(JSON.stringify(ids))) stored.add(id)
      at += rows
    }
    return stored
  }

  private insertStatement(rows: number): Statement<(string | number | null)[]> {
    let statement = this.inserts.get(rows)
    if (statement === undefined) {
      // A message already cached has the same seq. Any other conflict — a row id taken — fails the
      // page rather than drop a message.
      statement = this.db.prepare<(string | number | null)[]>(
        `INSERT INTO messages (row_id, conversation_id, id, seq, sender_id, client_id, created_at, mine, kind, system_event,
           body, rev, edited_at, deleted_at, reply_to_seq, reply_preview, reactions, mentions, mentions_me, state)
         VALUES ${Array.from({ length: rows }, () => "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'sent')").join(', ')}
         ON CONFLICT (conversation_id, seq) DO NOTHING`,
      )
      this.inserts.set(rows, statement)
    }
    return statement
  }

  /**
   * Ascending: the latest `limit` sent messages then every unsent one; or `limit` sent ones before
   * `beforeSeq`; or `limit` sent ones after `afterSeq`, then every unsent one when those reach the
   * highest seq (the page is then the latest, as the first form's).
   */
  messages(conversationId: string, page: { beforeSeq?: number; afterSeq?: number; limit: number }): ChatMessage[] {
    const limit = Math.max(0, Math.floor(page.limit))
    if (page.beforeSeq !== undefined) return this.views.ofRows(this.before.all(conversationId, page.beforeSeq, limit).reverse())
    if (page.afterSeq !== undefined) {
      // One more than asked: there is more after the page exactly when it comes.
      const sent = this.after.all(conversationId, page.afterSeq, limit + 1)
      if (sent.length > limit) return this.views.ofRows(sent.slice(0, limit))
      return this.views.ofRows([...sent, ...this.unsent.all(conversationId)])
    }
    const sent = this.latestSent.all(conversationId, limit).reverse()
    return this.views.ofRows([...sent, ...this.unsent.all(conversationId)])
  }

  messagesInRange(conversationId: string, fromSeq: number, toSeq: number): ChatMessage[] {
    return this.views.ofRows(this.range.all(conversationId, fromSeq, toSeq))
  }

  /** A sent message by seq, as shown (null when not cached). */
  bySeq(conversationId: string, seq: number): ChatMessage | null {
    const row = this.range.get(conversationId, seq, seq)
    return row ? (this.views.ofRows([row])[0] ?? null) : null
  }

  highestSeq(conversationId: string): number {
    return this.highest.get(conversationId) ?? 0
  }

  lowestSeq(conversationId: string): number | null {
    return this.lowest.get(conversationId) ?? null
  }

  /** The last message of the conversation view: the newest unsent one, else the highest seq. */
  lastMessage(conversationId: string): ChatMessage | null {
    const row = this.newestUnsent.get(conversationId) ?? this.latestSent.get(conversationId, 1)
    return row ? (this.views.ofRows([row])[0] ?? null) : null
  }

  /**
   * `lastMessage` of many conversations: two queries and one finish for all
   * of them, where one at a time took four statements each (~80 µs a
   * conversation: 40 ms for a list of 500 at start).
   */
  lastMessages(conversationIds: readonly string[]): Map<string, ChatMessage | null> {
    const result = new Map<string, ChatMessage | null>(conversationIds.map((id) => [id, null]))
    if (conversationIds.length === 0) return result
    const ids = JSON.stringify([...result.keys()])
    const unsent = this.newestUnsentOf.all(ids)
    const pending = new Set(unsent.map((row) => row.conversation_id))
    const rows = [...unsent, ...this.latestSentOf.all(ids).filter((row) => !pending.has(row.conversation_id))]
    for (const view of this.views.ofRows(rows)) result.set(view.conversationId, view)
    return result
  }
}

/** The columns ChangeParams set. */
const CHANGE_COLUMNS =
  'body = ?, rev = ?, edited_at = ?, deleted_at = ?, reply_to_seq = ?, reply_preview = ?, reactions = ?, mentions = ?, mentions_me = ?'

function push(map: Map<string, ChatMessage[]>, message: ChatMessage): void {
  const list = map.get(message.conversationId)
  if (list) list.push(message)
  else map.set(message.conversationId, [message])
}
