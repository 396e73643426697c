/**
 * Groups, people and administration (issue 19; docs/design.md §4.6).
 *
 * conversations:
 * - `muted_until`: my mute as the server keeps it (a time, MUTE_FOREVER, or
 *   NULL), synced to my devices. It replaces the local-only `muted` flag of
 *   001: a conversation muted that way gets `muted_until = MUTE_FOREVER` here
 *   and its id goes into the setting `mutes.toServer`, which the account
 *   sends to the server once (legacy-mutes.ts); then the flag column goes.
 * - `left_at`: when I stopped being a member (removed, or I left); NULL while
 *   I am one. The history stays, read-only.
 *
 * conversation_members: each member's `role` (owner/admin/member). Rows of
 * older caches are `member` until the next sync brings the roles.
 *
 * messages: `kind` ('text'/'system') and `system_event` (JSON of the system
 * event; NULL for text); `error_code`, the code of the refusal that failed a
 * message of mine (`blocked`, `left`…), so the UI words it without parsing
 * the message. Unread counts leave out system messages from others
 * (`messages_system`, an index over those only, as for tombstones).
 *
 * drafts: the composer's unsent text per conversation. blocked_users: the
 * users I blocked (GET /api/blocks; they need not be in `users`).
 */
import type { Database } from 'better-sqlite3'
import { MUTE_FOREVER } from '../../../../../shared/api'

export const version = 8
export const name = 'groups-and-people'

/** The setting holding conversation ids whose local mute is still to be sent to the server (legacy-mutes.ts). */
export const LEGACY_MUTES_SETTING = 'mutes.toServer'

export function up(db: Database): void {
  db.exec(`
ALTER TABLE conversation_members ADD COLUMN role TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member'));

ALTER TABLE conversations ADD COLUMN muted_until INTEGER;
ALTER TABLE conversations ADD COLUMN left_at INTEGER;
INSERT INTO settings (key, value)
  SELECT '${LEGACY_MUTES_SETTING}', json_group_array(id) FROM conversations WHERE muted = 1 HAVING count(*) > 0;
UPDATE conversations SET muted_until = ${MUTE_FOREVER} WHERE muted = 1;
ALTER TABLE conversations DROP COLUMN muted;

ALTER TABLE messages ADD COLUMN kind TEXT NOT NULL DEFAULT 'text' CHECK (kind IN ('text', 'system'));
ALTER TABLE messages ADD COLUMN system_event TEXT;
ALTER TABLE messages ADD COLUMN error_code TEXT;
CREATE INDEX messages_system ON messages (conversation_id, seq) WHERE kind = 'system' AND mine = 0;

CREATE TABLE drafts (
  conversation_id TEXT PRIMARY KEY,
  body TEXT NOT NULL,
  updated_at INTEGER NOT NULL
) WITHOUT ROWID;

CREATE TABLE blocked_users (
  user_id TEXT PRIMARY KEY
) WITHOUT ROWID;
`)
}
