/**
 * Replies stored before migration 009 have no preview of what they answer
 * (`reply_preview` NULL): while their original is not cached, the view can
 * only say "not loaded" (009). When a page brings the original in — a
 * scroll-back, a jump to it, the background backfill — such a reply's view
 * changes, and storeMessages sends it again so the window redraws its quote.
 * This index finds those replies by the seq they answer without reading the
 * conversation's rows. It holds only rows without a preview: the replies of
 * before 009, and my own replies until the server's copy of them is stored.
 */
import type { Database } from 'better-sqlite3'

export const version = 10
export const name = 'unpreviewed-replies'

export function up(db: Database): void {
  db.exec('CREATE INDEX messages_unpreviewed_replies ON messages (conversation_id, reply_to_seq) WHERE reply_to_seq IS NOT NULL AND reply_preview IS NULL')
}
