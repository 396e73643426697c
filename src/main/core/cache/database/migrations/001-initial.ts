/**
 * The first schema: users, conversations (members, markers, muted flag),
 * messages with their FTS5 trigram index, the outbox and settings.
 *
 * Messages have a local `row_id`: a pending message has no server id or seq
 * yet; when the server's copy arrives the same row (and its key
 * `senderId:clientId`) becomes the sent message. Row ids sort like createdAt
 * (see row-keys.ts), so the FTS index and the table can be read newest first.
 * Unique indexes treat NULLs as distinct, so any number of unsent rows may
 * have a NULL seq or id.
 *
 * Markers and messages have no foreign key to conversations: realtime events
 * may deliver them before the conversation itself, and the cache keeps them
 * rather than losing a marker that only moves forward.
 */
import type { Database } from 'better-sqlite3'

export const version = 1
export const name = 'initial'

export function up(db: Database): void {
  db.exec(SCHEMA)
}

const SCHEMA = `
CREATE TABLE users (
  id TEXT PRIMARY KEY,
  username TEXT NOT NULL,
  display_name TEXT NOT NULL,
  last_seen_at INTEGER
) WITHOUT ROWID;

CREATE TABLE conversations (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL CHECK (kind IN ('direct', 'group')),
  title TEXT,
  created_at INTEGER NOT NULL,
  -- Max-merged from the server and from stored messages.
  last_seq INTEGER NOT NULL DEFAULT 0,
  -- The server's activity time max-merged with stored messages; unsent
  -- messages are added when read (so deleting one takes its time away again).
  last_activity_at INTEGER NOT NULL,
  muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1))
) WITHOUT ROWID;

CREATE TABLE conversation_members (
  conversation_id TEXT NOT NULL REFERENCES conversations (id) ON DELETE CASCADE,
  user_id TEXT NOT NULL,
  -- The server's order of memberIds.
  position INTEGER NOT NULL,
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;

CREATE TABLE markers (
  conversation_id TEXT NOT NULL,
  user_id TEXT NOT NULL,
  read_seq INTEGER NOT NULL DEFAULT 0,
  delivered_seq INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (conversation_id, user_id)
) WITHOUT ROWID;

CREATE TABLE messages (
  -- createdAt in ms (the next free integer if taken): rowid order is time order (row-keys.ts).
  row_id INTEGER PRIMARY KEY,
  conversation_id TEXT NOT NULL,
  id TEXT,
  seq INTEGER,
  sender_id TEXT NOT NULL,
  client_id TEXT NOT NULL,
  body TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  state TEXT NOT NULL CHECK (state IN ('pending', 'sent', 'failed')),
  error TEXT,
  -- Written on this device by addPending. The cache does not know the
  -- account's user id; only such rows can be unsent, and only they are "own".
  own INTEGER NOT NULL DEFAULT 0 CHECK (own IN (0, 1)),
  CHECK ((state = 'sent') = (seq IS NOT NULL)),
  CHECK ((id IS NULL) = (seq IS NULL)),
  CHECK (state = 'failed' OR error IS NULL)
);
-- Pages, highest/lowest seq, unread counts; and (conversation_id, seq IS NULL) finds unsent rows.
CREATE UNIQUE INDEX messages_by_seq ON messages (conversation_id, seq);
CREATE UNIQUE INDEX messages_by_id ON messages (id) WHERE id IS NOT NULL;
-- The sender's idempotency key; client_id before sender_id so that own
-- messages can be found by (conversation_id, client_id) alone.
CREATE UNIQUE INDEX messages_by_client ON messages (conversation_id, client_id, sender_id);
-- Unread counts without reading rows: all above my read marker (messages_by_seq)
-- minus mine above it (this one), both counted inside an index.
CREATE INDEX messages_by_sender ON messages (conversation_id, sender_id, seq);

-- Substring search that works without spaces (Chinese, Japanese), case- and
-- accent-insensitive. External content: the text lives once, in messages.
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body,
  content = 'messages',
  content_rowid = 'row_id',
  tokenize = 'trigram case_sensitive 0 remove_diacritics 1',
  columnsize = 0
);
-- Merge segments later and in bigger steps than FTS5's defaults (4 and 16):
-- a trigram index writes a term per character, and merging it on the commit
-- of a sync page is what makes the slowest storeMessages calls. Measured over
-- 100,000 messages: the slowest page's CPU time about halves, total ingest
-- CPU drops ~10 %, searches stay under a few milliseconds. Kept in
-- messages_fts_config, so it holds for every connection.
INSERT INTO messages_fts (messages_fts, rank) VALUES ('automerge', 16);
INSERT INTO messages_fts (messages_fts, rank) VALUES ('crisismerge', 64);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.row_id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.row_id, old.body);
END;
-- A pending message that becomes sent takes the server's body and time (and so a new row id).
CREATE TRIGGER messages_fts_update AFTER UPDATE OF row_id, body ON messages
WHEN old.row_id <> new.row_id OR old.body IS NOT new.body BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.row_id, old.body);
  INSERT INTO messages_fts (rowid, body) VALUES (new.row_id, new.body);
END;

CREATE TABLE outbox (
  -- AUTOINCREMENT: ids are never reused, so completing a stale item can never
  -- delete a newer row that happens to get the same id.
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'read', 'delivered')),
  conversation_id TEXT NOT NULL,
  -- A message row goes with its message: deleting the message deletes it.
  message_row_id INTEGER UNIQUE REFERENCES messages (row_id) ON DELETE CASCADE ON UPDATE CASCADE,
  -- A marker row holds the highest seq asked for.
  seq INTEGER,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  CHECK (
    CASE kind
      WHEN 'message' THEN message_row_id IS NOT NULL AND seq IS NULL
      ELSE message_row_id IS NULL AND seq IS NOT NULL
    END
  )
);
-- One row per (conversation, kind) for markers: enqueueMarker coalesces into it.
CREATE UNIQUE INDEX outbox_markers ON outbox (conversation_id, kind) WHERE kind <> 'message';

CREATE TABLE settings (
  key TEXT PRIMARY KEY,
  -- JSON
  value TEXT NOT NULL
) WITHOUT ROWID;
`
