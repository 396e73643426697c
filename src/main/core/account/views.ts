/** Cache rows → the view models the renderer gets (src/shared/ipc.ts). */
import type { ChatConversation, ChatMessage, ChatUser } from '../../../shared/ipc'
import type { Cache, CachedConversation, CachedUser } from '../cache/types'
import type { PresenceBook } from '../realtime/presence'

/**
 * A conversation as of `now`: a mute that has passed reads null (the mute
 * expiry timer sends the view again when it passes). A conversation I left
 * counts nothing unread — it cannot be read any more (markRead refuses), and
 * the badge leaves it out likewise.
 */
export function conversationView(
  conversation: CachedConversation,
  cache: Cache,
  me: string,
  now: number,
  /** Its last message, when read already (conversationViews). */
  last: ChatMessage | null = cache.lastMessage(conversation.id),
): ChatConversation {
  const own = conversation.markers[me] ?? { readSeq: 0, deliveredSeq: 0 }
  const left = conversation.leftAt !== null
  const mutedUntil = conversation.mutedUntil !== null && conversation.mutedUntil > now ? conversation.mutedUntil : null
  return {
    id: conversation.id,
    kind: conversation.kind,
    title: conversation.title,
    memberIds: conversation.memberIds,
    lastMessage: previewOf(last),
    lastSeq: conversation.lastSeq,
    readSeq: own.readSeq,
    deliveredSeq: own.deliveredSeq,
    unreadCount: left ? 0 : cache.unreadCount(conversation.id),
    mentionCount: left ? 0 : cache.unreadMentions(conversation.id),
    markers: conversation.markers,
    lastActivityAt: conversation.lastActivityAt,
    members: conversation.members,
    mutedUntil,
    muted: mutedUntil !== null,
    left,
  }
}

/** Views of many conversations, their last messages read together (Cache.lastMessages). */
export function conversationViews(conversations: readonly CachedConversation[], cache: Cache, me: string, now: number): ChatConversation[] {
  const last = cache.lastMessages(conversations.map((conversation) => conversation.id))
  return conversations.map((conversation) => conversationView(conversation, cache, me, now, last.get(conversation.id) ?? null))
}

export function userView(user: CachedUser, presence: PresenceBook): ChatUser {
  const seen = presence.lastSeen(user.id)
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    online: presence.isOnline(user.id),
    lastSeenAt: seen !== undefined && (user.lastSeenAt === null || seen > user.lastSeenAt) ? seen : user.lastSeenAt,
    ...(user.blocked ? { blocked: true as const } : {}),
  }
}

/** The most of a message's text a list preview carries (code points). */
export const PREVIEW_CHARS = 200

/**
 * The latest message as the conversation list shows it: at most
 * PREVIEW_CHARS code points of its text (the row shows the start of its
 * first line), without reactions or mentions. The window gets every
 * conversation's view at start: a long latest message would otherwise travel
 * whole, 500 times over.
 */
export function previewOf(message: ChatMessage | null): ChatMessage | null {
  if (message === null) return null
  const points = Array.from(message.body)
  const body = points.length > PREVIEW_CHARS ? points.slice(0, PREVIEW_CHARS).join('') : message.body
  return { ...message, body, reactions: [], mentions: [] }
}
