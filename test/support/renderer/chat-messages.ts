/** Test data for the renderer's unit tests: ChatMessages of conversation c1 with sensible defaults. */
import type { ChatMessage } from '../../../src/shared/ipc'

/** What a message has when nobody changed it: no edit, no tombstone, no reply, reactions, mentions or files; a text message. */
const unchanged = { editedAt: null, deletedAt: null, replyTo: null, reactions: [], mentions: [], attachments: [], kind: 'text', system: null, errorCode: null } satisfies Partial<ChatMessage>

export function sent(seq: number, senderId = 'bob', createdAt = 1_700_000_000_000 + seq * 1_000, body = `message ${seq}`): ChatMessage {
  return {
    key: `${senderId}:c${seq}`,
    id: `m${seq}`,
    clientId: `c${seq}`,
    conversationId: 'c1',
    seq,
    rev: seq,
    senderId,
    body,
    createdAt,
    state: 'sent',
    error: null,
    ...unchanged,
  }
}

export function pending(clientId: string, createdAt: number, senderId = 'me', body = `draft ${clientId}`): ChatMessage {
  return {
    key: `${senderId}:${clientId}`,
    id: null,
    clientId,
    conversationId: 'c1',
    seq: null,
    rev: null,
    senderId,
    body,
    createdAt,
    state: 'pending',
    error: null,
    ...unchanged,
  }
}
