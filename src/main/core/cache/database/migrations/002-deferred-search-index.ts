/**
 * The search index is written after the fact instead of inside every write.
 *
 * Indexing a body with the trigram tokenizer writes one FTS5 term per
 * character, and writing and merging those segments was most of what storing
 * a sync page cost, and all of its longest stalls (bench/core ingest). Writes
 * now only note the row in `messages_fts_backlog`; SearchIndexer
 * (search-indexer.ts) moves rows from the backlog into `messages_fts` in small
 * time-boxed transactions while the app is idle, and search reads backlog rows
 * directly (search.ts), so a message is found the moment it is stored.
 *
 * Invariant, kept by the triggers below in the same transaction as every
 * write: each messages row is either in the backlog or indexed with its
 * current body — never both, never neither. A backlog row id always exists in
 * messages. A table of ids rather than a rowid watermark: row ids follow
 * createdAt (row-keys.ts), not the order of writing, so "everything above id
 * N" would not describe what is unindexed when old history arrives late.
 *
 * `messages_fts` itself is unchanged (external content, SQLite's trigram
 * folding), so an existing index stays valid and nothing is re-indexed here.
 *
 * The unique (conversation, clientId, sender) index becomes partial, over own
 * rows only (written on this device by addPending): random client ids spread
 * every sync page over the whole index, and that index alone made each commit
 * rewrite ~200 scattered pages (measured: 4× slower ingest). Its one use for
 * other senders' messages was to make an insert conflict with the pending copy
 * it converts; storeMessages now looks for pending copies first. Own rows stay
 * unique and found by (conversation_id, client_id).
 */
import type { Database } from 'better-sqlite3'

export const version = 2
export const name = 'deferred-search-index'

export function up(db: Database): void {
  db.exec(SCHEMA)
}

const SCHEMA = `
DROP TRIGGER messages_fts_insert;
DROP TRIGGER messages_fts_delete;
DROP TRIGGER messages_fts_update;

-- Rows written since they were last indexed (new, or whose row id or body changed).
CREATE TABLE messages_fts_backlog (
  row_id INTEGER PRIMARY KEY
);

CREATE TRIGGER messages_fts_backlog_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts_backlog (row_id) VALUES (new.row_id);
END;

-- An indexed row leaves the index (with the body it was indexed with: the
-- current one, by the invariant); an unindexed one leaves the backlog.
CREATE TRIGGER messages_fts_backlog_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.row_id, old.body WHERE NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
  DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;
END;

-- A pending message that becomes sent takes the server's body and time (and so
-- a new row id): the old entry goes, the row is indexed again later.
CREATE TRIGGER messages_fts_backlog_update AFTER UPDATE OF row_id, body ON messages
WHEN old.row_id <> new.row_id OR old.body IS NOT new.body BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.row_id, old.body WHERE NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
  DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;
  INSERT INTO messages_fts_backlog (row_id) VALUES (new.row_id);
END;

DROP INDEX messages_by_client;
CREATE UNIQUE INDEX messages_by_client ON messages (conversation_id, client_id, sender_id) WHERE own = 1;
`
