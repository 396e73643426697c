/** Store records → the REST DTOs of src/shared/api.ts. */
import type { Conversation, Message, User } from '../../shared/api'
import type { ConversationRecord, UnreadCounts, UserRecord } from '../store/store'
import type { PresenceTracker } from './presence'

/** `withPresence`: whether the viewer may see the user's presence (themself, or someone they share a conversation with). */
export function userView(user: UserRecord, presence: PresenceTracker, withPresence: boolean): User {
  const profile = { id: user.id, username: user.username, displayName: user.displayName }
  return withPresence ? { ...profile, online: presence.isOnline(user.id), lastSeenAt: user.lastSeenAt } : profile
}

const NOTHING_UNREAD: UnreadCounts = { unread: 0, mentions: 0 }

/** The conversation as `viewerId` sees it: their own markers, unread and mention counts on top. */
export function conversationView(record: ConversationRecord, viewerId: string, counts: UnreadCounts = NOTHING_UNREAD): Conversation {
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
    lastRev: record.lastRev,
    readSeq: own.readSeq,
    deliveredSeq: own.deliveredSeq,
    unreadCount: counts.unread,
    mentionCount: counts.mentions,
    markers,
    createdAt: record.createdAt,
    lastActivityAt: record.lastActivityAt,
  }
}

export type { Message }
