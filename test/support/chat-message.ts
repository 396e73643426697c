/** A delivered text message from bob as the renderer gets it (src/shared/ipc.ts ChatMessage); `overrides` change any field. */
import type { ChatMessage } from '../../src/shared/ipc'

export const chatMessage = (overrides: Partial<ChatMessage> = {}): ChatMessage => ({
  key: 'bob:c1',
  id: 'm1',
  clientId: 'c1',
  conversationId: 'conv1',
  seq: 5,
  senderId: 'bob',
  body: 'hello there',
  createdAt: 2_000,
  state: 'sent',
  error: null,
  errorCode: null,
  rev: 5,
  editedAt: null,
  deletedAt: null,
  replyTo: null,
  reactions: [],
  mentions: [],
  attachments: [],
  kind: 'text',
  system: null,
  ...overrides,
})
