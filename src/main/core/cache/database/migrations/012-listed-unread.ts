/**
 * The server's own unread counts, as it last listed the conversation.
 *
 * The cache counts unread messages from the rows it holds (unread.ts). Back
 * from a weekend, a conversation's rows come in page by page, so its badge
 * climbed with the catch-up, and the sidebar was right only once every
 * conversation was filled (about a second for 20,000 messages, longer for
 * more). The listing that starts the catch-up already says, for each
 * conversation, how many are unread and how many mention me: the badge uses
 * that count until the cache holds what the listing counted.
 *
 * `listed_seq`: the conversation's lastSeq in that listing; `listed_read_seq`:
 * my read marker it counted from. The count is used while the cache's highest
 * seq is below `listed_seq` and my read marker is still `listed_read_seq`
 * (unread.ts); reading further, or a marker from another device, goes back to
 * the cache's own count.
 */
import type { Database } from 'better-sqlite3'

export const version = 12
export const name = 'listed-unread'

export function up(db: Database): void {
  db.exec(`
    ALTER TABLE conversations ADD COLUMN listed_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversations ADD COLUMN listed_read_seq INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversations ADD COLUMN listed_unread INTEGER NOT NULL DEFAULT 0;
    ALTER TABLE conversations ADD COLUMN listed_mentions INTEGER NOT NULL DEFAULT 0;
  `)
}
