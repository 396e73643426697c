/**
 * What the renderer sees of a stored message: the server's state with this
 * user's queued changes laid over it (optimistic: an edit, a delete, reactions
 * not yet confirmed), and what it replies to, read from the original in the
 * cache (so a preview follows this user's queued edits and deletes too), or
 * the server's preview stored with the reply when the original is outside
 * the cached range (migration 009).
 *
 * The overlay is computed when reading, never written into the row: the row
 * stays the server's truth. A server update arriving while a change is queued
 * therefore cannot make the change flicker away, and a refused change rolls
 * back by deleting its outbox row.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { Reaction } from '../../../../shared/api'
import type { ChatMessage } from '../../../../shared/ipc'
import { replyPreview, resolveMentions } from '../../../../shared/message-content'
import type { AttachmentTable } from '../attachments/attachment-table'
import { fromRow, MESSAGE_COLUMNS, type MessageRow, type StoredMessage } from './message-row'

/** A queued change of this user's (an outbox row of kind edit, delete or reaction). */
export interface QueuedChange {
  messageRowId: number
  kind: 'edit' | 'delete' | 'reaction'
  body: string | null
  emoji: string | null
  on: boolean
  queuedAt: number
}

interface ChangeRow {
  message_row_id: number
  kind: QueuedChange['kind']
  body: string | null
  emoji: string | null
  reaction_on: number | null
  queued_at: number
}

export class MessageViews {
  private readonly changesOf: Statement<[string], ChangeRow>
  private readonly anyChanges: Statement<[], number>
  private readonly bySeq: Statement<[string, number], MessageRow>
  private readonly ownByClient: Statement<[string, string], MessageRow>
  private readonly members: Statement<[string], { id: string; username: string }>

  constructor(
    db: Database,
    private readonly me: string,
    private readonly attachments: AttachmentTable,
  ) {
    this.changesOf = db.prepare(
      `SELECT message_row_id, kind, body, emoji, reaction_on, queued_at FROM outbox
       WHERE conversation_id = ? AND kind IN ('edit', 'delete', 'reaction') ORDER BY id`,
    )
    this.anyChanges = db.prepare<[], number>(`SELECT EXISTS (SELECT 1 FROM outbox WHERE kind IN ('edit', 'delete', 'reaction'))`).pluck()
    const from = `SELECT ${MESSAGE_COLUMNS} FROM messages m`
    this.bySeq = db.prepare(`${from} WHERE m.conversation_id = ? AND m.seq = ?`)
    this.ownByClient = db.prepare(`${from} WHERE m.conversation_id = ? AND m.client_id = ? AND m.own = 1`)
    this.members = db.prepare(
      `SELECT u.id, u.username FROM conversation_members cm JOIN users u ON u.id = cm.user_id WHERE cm.conversation_id = ?`,
    )
  }

  /** Rows of one read → views, in the same order; `queued` false: the server's (or the unsent) state alone. */
  ofRows(rows: readonly MessageRow[], queued = true): ChatMessage[] {
    return this.finish(rows.map(fromRow), queued)
  }

  /** Finish stored messages (any conversations): reply previews and, unless `withQueued` is false, queued changes. */
  finish(messages: readonly StoredMessage[], withQueued = true): ChatMessage[] {
    if (messages.length === 0) return []
    // Nearly always nothing is queued: one cheap query instead of one per conversation.
    const queued = withQueued && this.anyChanges.get() === 1
    const changes = new Map<string, Map<number, QueuedChange[]>>()
    const changesIn = (conversationId: string) => {
      let byRow = changes.get(conversationId)
      if (byRow === undefined) {
        byRow = queued ? this.queuedChanges(conversationId) : new Map()
        changes.set(conversationId, byRow)
      }
      return byRow
    }
    // Every message's files in one query per page (sent ones, and own unsent ones from the outbox).
    const files = this.attachments.viewsOf(
      messages.filter((m) => m.view.seq !== null).map((m) => m.rowId),
      messages.filter((m) => m.view.seq === null).map((m) => m.rowId),
    )
    return messages.map((message) => {
      const { conversationId } = message.view
      const byRow = changesIn(conversationId)
      const list = files.get(message.rowId)
      const withFiles = list !== undefined && message.view.deletedAt === null ? { ...message.view, attachments: list } : message.view
      const view = this.overlay(withFiles, byRow.get(message.rowId))
      if (message.replyToSeq === null && message.replyToClient === null) return view
      return { ...view, replyTo: this.replyTo(message, byRow) }
    })
  }

