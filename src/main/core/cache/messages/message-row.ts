/** A messages row as SQLite returns it, and the ChatMessage it becomes. */
import type { ChatMessage, MessageState } from '../../../../shared/ipc'

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
}

/** The columns of MessageRow, for SELECTs (prefixed with `m.`). */
export const MESSAGE_COLUMNS = 'm.row_id, m.conversation_id, m.id, m.seq, m.sender_id, m.client_id, m.body, m.created_at, m.state, m.error'

export const messageKey = (senderId: string, clientId: string): string => `${senderId}:${clientId}`

export function toChatMessage(row: MessageRow): ChatMessage {
  return {
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
  }
}
