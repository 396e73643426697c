/**
 * New messages reach the search backlog without a row each.
 *
 * Writing a backlog row per stored message was a fifth of what storing a sync
 * page cost (bench/core ingest). Nearly every stored message is newer than
 * everything indexed so far, so the backlog becomes two parts:
 *
 * - the tail: every row whose row id is above `messages_fts_tail.above`
 *   (row ids sort like time, row-keys.ts). Storing such a row writes nothing
 *   more. The indexer takes the tail's lowest rows and raises `above` past
 *   them in the same transaction.
 * - `messages_fts_backlog` as before, for rows written at or below `above`
 *   (old history arriving late, a pending message converted to a lower id).
 *
 * Invariant (replacing migration 002's): a row is unindexed if and only if it
 * is in the tail or in the backlog table, never both; the backlog table holds
 * no id above `above`. `above` starts at the highest row id, so nothing
 * existing changes state here.
 */
import type { Database } from 'better-sqlite3'

export const version = 4
export const name = 'search-tail'

export function up(db: Database): void {
  db.exec(SCHEMA)
}

const SCHEMA = `
CREATE TABLE messages_fts_tail (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  above INTEGER NOT NULL
);
INSERT INTO messages_fts_tail (id, above) VALUES (1, coalesce((SELECT max(row_id) FROM messages), -9007199254740991));

DROP TRIGGER messages_fts_backlog_delete;
DROP TRIGGER messages_fts_backlog_update;

-- An indexed row (at or below the tail, not in the backlog table) leaves the index.
CREATE TRIGGER messages_fts_backlog_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.row_id, old.body
    WHERE old.row_id <= (SELECT above FROM messages_fts_tail)
      AND NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
  DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;
END;

CREATE TRIGGER messages_fts_backlog_update AFTER UPDATE OF row_id, body ON messages
WHEN old.row_id <> new.row_id OR old.body IS NOT new.body BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.row_id, old.body
    WHERE old.row_id <= (SELECT above FROM messages_fts_tail)
      AND NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
  DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;
  INSERT INTO messages_fts_backlog (row_id) SELECT new.row_id WHERE new.row_id <= (SELECT above FROM messages_fts_tail);
END;
`
