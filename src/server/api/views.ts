/** Store records → the REST DTOs of src/shared/api.ts. */
import type { Conversation, Message, User } from '../../shared/api'
import type { ConversationRecord, UnreadCounts, UserRecord } from '../store/store'
import type { PresenceTracker } from './presence'

/**
 * `withPresence`: whether the viewer may see the user's presence (themself, or
 * someone they share a conversation with who has not blocked them: contactsAmong).
 */
export function userView(user: UserRecord, presence: PresenceTracker, withPresence: boolean): User {
  const profile = { id: user.id, username: user.username, displayName: user.displayName }
  return withPresence ? { ...profile, online: presence.isOnline(user.id), lastSeenAt: user.lastSeenAt } : profile
}

/** Yourself (GET /api/me, sign-in): your presence, and whether you administer the server. */
export function selfView(user: UserRecord, presence: PresenceTracker): User {
  return { ...userView(user, presence, true), admin: user.admin }
}

const NOTHING_UNREAD: UnreadCounts = { unread: 0, mentions: 0 }

/**
 * The conversation as `viewerId` sees it at `now`: their own markers, unread
 * and mention counts and mute on top (a mute that ended by `now` is null).
 */
export function conversationView(
  record: ConversationRecord,
  viewerId: string,
  counts: UnreadCounts | undefined,
  now: number,
): Conversation {
  const markers: Conversation['markers'] = {}
  for (const member of record.members) {
    markers[member.userId] = { readSeq: member.readSeq, deliveredSeq: member.deliveredSeq }
  }
  const own = markers[viewerId] ?? { readSeq: 0, deliveredSeq: 0 }
  const mutedUntil = record.members.find((member) => member.userId === viewerId)?.mutedUntil ?? null
  return {
    id: record.id,
    kind: record.kind,
    title: record.title,
    memberIds: record.members.map((member) => member.userId),
    members: record.members.map((member) => ({ userId: member.userId, role: member.role })),
    mutedUntil: mutedUntil !== null && mutedUntil > now ? mutedUntil : null,
    lastMessage: record.lastMessage,
    lastSeq: record.lastSeq,
    lastRev: record.lastRev,
    readSeq: own.readSeq,
    deliveredSeq: own.deliveredSeq,
    unreadCount: (counts ?? NOTHING_UNREAD).unread,
    mentionCount: (counts ?? NOTHING_UNREAD).mentions,
    markers,
    createdAt: record.createdAt,
    lastActivityAt: record.lastActivityAt,
  }
}

export type { Message }
