/** Cache rows → the view models the renderer gets (src/shared/ipc.ts). */
import type { ChatConversation, ChatUser } from '../../../shared/ipc'
import type { Cache, CachedConversation, CachedUser } from '../cache/types'
import type { PresenceBook } from '../realtime/presence'

export function conversationView(conversation: CachedConversation, cache: Cache, me: string): ChatConversation {
  const own = conversation.markers[me] ?? { readSeq: 0, deliveredSeq: 0 }
  return {
    id: conversation.id,
    kind: conversation.kind,
    title: conversation.title,
    memberIds: conversation.memberIds,
    lastMessage: cache.lastMessage(conversation.id),
    lastSeq: conversation.lastSeq,
    readSeq: own.readSeq,
    deliveredSeq: own.deliveredSeq,
    unreadCount: cache.unreadCount(conversation.id),
    mentionCount: cache.unreadMentions(conversation.id),
    markers: conversation.markers,
    lastActivityAt: conversation.lastActivityAt,
    muted: conversation.muted,
  }
}

export function userView(user: CachedUser, presence: PresenceBook): ChatUser {
  const seen = presence.lastSeen(user.id)
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    online: presence.isOnline(user.id),
    lastSeenAt: seen !== undefined && (user.lastSeenAt === null || seen > user.lastSeenAt) ? seen : user.lastSeenAt,
  }
}
