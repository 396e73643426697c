/**
 * An edit takes its old text out of the search index after the fact, like
 * new rows go in (migrations 002 and 004), instead of inside the write.
 *
 * An external-content FTS5 'delete' re-tokenises the old body and writes a
 * delete marker per trigram: ~0.09 ms a row, two thirds of what storing
 * changes cost (bench/core changes' 10,000 changes, half of them edits,
 * stored by the cache alone in transactions of 50: 0.66 s with it in the
 * trigger, 0.22 s without; the indexer deletes the same entries in ~0.1 s).
 *
 * Now an edit of an indexed row (same row id, new body, not a tombstone)
 * copies the body the index holds into `messages_fts_stale` and puts the row
 * in the backlog table; the index keeps the old entry for a while:
 *
 * - search ignores every FTS5 hit whose row id is in `messages_fts_stale`
 *   (search.ts), and finds the row's current body in the backlog as it finds
 *   any unindexed row — so the old text is never found and the new one at once;
 * - the search indexer deletes stale entries (FTS5 'delete' with the stored
 *   body, then the stale row) before it indexes anything (search-indexer.ts),
 *   so a row is never indexed while its old entry is still there.
 *
 * Invariant (adding to 004's): a `messages_fts_stale` row is a message that is
 * in the backlog table, and `messages_fts` holds exactly that stale body under
 * its id. INSERT OR IGNORE: a second edit before the indexer ran finds the
 * row unindexed and adds nothing; the first stale body is what the index holds.
 *
 * A delete for everyone (the tombstone: body '', deleted_at set), a row id
 * that changes (a pending message becoming sent) and a deleted row still take
 * whatever the index holds for the row out at once — the stale body if there
 * is one — in their own transaction, so that a deleted text leaves the file
 * with its row (secure_delete, database.ts). They are rare; edits are not.
 *
 * Cheap on any cache: a new empty table and new triggers; nothing is
 * re-indexed. (FTS5's contentless_delete=1 would delete without re-tokenising,
 * but needs a contentless index: rebuilding every existing one.)
 */
import type { Database } from 'better-sqlite3'

export const version = 6
export const name = 'deferred-search-forget'

export function up(db: Database): void {
  db.exec(SCHEMA)
}

/** What the index holds for `old.row_id`, taken out now: the stale body if it has one, else its body if it is indexed. */
const FORGET_NOW = `
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.row_id, old.body
    WHERE old.row_id <= (SELECT above FROM messages_fts_tail)
      AND NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id)
      AND NOT EXISTS (SELECT 1 FROM messages_fts_stale WHERE row_id = old.row_id);
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', row_id, body FROM messages_fts_stale WHERE row_id = old.row_id;
  DELETE FROM messages_fts_stale WHERE row_id = old.row_id;
  DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;`

const SCHEMA = `
-- Indexed bodies of edited rows, still in messages_fts until the indexer deletes them.
CREATE TABLE messages_fts_stale (
  row_id INTEGER PRIMARY KEY,
  body TEXT NOT NULL
);

DROP TRIGGER messages_fts_backlog_delete;
DROP TRIGGER messages_fts_backlog_update;

CREATE TRIGGER messages_fts_backlog_delete AFTER DELETE ON messages BEGIN
  ${FORGET_NOW}
END;

-- A new row id or a tombstone: out of the index now, the row indexed again later.
CREATE TRIGGER messages_fts_backlog_update AFTER UPDATE OF row_id, body ON messages
WHEN old.row_id <> new.row_id OR (old.body IS NOT new.body AND new.deleted_at IS NOT NULL) BEGIN
  ${FORGET_NOW}
  INSERT INTO messages_fts_backlog (row_id) SELECT new.row_id WHERE new.row_id <= (SELECT above FROM messages_fts_tail);
END;

-- An edit: the indexed body becomes stale (the indexer deletes it), the row waits in the backlog.
CREATE TRIGGER messages_fts_backlog_edit AFTER UPDATE OF row_id, body ON messages
WHEN old.row_id = new.row_id AND old.body IS NOT new.body AND new.deleted_at IS NULL BEGIN
  INSERT OR IGNORE INTO messages_fts_stale (row_id, body)
    SELECT old.row_id, old.body
    WHERE old.row_id <= (SELECT above FROM messages_fts_tail)
      AND NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
  INSERT OR IGNORE INTO messages_fts_backlog (row_id) SELECT old.row_id WHERE old.row_id <= (SELECT above FROM messages_fts_tail);
END;
`
