/**
 * Server messages in the cache: idempotent storing of pages and events, and
 * the reads the conversation view needs. Unsent own messages are written by
 * UnsentMessages; here they only show up after the sent ones and turn into
 * sent messages when the server's copy arrives.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { Message } from '../../../shared/api'
import type { ChatMessage } from '../../../shared/ipc'
import type { ConversationTable } from './conversations'
import { MESSAGE_COLUMNS, messageKey, toChatMessage, type MessageRow } from './message-row'
import type { OutboxTable } from './outbox'
import type { RowKeys } from './row-keys'
import type { StoreMessagesResult } from './types'

type InsertParams = [number, string, string, number, string, string, string, number]
type SendPendingParams = [number, string, number, string, number, string, string, string]

export class MessageTable {
  private readonly insert: Statement<InsertParams>
  private readonly sendPending: Statement<SendPendingParams, { row_id: number }>
  private readonly unsentKeys: Statement<[string], { sender_id: string; client_id: string }>
  private readonly latestSent: Statement<[string, number], MessageRow>
  private readonly before: Statement<[string, number, number], MessageRow>
  private readonly unsent: Statement<[string], MessageRow>
  private readonly newestUnsent: Statement<[string], MessageRow>
  private readonly range: Statement<[string, number, number], MessageRow>
  private readonly highest: Statement<[string], number | null>
  private readonly lowest: Statement<[string], number | null>

  constructor(
    private readonly db: Database,
    private readonly rowKeys: RowKeys,
    private readonly conversations: ConversationTable,
    private readonly outbox: OutboxTable,
  ) {
    // ON CONFLICT DO NOTHING: same seq or same id — a message already cached.
    this.insert = db.prepare(
      `INSERT INTO messages (row_id, conversation_id, id, seq, sender_id, client_id, body, created_at, state)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent') ON CONFLICT DO NOTHING`,
    )
    // The row takes the server's time and so a new row id (its outbox row
    // follows by ON UPDATE CASCADE). OR IGNORE: should the server's seq or id
    // already be taken by another row (it never should), the pending copy stays
    // as it is instead of failing the page.
    this.sendPending = db.prepare(
      `UPDATE OR IGNORE messages SET row_id = ?, id = ?, seq = ?, body = ?, created_at = ?, state = 'sent', error = NULL
       WHERE conversation_id = ? AND client_id = ? AND sender_id = ? AND seq IS NULL AND own = 1
       RETURNING row_id`,
    )
    // Only own rows are unsent (addPending writes them); messages_by_seq finds them by seq IS NULL.
    this.unsentKeys = db.prepare('SELECT sender_id, client_id FROM messages WHERE conversation_id = ? AND seq IS NULL')
    const from = `SELECT ${MESSAGE_COLUMNS} FROM messages m`
    this.latestSent = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq IS NOT NULL ORDER BY m.seq DESC LIMIT ?`)
    this.before = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq < ? ORDER BY m.seq DESC LIMIT ?`)
    this.unsent = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq IS NULL ORDER BY m.row_id`)
    this.newestUnsent = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq IS NULL ORDER BY m.row_id DESC LIMIT 1`)
    this.range = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq BETWEEN ? AND ? ORDER BY m.seq`)
    this.highest = db.prepare<[string], number | null>('SELECT max(seq) FROM messages WHERE conversation_id = ?').pluck()
    this.lowest = db.prepare<[string], number | null>('SELECT min(seq) FROM messages WHERE conversation_id = ?').pluck()
  }

  storeMessages(messages: readonly Message[]): StoreMessagesResult {
    const changed = new Map<string, ChatMessage[]>()
    let inserted = 0
    if (messages.length === 0) return { changed, inserted }
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
      for (const m of messages) {
        const rowId = nextRowId(m.createdAt)
        let stored = false
        const pendingCopies = unsent.get(m.conversationId)
        if (pendingCopies !== undefined && pendingCopies.size > 0 && pendingCopies.delete(messageKey(m.senderId, m.clientId))) {
          const converted = this.sendPending.get(rowId, m.id, m.seq, m.body, m.createdAt, m.conversationId, m.clientId, m.senderId)
          if (converted) {
            this.outbox.dropMessage(converted.row_id)
            stored = true
          }
        }
        if (!stored && this.insert.run(rowId, m.conversationId, m.id, m.seq, m.senderId, m.clientId, m.body, m.createdAt).changes > 0) {
          stored = true
          inserted++
        }
        if (stored) {
          const list = changed.get(m.conversationId)
          const message = sentMessage(m)
          if (list) list.push(message)
          else changed.set(m.conversationId, [message])
        }
        const top = raised.get(m.conversationId)
        if (top === undefined) raised.set(m.conversationId, { seq: m.seq, at: m.createdAt })
        else {
          top.seq = Math.max(top.seq, m.seq)
          top.at = Math.max(top.at, m.createdAt)
        }
      }
      for (const [conversationId, top] of raised) this.conversations.raiseActivity(conversationId, top.seq, top.at)
    })()
    return { changed, inserted }
  }

  /** The latest `limit` sent messages then every unsent one, or `limit` sent ones before `beforeSeq`; ascending. */
  messages(conversationId: string, page: { beforeSeq?: number; limit: number }): ChatMessage[] {
    const limit = Math.max(0, Math.floor(page.limit))
    if (page.beforeSeq !== undefined) return this.before.all(conversationId, page.beforeSeq, limit).reverse().map(toChatMessage)
    const sent = this.latestSent.all(conversationId, limit).reverse()
    return [...sent, ...this.unsent.all(conversationId)].map(toChatMessage)
  }

  messagesInRange(conversationId: string, fromSeq: number, toSeq: number): ChatMessage[] {
    return this.range.all(conversationId, fromSeq, toSeq).map(toChatMessage)
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
    return row ? toChatMessage(row) : null
  }
}

function sentMessage(m: Message): ChatMessage {
  return {
    key: messageKey(m.senderId, m.clientId),
    id: m.id,
    clientId: m.clientId,
    conversationId: m.conversationId,
    seq: m.seq,
    senderId: m.senderId,
    body: m.body,
    createdAt: m.createdAt,
    state: 'sent',
    error: null,
  }
}
