/**
 * Conversations with their members and roles, my mute (as the server keeps
 * it) and whether I left. Markers live in MarkerTable; activity times of
 * unsent messages are added when reading.
 */
import type { Database, Statement } from 'better-sqlite3'
import { MUTE_FOREVER, type Conversation, type ConversationMember, type MemberRole } from '../../../../shared/api'
import type { ConversationCursor } from '../../../../shared/ipc'
import type { CachedConversation, ConversationCounters } from '../types'
import type { MarkerTable } from './markers'

interface ConversationRow {
  id: string
  kind: Conversation['kind']
  title: string | null
  created_at: number
  last_seq: number
  last_rev: number
  server_last_rev: number
  activity: number
  muted_until: number | null
  left_at: number | null
}

/** A conversation's own columns as stored (upsertConversations compares a report with them). */
type StoredRow = Omit<ConversationRow, 'id' | 'last_rev' | 'activity'> & {
  last_activity_at: number
  listed_seq: number
  listed_read_seq: number
  listed_unread: number
  listed_mentions: number
}

interface MemberRow {
  conversation_id: string
  user_id: string
  role: MemberRole
}

/**
 * `activity`: the stored time (server's, raised by stored messages) or the
 * newest unsent message, whichever is later. Unsent rows are found through
 * messages_by_seq with seq IS NULL: a handful per conversation at most.
 */
const SELECT_CONVERSATION = `
  SELECT c.id, c.kind, c.title, c.created_at, c.last_seq, c.last_rev, c.server_last_rev, c.muted_until, c.left_at,
    max(c.last_activity_at, coalesce(
      (SELECT max(m.created_at) FROM messages m WHERE m.conversation_id = c.id AND m.seq IS NULL), 0)) AS activity
  FROM conversations c`

export class ConversationTable {
  private readonly upsert: Statement<[string, string, string | null, number, number, number, number, number | null]>
  private readonly list: Statement<[number, number, number, number, string]>
  private readonly rejoin: Statement<[string]>
  private readonly leave: Statement<[number, string]>
  private readonly raiseRev: Statement<[number, string]>
  private readonly clearMembers: Statement<[string]>
  private readonly addMember: Statement<[string, string, number, MemberRole]>
  private readonly one: Statement<[string], ConversationRow>
  private readonly counterRow: Statement<[string], { last_seq: number; last_rev: number; server_last_rev: number; left_at: number | null }>
  private readonly all: Statement<[], ConversationRow>
  private readonly firstPage: Statement<[number], ConversationRow>
  private readonly nextPage: Statement<[number, number, string, number], ConversationRow>
  private readonly membersOfOne: Statement<[string], MemberRow>
  private readonly everyMember: Statement<[], MemberRow>
  private readonly raise: Statement<[number, number, string]>
  private readonly stored: Statement<[string], StoredRow>
  private readonly pending: Statement<[number, number], { id: string; muted_until: number }>

