/**
 * Messages people can change (issue 17): edits, deletes for everyone,
 * reactions, replies and mentions, each as the server last reported it, and
 * the outbox rows that carry this user's own changes until the server has
 * them.
 *
 * messages:
 * - `rev`: the conversation's change counter when the server last changed
 *   this message (null while unsent). A change is stored only when its rev is
 *   above the stored one (sync.ts), so an older copy never overwrites a newer.
 * - `edited_at`, `deleted_at` (a tombstone: body '', no reactions or mentions).
 * - `reply_to_seq`: the seq of the message this one answers (same
 *   conversation, always cached: the cache held a gapless run from seq 1 —
 *   no longer so since issue 23, hence 009's `reply_preview`). Its preview
 *   is read from that message, so it follows edits and a deleted original's
 *   text is nowhere else in the file. `reply_to_client`: the
 *   clientId of my own original while it was still unsent when I replied.
 * - `reactions`, `mentions`: JSON as the server has them (NULL: none). Small
 *   (≤ 20 emoji) and always read with the message, so no table of their own.
 * - `mentions_me`: someone else's message that mentions this account, for
 *   the unread-mentions count; a partial index over those not deleted.
 * - `messages_deleted`: others' tombstones, which unread counts leave out.
 *
 * conversations: `last_rev` — the cache is up to date after `changedAfter =
 * last_rev`; `server_last_rev` — the highest lastRev the server reported.
 *
 * outbox: rebuilt (SQLite cannot drop the UNIQUE of `message_row_id`): a
 * message may now carry several rows — its send, an edit, a delete and a row
 * per reaction emoji — each referring to the message row (following it when a
 * sent copy gives it a new row id, going with it when it is discarded). Ids
 * keep counting from where they were (never reused).
 */
import type { Database } from 'better-sqlite3'

export const version = 5
export const name = 'message-changes'

export function up(db: Database): void {
  const lastId = db.prepare<[], number | null>(`SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).pluck().get() ?? 0
  db.exec(SCHEMA)
  db.prepare(`INSERT OR REPLACE INTO sqlite_sequence (name, seq) VALUES ('outbox', max(?, coalesce((SELECT max(id) FROM outbox), 0)))`).run(lastId)
}

const SCHEMA = `
ALTER TABLE messages ADD COLUMN rev INTEGER;
ALTER TABLE messages ADD COLUMN edited_at INTEGER;
ALTER TABLE messages ADD COLUMN deleted_at INTEGER;
ALTER TABLE messages ADD COLUMN reply_to_seq INTEGER;
ALTER TABLE messages ADD COLUMN reply_to_client TEXT;
ALTER TABLE messages ADD COLUMN reactions TEXT;
ALTER TABLE messages ADD COLUMN mentions TEXT;
ALTER TABLE messages ADD COLUMN mentions_me INTEGER NOT NULL DEFAULT 0;
CREATE INDEX messages_mentions_me ON messages (conversation_id, seq) WHERE mentions_me = 1 AND deleted_at IS NULL;
CREATE INDEX messages_deleted ON messages (conversation_id, seq) WHERE deleted_at IS NOT NULL AND mine = 0;

ALTER TABLE conversations ADD COLUMN last_rev INTEGER NOT NULL DEFAULT 0;
ALTER TABLE conversations ADD COLUMN server_last_rev INTEGER NOT NULL DEFAULT 0;

CREATE TABLE outbox_new (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  kind TEXT NOT NULL CHECK (kind IN ('message', 'read', 'delivered', 'edit', 'delete', 'reaction')),
  conversation_id TEXT NOT NULL,
  message_row_id INTEGER REFERENCES messages (row_id) ON DELETE CASCADE ON UPDATE CASCADE,
  seq INTEGER,
  -- edit: the new body; reaction: the emoji and whether it is to be on.
  body TEXT,
  emoji TEXT,
  reaction_on INTEGER CHECK (reaction_on IN (0, 1)),
  -- When the user made the change (the optimistic editedAt / deletedAt).
  queued_at INTEGER NOT NULL DEFAULT 0,
  attempts INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER NOT NULL DEFAULT 0,
  last_error TEXT,
  CHECK (
    CASE kind
      WHEN 'read' THEN message_row_id IS NULL AND seq IS NOT NULL
      WHEN 'delivered' THEN message_row_id IS NULL AND seq IS NOT NULL
      ELSE message_row_id IS NOT NULL AND seq IS NULL
    END
  ),
  CHECK (kind <> 'edit' OR body IS NOT NULL),
  CHECK (kind <> 'reaction' OR (emoji IS NOT NULL AND reaction_on IS NOT NULL))
);
INSERT INTO outbox_new (id, kind, conversation_id, message_row_id, seq, attempts, next_attempt_at, last_error)
  SELECT id, kind, conversation_id, message_row_id, seq, attempts, next_attempt_at, last_error FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
-- One row per (conversation, kind) for markers: enqueueMarker coalesces into it.
CREATE UNIQUE INDEX outbox_markers ON outbox (conversation_id, kind) WHERE kind IN ('read', 'delivered');
-- One send per message; every row of a message found from it (and by the foreign key's cascades).
CREATE UNIQUE INDEX outbox_sends ON outbox (message_row_id) WHERE kind = 'message';
CREATE INDEX outbox_by_message ON outbox (message_row_id);
`
