/** The composer's unsent text per conversation (the `drafts` table): it survives restarts, and '' removes it. */
import type { Database, Statement } from 'better-sqlite3'

export class DraftTable {
  private readonly read: Statement<[string], string>
  private readonly write: Statement<[string, string, number]>
  private readonly remove: Statement<[string]>

  constructor(db: Database) {
    this.read = db.prepare<[string], string>('SELECT body FROM drafts WHERE conversation_id = ?').pluck()
    this.write = db.prepare(
      `INSERT INTO drafts (conversation_id, body, updated_at) VALUES (?, ?, ?)
       ON CONFLICT (conversation_id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at`,
    )
    this.remove = db.prepare('DELETE FROM drafts WHERE conversation_id = ?')
  }

  draft(conversationId: string): string {
    return this.read.get(conversationId) ?? ''
  }

  setDraft(conversationId: string, body: string, at: number): void {
    if (body === '') this.remove.run(conversationId)
    else this.write.run(conversationId, body, at)
  }
}