  constructor(
    private readonly db: Database,
    private readonly markers: MarkerTable,
    /** The account's user id: a conversation listing me is one I am a member of (again). */
    private readonly me: string,
  ) {
    // mutedUntil is the viewer's own setting as the server has it now: replaced, never merged.
    this.upsert = db.prepare(
      `INSERT INTO conversations (id, kind, title, created_at, last_seq, last_activity_at, server_last_rev, muted_until) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, title = excluded.title, created_at = excluded.created_at,
         last_seq = max(last_seq, excluded.last_seq), last_activity_at = max(last_activity_at, excluded.last_activity_at),
         server_last_rev = max(server_last_rev, excluded.server_last_rev), muted_until = excluded.muted_until`,
    )
    this.list = db.prepare('UPDATE conversations SET listed_seq = ?, listed_read_seq = ?, listed_unread = ?, listed_mentions = ? WHERE id = ?')
    this.rejoin = db.prepare('UPDATE conversations SET left_at = NULL WHERE id = ?')
    this.leave = db.prepare('UPDATE conversations SET left_at = coalesce(left_at, ?) WHERE id = ?')
    this.raiseRev = db.prepare('UPDATE conversations SET last_rev = max(last_rev, ?) WHERE id = ?')
    this.clearMembers = db.prepare('DELETE FROM conversation_members WHERE conversation_id = ?')
    this.addMember = db.prepare('INSERT OR IGNORE INTO conversation_members (conversation_id, user_id, position, role) VALUES (?, ?, ?, ?)')
    this.one = db.prepare(`${SELECT_CONVERSATION} WHERE c.id = ?`)
    this.counterRow = db.prepare('SELECT last_seq, last_rev, server_last_rev, left_at FROM conversations WHERE id = ?')
    this.all = db.prepare(`${SELECT_CONVERSATION} ORDER BY activity DESC, c.id`)
    this.firstPage = db.prepare(`${SELECT_CONVERSATION} ORDER BY activity DESC, c.id LIMIT ?`)
    this.nextPage = db.prepare(
      `SELECT * FROM (${SELECT_CONVERSATION}) WHERE activity < ? OR (activity = ? AND id > ?) ORDER BY activity DESC, id LIMIT ?`,
    )
    this.membersOfOne = db.prepare('SELECT conversation_id, user_id, role FROM conversation_members WHERE conversation_id = ? ORDER BY position')
    this.everyMember = db.prepare('SELECT conversation_id, user_id, role FROM conversation_members ORDER BY conversation_id, position')
    this.stored = db.prepare(
      `SELECT kind, title, created_at, last_seq, last_activity_at, server_last_rev, muted_until, left_at,
         listed_seq, listed_read_seq, listed_unread, listed_mentions FROM conversations WHERE id = ?`,
    )
    this.pending = db.prepare('SELECT id, muted_until FROM conversations WHERE muted_until > ? AND muted_until < ? AND left_at IS NULL')
    this.raise = db.prepare(
      `UPDATE conversations SET last_seq = max(last_seq, ?), last_activity_at = max(last_activity_at, ?) WHERE id = ?`,
    )
  }

  /** Returns the ids whose cached state changed (new, or anything the view shows). */
  upsertConversations(conversations: readonly Conversation[]): string[] {
    if (conversations.length === 0) return []
    return this.db.transaction(() => {
      const changed: string[] = []
      for (const c of conversations) {
        const row = this.stored.get(c.id)
        const listsMe = c.memberIds.includes(this.me)
        let moved =
          row === undefined ||
          row.kind !== c.kind ||
          row.title !== c.title ||
          row.created_at !== c.createdAt ||
          row.last_seq < c.lastSeq ||
          row.last_activity_at < c.lastActivityAt ||
          row.server_last_rev < c.lastRev ||
          row.muted_until !== c.mutedUntil ||
          (row.left_at !== null && listsMe)
        if (moved) this.upsert.run(c.id, c.kind, c.title, c.createdAt, c.lastSeq, c.lastActivityAt, c.lastRev, c.mutedUntil)
        // The server's unread counts, kept from the newest report (an older one arriving late does not undo it):
        // the badge shows them until the cache holds what they counted (migration 012, unread.ts).
        const listed = row === undefined || c.lastSeq >= row.listed_seq
        if (
          listed &&
          (row === undefined ||
            row.listed_seq !== c.lastSeq ||
            row.listed_read_seq !== c.readSeq ||
            row.listed_unread !== c.unreadCount ||
            row.listed_mentions !== c.mentionCount)
        ) {
          this.list.run(c.lastSeq, c.readSeq, c.unreadCount, c.mentionCount, c.id)
          moved = true
        }
        // The server shows a conversation only to its members: one listing me is mine again (re-added).
        if (listsMe && row?.left_at != null) this.rejoin.run(c.id)
        // Roles from `members`; a server before issue 19 sends none (everyone is a member).
        const roles = new Map(c.members.map((member) => [member.userId, member.role]))
        const members = row === undefined ? [] : this.membersOfOne.all(c.id)
        const sameMembers =
          members.length === c.memberIds.length && c.memberIds.every((userId, at) => members[at]?.user_id === userId && members[at]?.role === (roles.get(userId) ?? 'member'))
        if (!sameMembers) {
          moved = true
          this.clearMembers.run(c.id)
          c.memberIds.forEach((userId, position) => this.addMember.run(c.id, userId, position, roles.get(userId) ?? 'member'))
        }
        for (const [userId, marker] of Object.entries(c.markers)) if (this.markers.mergeIfAhead(c.id, userId, marker)) moved = true
        if (moved) changed.push(c.id)
      }
      return changed
    })()
  }

