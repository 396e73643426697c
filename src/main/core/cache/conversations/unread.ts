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
 */
import type { Database, Statement } from 'better-sqlite3'

interface UnreadParams {
  conversationId: string
  me: string
}

/** Over rows `r(id, read_seq)`: one per conversation with my read marker. */
const UNREAD_OF_R = `
  (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.seq > r.read_seq)
  - (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.mine = 1 AND m.seq > r.read_seq)
  - (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.deleted_at IS NOT NULL AND m.mine = 0 AND m.seq > r.read_seq)
  - (SELECT count(*) FROM messages m WHERE m.conversation_id = r.id AND m.kind = 'system' AND m.mine = 0 AND m.seq > r.read_seq)`

const READ_SEQ = `coalesce((SELECT read_seq FROM markers WHERE conversation_id = @conversationId AND user_id = @me), 0)`

export class UnreadCounts {
  private readonly one: Statement<[UnreadParams], number>
  private readonly mentions: Statement<[UnreadParams], number>
  private readonly total: Statement<[{ me: string; now: number }], number>

  constructor(
    db: Database,
    private readonly me: string,
  ) {
    this.one = db
      .prepare<[UnreadParams], number>(
        `SELECT ${UNREAD_OF_R} FROM (
           SELECT @conversationId AS id, ${READ_SEQ} AS read_seq
         ) r`,
      )
      .pluck()
    this.mentions = db
      .prepare<[UnreadParams], number>(
        `SELECT count(*) FROM messages m
         WHERE m.conversation_id = @conversationId AND m.mentions_me = 1 AND m.deleted_at IS NULL AND m.seq > ${READ_SEQ}`,
      )
      .pluck()
    this.total = db
      .prepare<[{ me: string; now: number }], number>(
        `SELECT coalesce(sum(${UNREAD_OF_R}), 0) FROM (
           SELECT c.id, coalesce(k.read_seq, 0) AS read_seq FROM conversations c
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
