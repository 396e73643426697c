/**
 * Own messages that the server does not have yet: pending (queued in the
 * outbox) or failed (refused for good; the user may retry or delete them).
 * Each change to one commits together with its outbox row.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { ChatMessage } from '../../../../shared/ipc'
import type { AttachmentTable, OutboxAttachment } from '../attachments/attachment-table'
import type { OutboxTable } from '../outbox/outbox-table'
import type { UnindexedRows } from '../search/search-indexer'
import { listColumn, MESSAGE_COLUMNS, type MessageRow } from './message-row'
import type { MessageViews } from './message-views'
import type { RowKeys } from './row-keys'

export interface NewPendingMessage {
  conversationId: string
  senderId: string
  clientId: string
  body: string
  createdAt: number
  /** What it answers: a sent message's seq, or (sent in its turn before this one) my own unsent message's clientId. */
  replyTo?: { seq: number } | { clientId: string }
  /** Members it mentions (resolveMentions), shown until the server says. */
  mentions?: string[]
  /** Its files, in display order: private copies in the account's outbox folder, uploaded before the message is posted. */
  attachments?: Omit<OutboxAttachment, 'attachmentId'>[]
}

export class UnsentMessages {
  private readonly insert: Statement<[number, string, string, string, string, number, number | null, string | null, string | null]>
  private readonly own: Statement<[string, string], MessageRow>
  private readonly setState: Statement<[string, string | null, string | null, number]>
  private readonly remove: Statement<[string, string]>

  constructor(
    private readonly db: Database,
    private readonly rowKeys: RowKeys,
    private readonly outbox: OutboxTable,
    private readonly unindexed: UnindexedRows,
    private readonly views: MessageViews,
    private readonly attachments: AttachmentTable,
  ) {
    this.insert = db.prepare(
      `INSERT INTO messages (row_id, conversation_id, sender_id, client_id, body, created_at, reply_to_seq, reply_to_client, mentions, state, own, mine)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 'pending', 1, 1)`,
    )
    this.own = db.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.conversation_id = ? AND m.client_id = ? AND m.own = 1`)
    this.setState = db.prepare('UPDATE messages SET state = ?, error = ?, error_code = ? WHERE row_id = ?')
    // The outbox row goes with it (ON DELETE CASCADE).
    this.remove = db.prepare('DELETE FROM messages WHERE conversation_id = ? AND client_id = ? AND own = 1 AND seq IS NULL')
  }

  /** A new pending message and its outbox row, in one transaction. */
  addPending(message: NewPendingMessage): ChatMessage {
    return this.db.transaction(() => {
      const { conversationId, senderId, clientId, body, createdAt, replyTo } = message
      const rowId = this.rowKeys.next(createdAt)
      const replyToSeq = replyTo !== undefined && 'seq' in replyTo ? replyTo.seq : null
      const replyToClient = replyTo !== undefined && 'clientId' in replyTo ? replyTo.clientId : null
      this.insert.run(rowId, conversationId, senderId, clientId, body, createdAt, replyToSeq, replyToClient, listColumn(message.mentions ?? []))
      // Searchable at once and indexed later.
      this.unindexed.note([rowId])
      this.outbox.enqueueMessage(conversationId, rowId)
      if (message.attachments !== undefined) this.attachments.addOutbox(rowId, message.attachments)
      return this.shown(this.own.get(conversationId, clientId) as MessageRow)
    })()
  }

  /** Pending (or already failed) → failed with this error (and the server's code, when it refused); its outbox row goes. */
  markFailed(conversationId: string, clientId: string, error: string, code: string | null = null): ChatMessage | null {
    return this.db.transaction(() => {
      const row = this.own.get(conversationId, clientId)
      if (row === undefined || row.state === 'sent') return null
      this.setState.run('failed', error, code, row.row_id)
      this.outbox.dropMessage(row.row_id)
      return this.shown({ ...row, state: 'failed', error, error_code: code })
    })()
  }

  /** Failed → pending with a fresh outbox row (at the end of the queue). */
  retryFailed(conversationId: string, clientId: string): ChatMessage | null {
    return this.db.transaction(() => {
      const row = this.own.get(conversationId, clientId)
      if (row === undefined || row.state !== 'failed') return null
      this.setState.run('pending', null, null, row.row_id)
      this.outbox.dropMessage(row.row_id)
      this.outbox.enqueueMessage(conversationId, row.row_id)
      this.attachments.forgetUploaded(row.row_id)
      return this.shown({ ...row, state: 'pending', error: null, error_code: null })
    })()
  }

  deleteUnsent(conversationId: string, clientId: string): boolean {
    return this.remove.run(conversationId, clientId).changes > 0
  }

  /** The files of an own message not posted yet (with their upload state); [] when none or no such message. */
  files(conversationId: string, clientId: string): OutboxAttachment[] {
    const row = this.own.get(conversationId, clientId)
    return row === undefined || row.seq !== null ? [] : this.attachments.outboxOf(row.row_id)
  }

  /** A message written on this device, in any state (the server's copy keeps the row); `queued` false: without queued changes. */
  ownMessage(conversationId: string, clientId: string, queued = true): ChatMessage | null {
    const row = this.own.get(conversationId, clientId)
    return row ? this.shown(row, queued) : null
  }

  private shown(row: MessageRow, queued = true): ChatMessage {
    return this.views.ofRows([row], queued)[0] as ChatMessage
  }
}
