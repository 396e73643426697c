/**
 * Own messages that the server does not have yet: pending (queued in the
 * outbox) or failed (refused for good; the user may retry or delete them).
 * Each change to one commits together with its outbox row.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { ChatMessage } from '../../../../shared/ipc'
import type { OutboxTable } from '../outbox/outbox-table'
import type { UnindexedRows } from '../search/search-indexer'
import { MESSAGE_COLUMNS, toChatMessage, type MessageRow } from './message-row'
import type { RowKeys } from './row-keys'

export interface NewPendingMessage {
  conversationId: string
  senderId: string
  clientId: string
  body: string
  createdAt: number
}

export class UnsentMessages {
  private readonly insert: Statement<[number, string, string, string, string, number]>
  private readonly own: Statement<[string, string], MessageRow>
  private readonly setState: Statement<[string, string | null, number]>
  private readonly remove: Statement<[string, string]>

  constructor(
    private readonly db: Database,
    private readonly rowKeys: RowKeys,
    private readonly outbox: OutboxTable,
    private readonly unindexed: UnindexedRows,
  ) {
    this.insert = db.prepare(
      `INSERT INTO messages (row_id, conversation_id, sender_id, client_id, body, created_at, state, own, mine)
       VALUES (?, ?, ?, ?, ?, ?, 'pending', 1, 1)`,
    )
    this.own = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? AND m.client_id = ? AND m.own = 1`)
    this.setState = db.prepare('UPDATE messages SET state = ?, error = ? WHERE row_id = ?')
    // The outbox row goes with it (ON DELETE CASCADE).
    this.remove = db.prepare('DELETE FROM messages WHERE conversation_id = ? AND client_id = ? AND own = 1 AND seq IS NULL')
  }

  /** A new pending message and its outbox row, in one transaction. */
  addPending(message: NewPendingMessage): ChatMessage {
    return this.db.transaction(() => {
      const { conversationId, senderId, clientId, body, createdAt } = message
      const rowId = this.rowKeys.next(createdAt)
      this.insert.run(rowId, conversationId, senderId, clientId, body, createdAt)
      // Searchable at once and indexed later.
      this.unindexed.note([rowId])
      this.outbox.enqueueMessage(conversationId, rowId)
      return toChatMessage({
        row_id: rowId,
        conversation_id: conversationId,
        id: null,
        seq: null,
        sender_id: senderId,
        client_id: clientId,
        body,
        created_at: createdAt,
        state: 'pending',
        error: null,
      })
    })()
  }

  /** Pending (or already failed) → failed with this error; its outbox row goes. */
  markFailed(conversationId: string, clientId: string, error: string): ChatMessage | null {
    return this.db.transaction(() => {
      const row = this.own.get(conversationId, clientId)
      if (row === undefined || row.state === 'sent') return null
      this.setState.run('failed', error, row.row_id)
      this.outbox.dropMessage(row.row_id)
      return toChatMessage({ ...row, state: 'failed', error })
    })()
  }

  /** Failed → pending with a fresh outbox row (at the end of the queue). */
  retryFailed(conversationId: string, clientId: string): ChatMessage | null {
    return this.db.transaction(() => {
      const row = this.own.get(conversationId, clientId)
      if (row === undefined || row.state !== 'failed') return null
      this.setState.run('pending', null, row.row_id)
      this.outbox.dropMessage(row.row_id)
      this.outbox.enqueueMessage(conversationId, row.row_id)
      return toChatMessage({ ...row, state: 'pending', error: null })
    })()
  }

  deleteUnsent(conversationId: string, clientId: string): boolean {
    return this.remove.run(conversationId, clientId).changes > 0
  }

  /** A message written on this device, in any state (the server's copy keeps the row). */
  ownMessage(conversationId: string, clientId: string): ChatMessage | null {
    const row = this.own.get(conversationId, clientId)
    return row ? toChatMessage(row) : null
  }
}
