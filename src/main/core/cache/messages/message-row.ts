/** A messages row as SQLite returns it, and the ChatMessage it becomes (before queued changes: message-views.ts). */
import type { Message, Reaction, ReplyTo, SystemEvent } from '../../../../shared/api'
import type { ChatMessage, MessageState } from '../../../../shared/ipc'
import { replyPreview } from '../../../../shared/message-content'

export interface MessageRow {
  row_id: number
  conversation_id: string
  id: string | null
  seq: number | null
  sender_id: string
  client_id: string
  body: string
  created_at: number
  state: MessageState
  error: string | null
  /** The refusal's code (ChatMessage.errorCode). */
  error_code: string | null
  rev: number | null
  edited_at: number | null
  deleted_at: number | null
  reply_to_seq: number | null
  reply_to_client: string | null
  /** JSON ReplyTo: the server's preview of the original (migration 009); NULL when it answers nothing, or unsent. */
  reply_preview: string | null
  /** JSON Reaction[], NULL for none. */
  reactions: string | null
  /** JSON user ids, NULL for none. */
  mentions: string | null
  kind: 'text' | 'system'
  /** JSON SystemEvent of a system message; NULL for text. */
  system_event: string | null
}

/** The columns of MessageRow, for SELECTs (prefixed with `m.`). */
export const MESSAGE_COLUMNS =
  'm.row_id, m.conversation_id, m.id, m.seq, m.sender_id, m.client_id, m.body, m.created_at, m.state, m.error, m.error_code, ' +
  'm.rev, m.edited_at, m.deleted_at, m.reply_to_seq, m.reply_to_client, m.reply_preview, m.reactions, m.mentions, m.kind, m.system_event'

export const messageKey = (senderId: string, clientId: string): string => `${senderId}:${clientId}`

/** The clientId of a key (`senderId:clientId`; client ids never hold a colon). */
export const clientIdOfKey = (key: string): string => key.slice(key.lastIndexOf(':') + 1)

/** A message as stored, with what the view needs to finish it (message-views.ts). */
export interface StoredMessage {
  view: ChatMessage
  rowId: number
  replyToSeq: number | null
  replyToClient: string | null
  /** The server's preview of the original, for when the original is not cached. */
  replyPreview: ReplyTo | null
}

/**
 * What the cache keeps of the server's preview of a reply's original (and shows while the original
 * is not cached): its fields only (a newer server's copy may carry more), the body cut to a
 * preview's length, and none once the original is deleted.
 */
export function previewOf({ id, seq, senderId, body, deleted }: ReplyTo): ReplyTo {
  return { id, seq, senderId, body: deleted ? '' : replyPreview(body), deleted }
}

/** JSON for a list column: NULL when empty (most messages have no reactions or mentions). */
export const listColumn = (list: readonly unknown[]): string | null => (list.length === 0 ? null : JSON.stringify(list))

export function fromRow(row: MessageRow): StoredMessage {
  return {
    view: {
      key: messageKey(row.sender_id, row.client_id),
      id: row.id,
      clientId: row.client_id,
      conversationId: row.conversation_id,
      seq: row.seq,
      senderId: row.sender_id,
      body: row.body,
      createdAt: row.created_at,
      state: row.state,
      error: row.error,
      errorCode: row.error_code,
      rev: row.rev,
      editedAt: row.edited_at,
      deletedAt: row.deleted_at,
      replyTo: null,
      reactions: row.reactions === null ? [] : (JSON.parse(row.reactions) as Reaction[]),
      mentions: row.mentions === null ? [] : (JSON.parse(row.mentions) as string[]),
      // Filled by MessageViews.finish (one query per page).
      attachments: [],
      kind: row.kind,
      system: row.system_event === null ? null : (JSON.parse(row.system_event) as SystemEvent),
    },
    rowId: row.row_id,
    replyToSeq: row.reply_to_seq,
    replyToClient: row.reply_to_client,
    replyPreview: row.reply_preview === null ? null : (JSON.parse(row.reply_preview) as ReplyTo),
  }
}

/** The server's message as stored under `rowId`. */
export function fromServer(m: Message, rowId: number): StoredMessage {
  return {
    view: {
      key: messageKey(m.senderId, m.clientId),
      id: m.id,
      clientId: m.clientId,
      conversationId: m.conversationId,
      seq: m.seq,
      senderId: m.senderId,
      body: m.body,
      createdAt: m.createdAt,
      state: 'sent',
      error: null,
      errorCode: null,
      rev: m.rev,
      editedAt: m.editedAt,
      deletedAt: m.deletedAt,
      replyTo: null,
      reactions: m.reactions,
      mentions: m.mentions,
      // Filled by MessageViews.finish from the rows storeMessages wrote.
      attachments: [],
      kind: m.kind === 'system' && m.system != null ? 'system' : 'text',
      system: m.kind === 'system' ? (m.system ?? null) : null,
    },
    rowId,
    replyToSeq: m.replyTo?.seq ?? null,
    replyToClient: null,
    replyPreview: m.replyTo == null ? null : previewOf(m.replyTo),
  }
}
