/** Store records → the REST DTOs of src/shared/api.ts. */
import type { Conversation, Message, User } from '../../shared/api'
import type { ConversationRecord, UserRecord } from '../store/store'
import type { PresenceTracker } from './presence'

export function userView(user: UserRecord, presence: PresenceTracker): User {
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    online: presence.isOnline(user.id),
    lastSeenAt: user.lastSeenAt,
  }
}

/** The conversation as `viewerId` sees it: their own markers and unread count on top. */
export function conversationView(record: ConversationRecord, viewerId: string, unreadCount: number): Conversation {
  const markers: Conversation['markers'] = {}
  for (const member of record.members) {
    markers[member.userId] = { readSeq: member.readSeq, deliveredSeq: member.deliveredSeq }
  }
  const own = markers[viewerId] ?? { readSeq: 0, deliveredSeq: 0 }
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    memberIds: record.members.map((member) => member.userId),
    lastMessage: record.lastMessage,
    lastSeq: record.lastSeq,
    readSeq: own.readSeq,
    deliveredSeq: own.deliveredSeq,
    unreadCount,
    markers,
    createdAt: record.createdAt,
    lastActivityAt: record.lastActivityAt,
  }
}

export type { Message }
