/**
 * This user's changes to messages — an edit, a delete for everyone, a
 * reaction on or off — queued in the outbox until the server has them. Each
 * is one outbox row saying what the user wants the message to become, written
 * in one transaction with the checks that allow it; the view lays it over the
 * server's state at once (message-views.ts).
 *
 * Coalescing, by what the user wants rather than by what was asked:
 * - one edit row per message: a second edit replaces its body;
 * - one row per message and emoji: toggling rewrites `reaction_on`, so "add
 *   then remove" leaves a row that asks for what the server already has, and
 *   the outbox completes it without a request (outbox.ts);
 * - a delete drops the message's queued edit and reactions and is the one
 *   row left; nothing more may be queued on a deleted message.
 * A row changed while its request was on its way is not completed by that
 * request's answer (OutboxTable.completeOutbox compares), so it goes again.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { ChatMessage } from '../../../../shared/ipc'
import { REACTIONS_PER_MESSAGE_MAX } from '../../../../shared/message-content'
import { clientIdOfKey, fromRow, MESSAGE_COLUMNS, type MessageRow } from '../messages/message-row'
import type { MessageViews } from '../messages/message-views'
import type { ChangeItem, QueueChangeResult } from '../types'

export type ChangeRequest =
  | { kind: 'edit'; body: string }
  | { kind: 'delete' }
  | { kind: 'reaction'; emoji: string; on: boolean }

interface QueuedRow {
  id: number
  kind: 'edit' | 'delete' | 'reaction'
  emoji: string | null
}

export class QueuedChanges {
  private readonly own: Statement<[string, string], MessageRow>
  private readonly anyones: Statement<[string, string, string], MessageRow>
  private readonly byRowId: Statement<[number], MessageRow>
  private readonly queuedOf: Statement<[number], QueuedRow>
  private readonly insert: Statement<[string, string, number, string | null, string | null, number | null, number]>
  private readonly rewrite: Statement<[string | null, number | null, number, number]>
  private readonly dropOthers: Statement<[number]>
  private readonly drop: Statement<[number]>
  /** 1 when I own or administer the group (docs/design.md §4.6: they delete others' messages). */
  private readonly runsGroup: Statement<[string, string], { runs: number }>

  constructor(
    private readonly db: Database,
    private readonly me: string,
    private readonly views: MessageViews,
  ) {
    const from = `SELECT ${MESSAGE_COLUMNS} FROM messages m`
    this.own = db.prepare(`${from} WHERE m.conversation_id = ? AND m.client_id = ? AND m.own = 1`)
    // Others' messages have no index by clientId (migration 002): newest first through messages_by_seq,
    // so the recent messages people react to are found after a few rows.
    this.anyones = db.prepare(
      `${from} WHERE m.conversation_id = ? AND m.client_id = ? AND m.sender_id = ? AND m.seq IS NOT NULL ORDER BY m.seq DESC LIMIT 1`,
    )
    this.byRowId = db.prepare(`${from} WHERE m.row_id = ?`)
    this.queuedOf = db.prepare(`SELECT id, kind, emoji FROM outbox WHERE message_row_id = ? AND kind IN ('edit', 'delete', 'reaction') ORDER BY id`)
    this.insert = db.prepare(
      `INSERT INTO outbox (kind, conversation_id, message_row_id, body, emoji, reaction_on, queued_at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
    )
    this.rewrite = db.prepare('UPDATE outbox SET body = ?, reaction_on = ?, queued_at = ? WHERE id = ?')
    this.dropOthers = db.prepare(`DELETE FROM outbox WHERE message_row_id = ? AND kind IN ('edit', 'reaction')`)
    this.drop = db.prepare('DELETE FROM outbox WHERE id = ?')
    this.runsGroup = db.prepare(
      `SELECT 1 AS runs FROM conversations c JOIN conversation_members cm ON cm.conversation_id = c.id
       WHERE c.id = ? AND c.kind = 'group' AND cm.user_id = ? AND cm.role IN ('owner', 'admin')`,
    )
  }

  /** A message by its key (`senderId:clientId`), as stored. */
  find(conversationId: string, key: string): MessageRow | undefined {
    const clientId = clientIdOfKey(key)
    const senderId = key.slice(0, key.length - clientId.length - 1)
    const own = this.own.get(conversationId, clientId)
    if (own !== undefined && own.sender_id === senderId) return own
    return this.anyones.get(conversationId, clientId, senderId)
  }

  /** The message as the renderer would see it (queued changes laid over), or null. */
  view(conversationId: string, key: string): ChatMessage | null {
    const row = this.find(conversationId, key)
    return row === undefined ? null : (this.views.ofRows([row])[0] ?? null)
  }

  /** The server's state of a message, without queued changes (null once it is gone). */
  stored(messageRowId: number): ChatMessage | null {
    const row = this.byRowId.get(messageRowId)
    return row === undefined ? null : fromRow(row).view
  }

  queue(conversationId: string, key: string, change: ChangeRequest, at: number): QueueChangeResult {
    return this.db.transaction((): QueueChangeResult => {
      const row = this.find(conversationId, key)
      if (row === undefined) return { ok: false, code: 'not_found', message: 'No such message' }
      if (row.state === 'failed') return { ok: false, code: 'conflict', message: 'This message was not sent: send it again or discard it first' }
      const queued = this.queuedOf.all(row.row_id)
      if (row.deleted_at !== null || queued.some((q) => q.kind === 'delete')) {
        return { ok: false, code: 'conflict', message: 'This message was deleted' }
      }
      if (row.kind === 'system') return { ok: false, code: 'conflict', message: 'A change to the group cannot be edited, deleted or reacted to' }
      if (change.kind === 'edit' && row.sender_id !== this.me) {
        return { ok: false, code: 'forbidden', message: 'Only your own messages can be edited' }
      }
      if (change.kind === 'delete' && row.sender_id !== this.me && this.runsGroup.get(conversationId, this.me) === undefined) {
        return { ok: false, code: 'forbidden', message: "Only your own messages can be deleted, or anyone's by a group's owner and admins" }
      }
      if (change.kind === 'edit') {
        const edit = queued.find((q) => q.kind === 'edit')
        if (edit) this.rewrite.run(change.body, null, at, edit.id)
        else this.insert.run('edit', conversationId, row.row_id, change.body, null, null, at)
      } else if (change.kind === 'delete') {
        this.dropOthers.run(row.row_id)
        this.insert.run('delete', conversationId, row.row_id, null, null, null, at)
      } else {
        const shown = this.views.ofRows([row])[0] as ChatMessage
        const isNew = !shown.reactions.some((reaction) => reaction.emoji === change.emoji)
        if (change.on && isNew && shown.reactions.length >= REACTIONS_PER_MESSAGE_MAX) {
          return { ok: false, code: 'bad_request', message: `At most ${REACTIONS_PER_MESSAGE_MAX} different reactions per message` }
        }
        const reaction = queued.find((q) => q.kind === 'reaction' && q.emoji === change.emoji)
        if (reaction) this.rewrite.run(null, change.on ? 1 : 0, at, reaction.id)
        else this.insert.run('reaction', conversationId, row.row_id, null, change.emoji, change.on ? 1 : 0, at)
      }
      return { ok: true, message: this.views.ofRows([row])[0] as ChatMessage }
    })()
  }

  /** The server refused a change for good: it leaves the queue; the message as it now shows (server state and the rest still queued). */
  refused(item: ChangeItem): ChatMessage | null {
    this.drop.run(item.id)
    const row = this.byRowId.get(item.messageRowId)
    return row === undefined ? null : (this.views.ofRows([row])[0] ?? null)
  }
}
