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
const LISTED_AHEAD = `(r.listed_read_seq = r.read_seq
  AND r.listed_seq > coalesce((SELECT max(m.seq) FROM messages m WHERE m.conversation_id = r.id), 0))`
const LISTED_BELOW = `(r.listed_read_seq = r.read_seq
  AND r.read_seq + 1 < coalesce((SELECT min(m.seq) FROM messages m WHERE m.conversation_id = r.id), r.read_seq + 1))`
const counted = (listed: string, cached: string) =>
  `(CASE WHEN ${LISTED_AHEAD} THEN ${listed} WHEN ${LISTED_BELOW} THEN max(${listed}, ${cached}) ELSE ${cached} END)`
const UNREAD_OF_R = counted('r.listed_unread', CACHED_UNREAD_OF_R)
const MENTIONS_OF_R = counted('r.listed_mentions', CACHED_MENTIONS_OF_R)

/** One conversation as `r` (a conversation not cached counts as never listed). */
const ONE_R = `(
  SELECT @conversationId AS id,
    coalesce((SELECT read_seq FROM markers WHERE conversation_id = @conversationId AND user_id = @me), 0) AS read_seq,
    coalesce(c.listed_seq, 0) AS listed_seq, coalesce(c.listed_read_seq, 0) AS listed_read_seq,
    coalesce(c.listed_unread, 0) AS listed_unread, coalesce(c.listed_mentions, 0) AS listed_mentions
  FROM (SELECT 1) LEFT JOIN conversations c ON c.id = @conversationId
) r`

export class UnreadCounts {
  private readonly one: Statement<[UnreadParams], number>
  private readonly mentions: Statement<[UnreadParams], number>
  private readonly total: Statement<[{ me: string; now: number }], number>

  constructor(
    db: Database,
    private readonly me: string,
  ) {
    this.one = db.prepare<[UnreadParams], number>(`SELECT ${UNREAD_OF_R} FROM ${ONE_R}`).pluck()
    this.mentions = db.prepare<[UnreadParams], number>(`SELECT ${MENTIONS_OF_R} FROM ${ONE_R}`).pluck()
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
    return this.one.get({ conversationId, me: this.me }) ?? 0
  }

  /** Unread messages from others that mention me (not deleted). */
  mentionCount(conversationId: string): number {
    return this.mentions.get({ conversationId, me: this.me }) ?? 0
  }

  /** Over the conversations that are neither muted at `now` nor left. */
  totalUnread(now: number): number {
    return this.total.get({ me: this.me, now }) ?? 0
  }
}
