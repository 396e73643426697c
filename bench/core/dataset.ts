/** One conversation's history as the server would page it: seq 1…n, time rising. */
import type { Conversation, Message } from '../../src/shared/api'
import { messageBody } from './bodies'
import { seededRandom } from '../../test/kit/random'

export const CONVERSATION_ID = 'bench-conversation'
export const ME = 'user-me'
const OTHERS = ['user-ana', 'user-bo', 'user-chen', 'user-daichi']
const START = Date.UTC(2024, 0, 1)

export function generateMessages(count: number, seed: number): Message[] {
  const random = seededRandom(seed)
  const messages: Message[] = []
  let createdAt = START
  for (let seq = 1; seq <= count; seq++) {
    createdAt += 1 + Math.floor(random() ** 3 * 600_000)
    const senderId = random() < 0.3 ? ME : (OTHERS[Math.floor(random() * OTHERS.length)] as string)
    messages.push({
      id: `msg-${seq.toString(36)}-${Math.floor(random() * 1e9).toString(36)}`,
      conversationId: CONVERSATION_ID,
      seq,
      rev: seq,
      senderId,
      clientId: `client-${Math.floor(random() * 1e12).toString(36)}-${seq}`,
      body: messageBody(random),
      createdAt,
      editedAt: null,
      deletedAt: null,
      replyTo: null,
      reactions: [],
      mentions: [],
      attachments: [],
      kind: 'text',
      system: null,
    })
  }
  return messages
}

export function benchConversation(lastSeq: number): Conversation {
  return {
    id: CONVERSATION_ID,
    kind: 'group',
    title: 'Benchmark',
    memberIds: [ME, ...OTHERS],
    members: [ME, ...OTHERS].map((userId) => ({ userId, role: userId === ME ? 'owner' : 'member' })),
    mutedUntil: null,
    lastMessage: null,
    lastSeq,
    lastRev: lastSeq,
    readSeq: 0,
    deliveredSeq: 0,
    unreadCount: 0,
    mentionCount: 0,
    markers: {},
    createdAt: START,
    lastActivityAt: START,
  }
}

/** Batches of `size`, in order: the pages a sync would fetch. */
export function pages<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = []
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size))
  return out
}
