/**
 * The server's storage, as the api sees it. Every operation that must be
 * atomic is one call here (a send assigns its seq and stores the message in one
 * transaction), so the api never holds a transaction open across awaits of its
 * own. Implemented once over Kysely (sql-store.ts) for SQLite and PostgreSQL.
 */
import type { ConversationKind, Message } from '../../shared/api'

export interface UserRecord {
  id: string
  username: string
  displayName: string
  passwordHash: string
  createdAt: number
  lastSeenAt: number | null
}

export interface MemberMarkers {
  userId: string
  readSeq: number
  deliveredSeq: number
}

export interface ConversationRecord {
  id: string
  kind: ConversationKind
  title: string | null
  createdAt: number
  lastActivityAt: number
  lastSeq: number
  lastMessage: Message | null
  /** In join order. */
  members: MemberMarkers[]
}

/** A position in a user's conversation list: the last conversation of the page before. */
export interface ConversationCursor {
  lastActivityAt: number
  id: string
}

export interface EndedSession {
  tokenHash: string
  userId: string
}

export type MarkerKind = 'read' | 'delivered'

export interface MarkerResult {
  readSeq: number
  deliveredSeq: number
  /** False when the request moved nothing (stale or repeated). */
  changed: boolean
}

export interface NewConversation {
  kind: ConversationKind
  title: string | null
  memberIds: string[]
  createdBy: string
  now: number
}

export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`Username ${username} is taken`)
  }
}

export interface Store {
  createUser(user: Omit<UserRecord, 'lastSeenAt'>): Promise<UserRecord>
  userByUsername(username: string): Promise<UserRecord | null>
  usersById(ids: readonly string[]): Promise<UserRecord[]>
  /** Directory search by username or display name prefix/substring, ordered by username. */
  searchUsers(query: string | undefined, limit: number): Promise<UserRecord[]>
  setLastSeen(userId: string, at: number): Promise<void>

  createSession(tokenHash: string, userId: string, now: number, expiresAt: number): Promise<void>
  /** The user of a live session, or null when unknown or expired. */
  sessionUser(tokenHash: string, now: number): Promise<UserRecord | null>
  /** End one session; its user, or null when there was none. */
  deleteSession(tokenHash: string): Promise<EndedSession | null>
  /** End every session that expired by `now` (housekeeping; their sockets are closed). */
  deleteExpiredSessions(now: number): Promise<EndedSession[]>
  /** Whether the user has a session that is still valid at `now`. */
  hasLiveSession(userId: string, now: number): Promise<boolean>
  /** Of `candidateIds`, those who share a conversation with `userId` (and `userId` itself): whose presence they may see. */
  contactsAmong(userId: string, candidateIds: readonly string[]): Promise<Set<string>>

  /**
   * Create a conversation. For `direct` (exactly two members) the existing one
   * is returned with `created: false` — atomically, so a pair has exactly one.
   */
  createConversation(input: NewConversation): Promise<{ conversation: ConversationRecord; created: boolean }>
  /** The conversation, or null when it does not exist or `memberId` is not a member. */
  conversationFor(conversationId: string, memberId: string): Promise<ConversationRecord | null>
  /**
   * Up to `limit` of a user's conversations, newest activity first
   * (lastActivityAt desc, id asc), those after `after` in that order.
   */
  conversationPageOf(
    userId: string,
    page: { after?: ConversationCursor; limit: number },
  ): Promise<{ conversations: ConversationRecord[]; hasMore: boolean }>
  /** Unread messages per member: from others, after the member's read marker. */
  unreadCounts(conversationId: string, userIds: readonly string[]): Promise<Map<string, number>>
  /** The user's unread count in each of `conversationIds` they are a member of (absent = 0). */
  unreadCountsOf(userId: string, conversationIds: readonly string[]): Promise<Map<string, number>>
  isMember(conversationId: string, userId: string): Promise<boolean>
  /** Member ids in join order; empty when the conversation does not exist. */
  memberIds(conversationId: string): Promise<string[]>

  /**
   * Store a message with the next seq of its conversation. The same `clientId`
   * from the same sender in the same conversation returns the original message
   * with `created: false` and changes nothing.
   */
  appendMessage(input: {
    conversationId: string
    senderId: string
    clientId: string
    body: string
    now: number
  }): Promise<{ message: Message; created: boolean }>
  /** Messages in ascending seq: after `after`, or before `before`, or the latest page. */
  messages(conversationId: string, page: { after?: number; before?: number; limit: number }): Promise<{
    messages: Message[]
    hasMore: boolean
  }>

  /** Move a member's marker forward, never past the conversation's lastSeq; read implies delivered. */
  advanceMarker(conversationId: string, userId: string, kind: MarkerKind, seq: number): Promise<MarkerResult>

  close(): Promise<void>
}
