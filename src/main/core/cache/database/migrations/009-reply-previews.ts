/**
 * Replies keep the server's preview of what they answer (issue 21).
 *
 * Since issue 23 the cache holds one contiguous range of each conversation,
 * not everything from seq 1, so a reply's original may not be cached: it is
 * older than the range, or the range has not reached it yet (the first sync
 * still catching up, a scroll-back not done), or it was evicted. The view
 * used to show such a reply as answering a deleted message.
 *
 * messages.`reply_preview`: the server's `replyTo` of the message as last
 * stored (JSON ReplyTo: id, seq, senderId, body ≤ 200 characters, deleted),
 * NULL for a message that answers nothing and for own unsent ones. It is
 * written with every copy of the message the cache stores, and the server
 * gives a reply a new rev whenever its original is edited or deleted, so it
 * follows the original: once the original is deleted its text is gone from
 * here too. The view still prefers the cached original when there is one
 * (it carries this user's queued edits and deletes, and the key that finds
 * it in the list).
 *
 * Rows stored before this migration have none; for those the view shows
 * the cached original, else only the original's seq (the window says the
 * message is not loaded, and a jump to it loads it), until the server sends
 * the reply again.
 */
import type { Database } from 'better-sqlite3'

export const version = 9
export const name = 'reply-previews'

export function up(db: Database): void {
  db.exec('ALTER TABLE messages ADD COLUMN reply_preview TEXT')
}
