/**
 * Fewer indexes to update per stored message (bench/core ingest: storing a
 * sync page cost four b-tree inserts and a trigger per message on top of the
 * row itself; a bare table of the same rows was four times faster).
 *
 * - `messages_by_id` goes: nothing looked messages up by server id, and the
 *   server never gives two messages one id; a message already cached is
 *   recognised by (conversation_id, seq) (messages_by_seq).
 * - `messages_by_sender` (conversation, sender, seq) served one thing, the
 *   unread count's "my messages above my read marker". The cache now knows
 *   its account (openCache's `me`) and flags those rows `mine`; a partial
 *   index over them alone answers that count, and only my messages pay for it.
 *   Existing rows are flagged when the cache is first opened with `me`
 *   (sqlite-cache.ts), since a migration does not know the account.
 * - The backlog insert trigger goes: storeMessages and addPending note their
 *   rows in `messages_fts_backlog` themselves, many rows per statement. The
 *   update and delete triggers stay (those writes are rare). The invariant of
 *   migration 002 is unchanged: every row is in the backlog or indexed.
 */
import type { Database } from 'better-sqlite3'

export const version = 3
export const name = 'lean-message-indexes'

export function up(db: Database): void {
  db.exec(SCHEMA)
}

const SCHEMA = `
DROP INDEX messages_by_id;
DROP INDEX messages_by_sender;
DROP TRIGGER messages_fts_backlog_insert;

-- Sent by the account that owns this cache (on any device). 0/1.
ALTER TABLE messages ADD COLUMN mine INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_mine ON messages (conversation_id, seq) WHERE mine = 1;
`
