/**
 * The outbox rows: messages to post and read/delivered markers to send. Rows
 * are written in the same transaction as the data they act on (see
 * UnsentMessages), so a crash can never leave one without the other.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { OutboxItem } from '../types'

interface OutboxRow {
  id: number
  kind: OutboxItem['kind']
  conversation_id: string
  client_id: string | null
  seq: number | null
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
  private readonly postpone: Statement<[number, number]>
  private readonly reschedule: Statement<[number, string, number]>

  constructor(db: Database) {
    // A new row is due at once (next_attempt_at 0).
    this.addMessage = db.prepare(`INSERT INTO outbox (kind, conversation_id, message_row_id) VALUES ('message', ?, ?)`)
    this.dropMessageRow = db.prepare('DELETE FROM outbox WHERE message_row_id = ?')
    // Coalesce: the one row of (conversation, kind) only ever rises; its
    // attempts and schedule stay (raising a marker is no reason to send sooner).
    this.mergeMarker = db.prepare(
      `INSERT INTO outbox (kind, conversation_id, seq, next_attempt_at) VALUES (?, ?, ?, ?)
       ON CONFLICT (conversation_id, kind) WHERE kind <> 'message' DO UPDATE SET seq = excluded.seq
       WHERE excluded.seq > outbox.seq`,
    )
    this.all = db.prepare(
      `SELECT o.id, o.kind, o.conversation_id, m.client_id, o.seq, o.attempts, o.next_attempt_at, o.last_error
       FROM outbox o LEFT JOIN messages m ON m.row_id = o.message_row_id ORDER BY o.id`,
    )
    this.completeMessage = db.prepare(`DELETE FROM outbox WHERE id = ? AND kind = 'message'`)
    this.completeMarker = db.prepare('DELETE FROM outbox WHERE id = ? AND kind = ? AND seq = ?')
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
    if (item.kind === 'message') this.completeMessage.run(item.id)
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
  return { ...common, kind: row.kind, seq: row.seq ?? 0 }
}
