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
  /** The rev of the conversation's latest change (docs/design.md §4.4). */
  lastRev: number
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

/** A member's unread messages (from others, not deleted, after their read marker) and those of them that mention them. */
export interface UnreadCounts {
  unread: number
  mentions: number
}

/**
 * What a change to a message did. `changed` false: it was already so (the
 * same edit, delete or reaction again) and no rev was used. `replies`: the
 * replies whose preview of this message changed (an edit of its first 200
 * characters, a delete), each stamped with a rev of its own after the
 * message's, in rev order.
 */
export interface MessageChange {
  message: Message
  changed: boolean
  replies: Message[]
  /**
   * Blobs of the attachments this change deleted (a delete for everyone):
   * already queued in blob_deletions by the same transaction; the caller
   * deletes them from the BlobStore after commit (BlobReaper).
   */
  freedBlobKeys: string[]
}

/** An upload as stored (docs/design.md §4.5). */
export interface AttachmentRecord {
  id: string
  uploaderId: string
  /** Null until a send attaches it. */
  messageId: string | null
  conversationId: string | null
  name: string
  size: number
  mime: string
  width: number | null
  height: number | null
  hasThumbnail: boolean
  /** Hex SHA-256 of the bytes served. */
  sha256: string
  blobKey: string
  thumbnailKey: string | null
  thumbnailSize: number | null
  createdAt: number
}

export type NewAttachment = Omit<AttachmentRecord, 'messageId' | 'conversationId'>

export type MessageRefusal =
  /** No such message in the conversation. */
  | 'not_found'
  /** Only the sender may edit or delete it. */
  | 'not_sender'
  /** It was deleted: nothing more can change. */
  | 'deleted'
  /** A new emoji on a message that already has REACTIONS_PER_MESSAGE_MAX. */
  | 'too_many_reactions'
  /** replyToId names no message of the conversation. */
  | 'reply_not_found'
  /** replyToId names a deleted message. */
  | 'reply_deleted'
  /** attachmentIds names something that is not an unattached upload of the sender. */
  | 'attachment_refused'

/** A change the store refuses; the api answers it with 404, 403, 409 or 400. */
export class MessageRefusedError extends Error {
  constructor(
    readonly reason: MessageRefusal,
    message: string,
  ) {
    super(message)
  }
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
  /** Unread messages per member: from others, not deleted, after the member's read marker; and those mentioning them. */
  unreadCounts(conversationId: string, userIds: readonly string[]): Promise<Map<string, UnreadCounts>>
  /** The user's unread counts in each of `conversationIds` they are a member of (absent = none). */
  unreadCountsOf(userId: string, conversationIds: readonly string[]): Promise<Map<string, UnreadCounts>>
  isMember(conversationId: string, userId: string): Promise<boolean>
  /** Member ids in join order; empty when the conversation does not exist. */
  memberIds(conversationId: string): Promise<string[]>

  /**
   * Store a message with the next seq and the next rev of its conversation.
   * The same `clientId` from the same sender in the same conversation returns
   * the original message with `created: false` and changes nothing.
   * `mentions`: the member ids the body names (resolveMentions). A `replyToId`
   * outside the conversation or deleted is refused (MessageRefusedError).
   * `attachmentIds`: uploads of the sender not attached yet, attached in this
   * order in the same transaction; anything else refuses the whole send
   * ('attachment_refused') and stores nothing. A repeated clientId returns the
   * original without attaching anything.
   */
  appendMessage(input: {
    conversationId: string
    senderId: string
    clientId: string
    body: string
    now: number
    replyToId?: string
    mentions?: readonly string[]
    attachmentIds?: readonly string[]
  }): Promise<{ message: Message; created: boolean }>
  /**
   * Messages in ascending seq: after `after`, or before `before`, or the
   * latest page; with `changedAfter`, those whose rev is above it in ascending rev.
   */
  messages(
    conversationId: string,
    page: { after?: number; before?: number; changedAfter?: number; limit: number },
  ): Promise<{ messages: Message[]; hasMore: boolean }>

  /** Edit a message's body (its sender only); the same body again changes nothing. */
  editMessage(input: {
    conversationId: string
    messageId: string
    userId: string
    body: string
    mentions: readonly string[]
    now: number
  }): Promise<MessageChange>
  /** Delete for everyone (its sender only): body, reactions, mentions and reply link go; a tombstone stays. */
  deleteMessage(input: { conversationId: string; messageId: string; userId: string; now: number }): Promise<MessageChange>
  /** Add (`present`) or remove the user's reaction with `emoji` (canonical form); idempotent. */
  setReaction(input: {
    conversationId: string
    messageId: string
    userId: string
    emoji: string
    present: boolean
  }): Promise<MessageChange>

  /**
   * Before an upload puts its blobs: queue their keys for deletion, not
   * before `notBefore`. createAttachment takes them off again; if the upload
   * never gets that far (a crash), the sweeper deletes them.
   */
  reserveBlobKeys(keys: readonly string[], notBefore: number): Promise<void>
  /** Store an upload's row (unattached) and take its keys off the deletion queue, in one transaction. */
  createAttachment(attachment: NewAttachment): Promise<void>
  /** The attachment, or null. Who may read it is the api's business (docs/design.md §4.5). */
  attachment(id: string): Promise<AttachmentRecord | null>
  /**
   * Delete up to `limit` uploads never attached and created before
   * `createdBefore`; their keys are queued (due `now`) in the same
   * transaction and returned for the caller to delete.
   */
  sweepUploads(createdBefore: number, now: number, limit: number): Promise<string[]>
  /** Up to `limit` queued blob keys due by `now`. */
  dueBlobDeletions(now: number, limit: number): Promise<string[]>
  /** The BlobStore deleted these: off the queue. */
  blobsDeleted(keys: readonly string[]): Promise<void>
  /** The BlobStore failed to delete these: try again at `retryAt`. */
  blobDeletesFailed(keys: readonly string[], retryAt: number): Promise<void>

  /** Move a member's marker forward, never past the conversation's lastSeq; read implies delivered. */
  advanceMarker(conversationId: string, userId: string, kind: MarkerKind, seq: number): Promise<MarkerResult>

  close(): Promise<void>

  // --- Groups, roles and mutes (docs/design.md §4.6): implemented in group-rows.ts ---

  // --- People and administration: blocks, profile, password, sessions, registration, invites (docs/design.md §4.6): account-rows.ts ---
}
