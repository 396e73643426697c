/**
 * Unread counts: cached messages from others above my read marker, deleted
 * ones and system messages left out (as the server counts). Counted as (all
 * above the marker) − (mine above it) − (others' tombstones above it) −
 * (others' system messages above it), each inside an index
 * (messages_by_seq, messages_mine over my messages only, messages_deleted
 * over others' tombstones, messages_system over others' system messages): a
 * conversation with 100,000 unread messages costs a few milliseconds, not a
 * read of every row. Unread mentions of me: those flagged `mentions_me` and
 * not deleted (messages_mentions_me). The total (the badge) leaves out
 * conversations muted now and those I left.
 *
 * Until the cache holds what the server last listed, the server's own counts
 * from that listing stand (`LISTED_AHEAD`, `LISTED_BELOW`, migration 012): back from a
 * weekend every badge is right once the listing is in, not once every missed
 * page is stored.
 */
import type { Database, Statement } from 'better-sqlite3'

interface UnreadParams {
  conversationId: string
  me: string
}

/** Over rows `r(id, read_seq, …)`: one per conversation with my read marker. What the cache holds: */
const CACHED_UNREAD_OF_R = `(
  (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.seq > r.read_seq)
  - (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.mine = 1 AND m.seq > r.read_seq)
  - (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.deleted_at IS NOT NULL AND m.mine = 0 AND m.seq > r.read_seq)
  - (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.kind = 'system' AND m.mine = 0 AND m.seq > r.read_seq))`

const CACHED_MENTIONS_OF_R = `(SELECT count(*) FROM messages m
  WHERE m.conversation_id = r.id AND m.mentions_me = 1 AND m.deleted_at IS NULL AND m.seq > r.read_seq)`

/**
 * The server's count as last listed (migration 012) stands while the cache
 * does not hold every message it counted — from my read marker to the
 * listing's last seq — and my read marker is the one it counted from. A
 * conversation's cached seqs are one range, so that is: its highest is below
 * the listing's last seq (then the cache's own count, of a part of what the
 * listing counted, can only be lower: not even counted — a catch-up builds
 * views of conversations with thousands of unread messages many times over),
 * or its lowest is above my first unread message (then the larger of the
 * two: the cache's may hold messages that came after the listing).
 * `r` also has listed_seq, listed_read_seq, listed_unread and listed_mentions.
 */
// "The cache's highest seq is below X" as "no cached seq at or above X": one seek that stops at the first
// entry (max() and min() cost twice that).
const LISTED_AHEAD = `(r.listed_read_seq = r.read_seq
  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = r.id AND m.seq >= r.listed_seq))`
const LISTED_BELOW = `(r.listed_read_seq = r.read_seq
  AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = r.id AND m.seq <= r.read_seq + 1))`
/** The total's count per conversation (one conversation's: UnreadCounts.counted, the same rule). */
const UNREAD_OF_R = `(CASE WHEN ${LISTED_AHEAD} THEN r.listed_unread
  WHEN ${LISTED_BELOW} THEN max(r.listed_unread, ${CACHED_UNREAD_OF_R}) ELSE ${CACHED_UNREAD_OF_R} END)`

/** One conversation as `r` (the marker read once, as a constant row: the counts then seek their index ranges). */
const ONE_R = `(SELECT @conversationId AS id, coalesce((SELECT read_seq FROM markers WHERE conversation_id = @conversationId AND user_id = @me), 0) AS read_seq) r`

interface ListedRow {
  listed_read_seq: number
  listed_unread: number
  listed_mentions: number
  read_seq: number
  /** The cache holds the listing's last seq (its highest seq is at or above it): 0 or 1. */
  reached: number
  /** The cache holds my first unread message, or one below it (its lowest seq is at or below it): 0 or 1. */
  from_first_unread: number
}

export class UnreadCounts {
  private readonly one: Statement<[UnreadParams], number>
  private readonly mentions: Statement<[UnreadParams], number>
  private readonly listed: Statement<[UnreadParams], ListedRow>
  private readonly total: Statement<[{ me: string; now: number }], number>

  constructor(
    db: Database,
    private readonly me: string,
  ) {
    // One conversation's counts: the same rule as the total's SQL, decided here with one seek at a time
    // (as one statement, SQLite ran the cache's counts an order of magnitude slower: 100-150 µs against 7).
    this.one = db.prepare<[UnreadParams], number>(`SELECT ${CACHED_UNREAD_OF_R} FROM ${ONE_R}`).pluck()
    this.mentions = db.prepare<[UnreadParams], number>(`SELECT ${CACHED_MENTIONS_OF_R} FROM ${ONE_R}`).pluck()
    this.listed = db.prepare<[UnreadParams], ListedRow>(
      `SELECT c.listed_read_seq, c.listed_unread, c.listed_mentions,
         coalesce((SELECT read_seq FROM markers WHERE conversation_id = @conversationId AND user_id = @me), 0) AS read_seq,
         EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = @conversationId AND m.seq >= c.listed_seq) AS reached,
         EXISTS (SELECT 1 FROM messages m WHERE m.conversation_id = @conversationId AND m.seq <= 1 +
           coalesce((SELECT read_seq FROM markers WHERE conversation_id = @conversationId AND user_id = @me), 0)) AS from_first_unread
       FROM conversations c WHERE c.id = @conversationId`,
    )
    this.total = db
      .prepare<[{ me: string; now: number }], number>(
        `SELECT coalesce(sum(${UNREAD_OF_R}), 0) FROM (
           SELECT c.id, coalesce(k.read_seq, 0) AS read_seq, c.listed_seq, c.listed_read_seq, c.listed_unread, c.listed_mentions
           FROM conversations c
           LEFT JOIN markers k ON k.conversation_id = c.id AND k.user_id = @me
           WHERE (c.muted_until IS NULL OR c.muted_until <= @now) AND c.left_at IS NULL
         ) r`,
      )
      .pluck()
  }

  unreadCount(conversationId: string): number {
    return this.counted(conversationId, 'listed_unread', this.one)
  }

  /** Unread messages from others that mention me (not deleted). */
  mentionCount(conversationId: string): number {
    return this.counted(conversationId, 'listed_mentions', this.mentions)
  }

  /** Over the conversations that are neither muted at `now` nor left. */
  totalUnread(now: number): number {
    return this.total.get({ me: this.me, now }) ?? 0
  }

  /** LISTED_AHEAD and LISTED_BELOW for one conversation (see there). */
  private counted(conversationId: string, which: 'listed_unread' | 'listed_mentions', cached: Statement<[UnreadParams], number>): number {
    const params = { conversationId, me: this.me }
    const listed = this.listed.get(params)
    const count = () => cached.get(params) ?? 0
    // Never listed, counted from another marker, or nothing unread in the listing: the cache's count (where the
    // listing's 0 would stand, the cache's is 0 too).
    if (listed === undefined || listed.listed_read_seq !== listed.read_seq || listed[which] === 0) return count()
    if (listed.reached === 0) return listed[which]
    if (listed.from_first_unread === 0) return Math.max(listed[which], count())
    return count()
  }
}
