/**
 * The outbox rows: messages to post, read/delivered markers to send, and
 * changes to messages (edit, delete, a reaction; queued-changes.ts). Rows
 * are written in the same transaction as the data they act on (see
 * UnsentMessages), so a crash can never leave one without the other.
 */
import type { Database, Statement } from 'better-sqlite3'
import { isChangeItem, type OutboxItem } from '../types'

interface OutboxRow {
  id: number
  kind: OutboxItem['kind']
  conversation_id: string
  message_row_id: number | null
  client_id: string | null
  sender_id: string | null
  message_id: string | null
  message_state: 'pending' | 'sent' | 'failed' | null
  seq: number | null
  body: string | null
  emoji: string | null
  reaction_on: number | null
  attempts: number
  next_attempt_at: number
  last_error: string | null
}

export class OutboxTable {
  private readonly addMessage: Statement<[string, number]>
  private readonly dropMessageRow: Statement<[number]>
  private readonly mergeMarker: Statement<[string, string, number, number]>
  private readonly all: Statement<[], OutboxRow>
  private readonly completeMessage: Statement<[number]>
  private readonly completeMarker: Statement<[number, string, number]>
  private readonly completeChange: Statement<[number, string | null, string | null, number]>
  private readonly postpone: Statement<[number, number]>
  private readonly reschedule: Statement<[number, string, number]>

  constructor(db: Database) {
    // A new row is due at once (next_attempt_at 0).
    this.addMessage = db.prepare(`INSERT INTO outbox (kind, conversation_id, message_row_id) VALUES ('message', ?, ?)`)
    this.dropMessageRow = db.prepare(`DELETE FROM outbox WHERE message_row_id = ? AND kind = 'message'`)
    // Coalesce: the one row of (conversation, kind) only ever rises; its
    // attempts and schedule stay (raising a marker is no reason to send sooner).
    this.mergeMarker = db.prepare(
      `INSERT INTO outbox (kind, conversation_id, seq, next_attempt_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id, kind) WHERE kind IN ('read', 'delivered') DO UPDATE SET seq = excluded.seq
       WHERE excluded.seq > outbox.seq`,
    )
    this.all = db.prepare(
      `SELECT o.id, o.kind, o.conversation_id, o.message_row_id, m.client_id, m.sender_id, m.id AS message_id, m.state AS message_state,
         o.seq, o.body, o.emoji, o.reaction_on, o.attempts, o.next_attempt_at, o.last_error
       FROM outbox o LEFT JOIN messages m ON m.row_id = o.message_row_id ORDER BY o.id`,
    )
    this.completeMessage = db.prepare(`DELETE FROM outbox WHERE id = ? AND kind = 'message'`)
    this.completeMarker = db.prepare('DELETE FROM outbox WHERE id = ? AND kind = ? AND seq = ?')
    // A change the user changed again while it was on its way stays, to go again.
    this.completeChange = db.prepare(
      `DELETE FROM outbox WHERE id = ? AND body IS ? AND emoji IS ? AND coalesce(reaction_on, 0) = ?`,
    )
    this.postpone = db.prepare('UPDATE outbox SET next_attempt_at = max(next_attempt_at, ?) WHERE id = ?')
    this.reschedule = db.prepare('UPDATE outbox SET attempts = attempts + 1, next_attempt_at = ?, last_error = ? WHERE id = ?')
  }

  /** No transaction of its own: the caller writes the message in the same one. */
  enqueueMessage(conversationId: string, messageRowId: number): void {
    this.addMessage.run(conversationId, messageRowId)
  }

  dropMessage(messageRowId: number): void {
    this.dropMessageRow.run(messageRowId)
  }

  enqueueMarker(conversationId: string, kind: 'read' | 'delivered', seq: number, dueAt = 0): void {
    this.mergeMarker.run(kind, conversationId, seq, dueAt)
  }

  /** Every row, oldest first. */
  outbox(): OutboxItem[] {
    return this.all.all().map(toOutboxItem)
  }

  /** Delete the row only if it still says what the sender sent: a raised marker stays queued, due at `raisedDueAt` at the earliest. */
  completeOutbox(item: OutboxItem, raisedDueAt = 0): void {
    if (isChangeItem(item)) this.completeChange.run(item.id, item.body, item.emoji, item.on ? 1 : 0)
    else if (item.kind === 'message') this.completeMessage.run(item.id)
    else if (this.completeMarker.run(item.id, item.kind, item.seq).changes === 0 && raisedDueAt > 0) this.postpone.run(raisedDueAt, item.id)
  }

  rescheduleOutbox(id: number, nextAttemptAt: number, error: string): void {
    this.reschedule.run(nextAttemptAt, error, id)
  }
}

function toOutboxItem(row: OutboxRow): OutboxItem {
  const common = {
    id: row.id,
    conversationId: row.conversation_id,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
  }
  if (row.kind === 'message') return { ...common, kind: 'message', clientId: row.client_id ?? '' }
  if (row.kind === 'read' || row.kind === 'delivered') return { ...common, kind: row.kind, seq: row.seq ?? 0 }
  return {
    ...common,
    kind: row.kind,
    messageRowId: row.message_row_id ?? 0,
    messageKey: `${row.sender_id ?? ''}:${row.client_id ?? ''}`,
    messageId: row.message_id,
    messageState: row.message_state ?? 'failed',
    body: row.body,
    emoji: row.emoji,
    on: row.reaction_on === 1,
  }
}
