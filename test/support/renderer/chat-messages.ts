/** Test data for the renderer's unit tests: ChatMessages of conversation c1 with sensible defaults. */
import type { ChatMessage } from '../../../src/shared/ipc'

export function sent(seq: number, senderId = 'bob', createdAt = 1_700_000_000_000 + seq * 1_000, body = `message ${seq}`): ChatMessage {
  return { key: `${senderId}:c${seq}`, id: `m${seq}`, clientId: `c${seq}`, conversationId: 'c1', seq, senderId, body, createdAt, state: 'sent', error: null }
}

export function pending(clientId: string, createdAt: number, senderId = 'me', body = `draft ${clientId}`): ChatMessage {
  return { key: `${senderId}:${clientId}`, id: null, clientId, conversationId: 'c1', seq: null, senderId, body, createdAt, state: 'pending', error: null }
}