  /** Queued changes of one conversation, by message row. */
  queuedChanges(conversationId: string): Map<number, QueuedChange[]> {
    const byRow = new Map<number, QueuedChange[]>()
    for (const row of this.changesOf.all(conversationId)) {
      const change: QueuedChange = {
        messageRowId: row.message_row_id,
        kind: row.kind,
        body: row.body,
        emoji: row.emoji,
        on: row.reaction_on === 1,
        queuedAt: row.queued_at,
      }
      const list = byRow.get(row.message_row_id)
      if (list) list.push(change)
      else byRow.set(row.message_row_id, [change])
    }
    return byRow
  }

  /** The server's state with `changes` applied in the order they were queued. */
  overlay(view: ChatMessage, changes: readonly QueuedChange[] | undefined): ChatMessage {
    if (changes === undefined || changes.length === 0 || view.deletedAt !== null) return view
    let result = view
    for (const change of changes) {
      if (change.kind === 'delete') {
        return { ...result, body: '', deletedAt: change.queuedAt, reactions: [], mentions: [], replyTo: null, attachments: [] }
      }
      if (change.kind === 'edit' && change.body !== null) {
        const members = this.members.all(view.conversationId)
        result = { ...result, body: change.body, editedAt: change.queuedAt, mentions: resolveMentions(change.body, members) }
      } else if (change.kind === 'reaction' && change.emoji !== null) {
        result = { ...result, reactions: withReaction(result.reactions, change.emoji, this.me, change.on) }
      }
    }
    return result
  }

  private replyTo(message: StoredMessage, byRow: Map<number, QueuedChange[]>): ChatMessage['replyTo'] {
    const { conversationId } = message.view
    const row =
      message.replyToSeq !== null
        ? this.bySeq.get(conversationId, message.replyToSeq)
        : this.ownByClient.get(conversationId, message.replyToClient as string)
    if (row === undefined) {
      // The original is outside the cached range (older, not fetched yet, evicted): the server's preview.
      if (message.replyPreview !== null) return { ...message.replyPreview, key: null }
      // Stored before migration 009 kept previews, and the original not cached since: only its seq is known.
      return { id: '', seq: message.replyToSeq ?? 0, senderId: '', body: '', deleted: false, key: null }
    }
    const original = fromRow(row)
    const shown = this.overlay(original.view, byRow.get(original.rowId))
    const deleted = shown.deletedAt !== null
    return {
      id: shown.id ?? '',
      seq: shown.seq ?? 0,
      senderId: shown.senderId,
      body: deleted ? '' : replyPreview(shown.body),
      deleted,
      key: shown.key,
    }
  }
}

/** `reactions` with `me` added to (or taken off) `emoji`; a new emoji goes last, an emptied one goes. */
export function withReaction(reactions: readonly Reaction[], emoji: string, me: string, on: boolean): Reaction[] {
  const existing = reactions.find((reaction) => reaction.emoji === emoji)
  const has = existing?.userIds.includes(me) ?? false
  if (has === on) return [...reactions]
  if (on) {
    if (existing) return reactions.map((r) => (r === existing ? { emoji, userIds: [...r.userIds, me] } : r))
    return [...reactions, { emoji, userIds: [me] }]
  }
  return reactions
    .map((r) => (r === existing ? { emoji, userIds: r.userIds.filter((id) => id !== me) } : r))
    .filter((r) => r.userIds.length > 0)
}