  conversation(id: string): CachedConversation | null {
    const row = this.one.get(id)
    if (row === undefined) return null
    return toCachedConversation(row, this.membersOfOne.all(id).map(toMember), this.markers.markersOf(id))
  }

  /** The counters and left time alone: one row, no members or markers (sync asks on every page). */
  counters(id: string): ConversationCounters | null {
    const row = this.counterRow.get(id)
    return row === undefined ? null : { lastSeq: row.last_seq, lastRev: row.last_rev, serverLastRev: row.server_last_rev, leftAt: row.left_at }
  }

  /** Newest activity first. Three queries, whatever the number of conversations. */
  conversations(): CachedConversation[] {
    const rows = this.all.all()
    const members = new Map<string, ConversationMember[]>()
    for (const member of this.everyMember.all()) {
      const list = members.get(member.conversation_id)
      if (list) list.push(toMember(member))
      else members.set(member.conversation_id, [toMember(member)])
    }
    const markers = this.markers.allMarkers()
    return rows.map((row) => toCachedConversation(row, members.get(row.id) ?? [], markers.get(row.id) ?? {}))
  }

  /**
   * A page of conversations in the order of `conversations()`, after the
   * cursor (the last of the previous page: its lastActivityAt and id), with
   * their members and markers — what the first screen needs without reading
   * every conversation (design §7.1).
   */
  conversationPage(after: ConversationCursor | null, limit: number): CachedConversation[] {
    const rows = after === null ? this.firstPage.all(limit) : this.nextPage.all(after.lastActivityAt, after.lastActivityAt, after.id, limit)
    return rows.map((row) => toCachedConversation(row, this.membersOfOne.all(row.id).map(toMember), this.markers.markersOf(row.id)))
  }

  /** Mutes that pass after `now` (not forever; conversations I am still in): conversation id → mutedUntil. */
  pendingMutes(now: number): Map<string, number> {
    return new Map(this.pending.all(now, MUTE_FOREVER).map((row) => [row.id, row.muted_until]))
  }

  /** I am no longer a member (since `at`; the first time counts), or — `at` null — a member again. */
  setLeft(conversationId: string, at: number | null): void {
    if (at === null) this.rejoin.run(conversationId)
    else this.leave.run(at, conversationId)
  }

  /** The cache is up to date after `changedAfter = rev` (sync.ts): only ever rises. */
  raiseLastRev(conversationId: string, rev: number): void {
    this.raiseRev.run(rev, conversationId)
  }

  /** Stored messages raise lastSeq and the activity time (no transaction of its own). */
  raiseActivity(conversationId: string, lastSeq: number, activityAt: number): void {
    this.raise.run(lastSeq, activityAt, conversationId)
  }
}

const toMember = (row: MemberRow): ConversationMember => ({ userId: row.user_id, role: row.role })

function toCachedConversation(row: ConversationRow, members: ConversationMember[], markers: CachedConversation['markers']): CachedConversation {
  return {
    id: row.id,
    kind: row.kind,
    title: row.title,
    memberIds: members.map((member) => member.userId),
    members,
    lastSeq: row.last_seq,
    lastRev: row.last_rev,
    serverLastRev: row.server_last_rev,
    markers,
    createdAt: row.created_at,
    lastActivityAt: row.activity,
    mutedUntil: row.muted_until,
    leftAt: row.left_at,
  }
}
