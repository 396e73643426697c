/**
 * Taking the oldest cached history out again (docs/design.md §7.1, "The
 * cache's size"): what the policy in ../../sync/eviction.ts asks of the
 * cache, and the rules no policy can break.
 *
 * - Only from the bottom of a conversation's range, so it stays one
 *   contiguous run (the invariant sync.ts and history.ts keep): a row goes
 *   only with every sent row below it.
 * - Never a row the outbox refers to (a queued edit, delete or reaction:
 *   deleting the row would cascade to the queued change and lose it), never
 *   one above my read marker (badges count the cache), never an unsent one
 *   (they have no seq).
 * - A row goes whole: its search entry (the messages delete trigger,
 *   migrations 002–006: at once, and secure_delete wipes the text from the
 *   file), its attachments (ON DELETE CASCADE) and their downloaded files
 *   when no other cached message carries them (the caller deletes those).
 */
import type { Database, Statement } from 'better-sqlite3'
import type { AttachmentTable } from '../attachments/attachment-table'

/** A sent row at the bottom of a conversation's range. */
export interface BottomRow {
  seq: number
  createdAt: number
}

export interface Evicted {
  /** Rows deleted. */
  evicted: number
  /** Attachment ids whose downloaded files are to be deleted (no cached message carries them any more). */
  forgotten: string[]
}

export class MessageEviction {
  private readonly count: Statement<[], number>
  private readonly bottomRows: Statement<[string, number], BottomRow>
  private readonly ceiling: Statement<{ conversationId: string; me: string }, number>
  /** Rows with attachments among those a delete through a seq takes. */
  private readonly rowsThrough: Statement<[string, number], number>
  private readonly remove: Statement<[string, number]>

  constructor(
    private readonly db: Database,
    private readonly me: string,
    private readonly attachments: AttachmentTable,
  ) {
    // Sent rows only: unsent ones are never evicted and never counted against the cap.
    this.count = db.prepare<[], number>('SELECT count(*) FROM messages WHERE seq IS NOT NULL').pluck()
    this.bottomRows = db.prepare<[string, number], BottomRow>(
      'SELECT seq, created_at AS createdAt FROM messages WHERE conversation_id = ? AND seq IS NOT NULL ORDER BY seq LIMIT ?',
    )
    // The highest seq that may go: below the lowest row the outbox refers to, and at most my read marker.
    this.ceiling = db
      .prepare<{ conversationId: string; me: string }, number>(
        `SELECT min(
           coalesce((SELECT read_seq FROM markers WHERE conversation_id = @conversationId AND user_id = @me), 0),
           coalesce((SELECT min(m.seq) - 1 FROM outbox o JOIN messages m ON m.row_id = o.message_row_id
                     WHERE o.conversation_id = @conversationId AND m.seq IS NOT NULL), 9007199254740991))`,
      )
      .pluck()
    // Only the rows with attachments: most have none.
    this.rowsThrough = db
      .prepare<[string, number], number>(
        `SELECT DISTINCT m.row_id FROM messages m JOIN message_attachments a ON a.message_row_id = m.row_id
         WHERE m.conversation_id = ? AND m.seq <= ?`,
      )
      .pluck()
    this.remove = db.prepare('DELETE FROM messages WHERE conversation_id = ? AND seq <= ?')
  }

  /** Sent messages in the cache (what the cap counts). */
  sentCount(): number {
    return this.count.get() ?? 0
  }

  /** The lowest `limit` sent rows of a conversation, ascending. */
  bottom(conversationId: string, limit: number): BottomRow[] {
    return this.bottomRows.all(conversationId, Math.max(0, Math.floor(limit)))
  }

  /**
   * Delete the conversation's sent rows with seq ≤ `throughSeq`, lowered to
   * what the rules allow, in one transaction. Nothing when that leaves
   * nothing to delete.
   */
  evictThrough(conversationId: string, throughSeq: number): Evicted {
    return this.db.transaction((): Evicted => {
      const through = Math.min(throughSeq, this.ceiling.get({ conversationId, me: this.me }) ?? 0)
      if (!Number.isSafeInteger(through) || through < 1) return { evicted: 0, forgotten: [] }
      const forgotten: string[] = []
      for (const rowId of this.rowsThrough.all(conversationId, through)) forgotten.push(...this.attachments.forget(rowId))
      const { changes } = this.remove.run(conversationId, through)
      return { evicted: changes, forgotten }
    })()
  }
}
