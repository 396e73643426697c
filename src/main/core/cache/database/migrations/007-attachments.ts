/**
 * Files on messages (issue 18; docs/design.md §7.7).
 *
 * - `message_attachments`: the server's attachments of each cached message,
 *   in the sender's order (`position`). Attachments never change on the
 *   server except by going with a delete for everyone, so they are written
 *   when a message is first stored (or a pending copy becomes sent) and
 *   deleted with a tombstone. They follow their message row (a pending copy
 *   that becomes sent gets a new row id: ON UPDATE CASCADE).
 * - `outbox_attachments`: the files of an own message not posted yet — the
 *   private copy (`path`, under the account's attachments/outbox folder), what
 *   the view shows before the server has it, and `attachment_id` once its
 *   upload is done (so a restart does not upload it again). They go with
 *   their message (discard, cancel) by ON DELETE CASCADE; the files are
 *   deleted by the core.
 * - `attachment_files`: the download cache's index — one row per whole file
 *   on disk (downloaded, or my own upload moved in after the send), its size
 *   and when it was last used, for the LRU cap.
 */
import type { Database } from 'better-sqlite3'

export const version = 7
export const name = 'attachments'

export function up(db: Database): void {
  db.exec(SCHEMA)
}

const SCHEMA = `
CREATE TABLE message_attachments (
  message_row_id INTEGER NOT NULL REFERENCES messages (row_id) ON DELETE CASCADE ON UPDATE CASCADE,
  position INTEGER NOT NULL,
  attachment_id TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  has_thumbnail INTEGER NOT NULL CHECK (has_thumbnail IN (0, 1)),
  PRIMARY KEY (message_row_id, position)
) WITHOUT ROWID;
-- Media and downloads are asked for by attachment id (only ids cached here are served).
CREATE INDEX message_attachments_by_id ON message_attachments (attachment_id);

CREATE TABLE outbox_attachments (
  staged_id TEXT PRIMARY KEY,
  message_row_id INTEGER NOT NULL REFERENCES messages (row_id) ON DELETE CASCADE ON UPDATE CASCADE,
  position INTEGER NOT NULL,
  path TEXT NOT NULL,
  name TEXT NOT NULL,
  size INTEGER NOT NULL,
  mime TEXT NOT NULL,
  width INTEGER,
  height INTEGER,
  -- The server's id once this file's upload is done; null before.
  attachment_id TEXT,
  UNIQUE (message_row_id, position)
);

CREATE TABLE attachment_files (
  attachment_id TEXT PRIMARY KEY,
  path TEXT NOT NULL,
  size INTEGER NOT NULL,
  last_used INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX attachment_files_by_use ON attachment_files (last_used);
`
