/**
 * The server's storage, as the api sees it. Every operation that must be
 * atomic is one call here (a send assigns its seq and stores the message in one
 * transaction), so the api never holds a transaction open across awaits of its
 * own. Implemented once over Kysely (sql-store.ts) for SQLite and PostgreSQL.
 */
import type { ConversationKind, MemberRole, Message, RegistrationMode } from '../../shared/api'

export interface UserRecord {
  id: string
  username: string
  displayName: string
  passwordHash: string
  createdAt: number
  lastSeenAt: number | null
  /** Administers the server (invites); the first account is one. */
  admin: boolean
  /** When an administrator disabled the account (no sign-in), else null. */
  disabledAt: number | null
}

/** What createUser stores; admin and disabledAt are the store's to decide. */
export type NewUser = Pick<UserRecord, 'id' | 'username' | 'displayName' | 'passwordHash' | 'createdAt'>

export interface MemberMarkers {
  userId: string
  readSeq: number
  deliveredSeq: number
  /** Group roles (docs/design.md §4.6); both members of a direct conversation are 'member'. */
  role: MemberRole
  joinedAt: number
  /** The member's own mute (ms), as stored: may lie in the past (the view says null then). */
  mutedUntil: number | null
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
  /** A system message (a change to the group) is never edited, deleted, reacted to or replied to. */
  | 'system_message'

/** A change the store refuses; the api answers it with 404, 403, 409 or 400. */
export class MessageRefusedError extends Error {
  constructor(
    readonly reason: MessageRefusal,
    message: string,
  ) {
    super(message)
  }
}

// --- Groups, roles and mutes ---

/** What a group change did (Store.renameConversation, addMembers, removeMember, setMemberRole). */
export interface GroupChange {
  /** The conversation after the change (its members now). */
  conversation: ConversationRecord
  /** The system message that records it; null when nothing changed. */
  system: Message | null
  /** Users who are no longer members (removed or left): they get conversation.removed. */
  removedUserIds: string[]
}

export type GroupRefusal =
  /** No such conversation, or the actor is not a member: answered as if it did not exist. */
  | 'not_found'
  /** The user acted upon is not a member. */
  | 'not_member'
  /** The actor's role does not allow it. */
  | 'forbidden'
  /** A direct conversation: it has no title, roles or member list to change. */
  | 'not_group'
  /** userIds names someone who has no account. */
  | 'unknown_users'
  /** The group would have more than LIMITS.groupMembersMax members. */
  | 'too_many_members'
  /** The owner's own role: it changes only by leaving. */
  | 'owner_role'

/** A group change the store refuses; the api answers 404, 403, 400 or 409 (groupRefusalStatus). */
export class GroupRefusedError extends Error {
  constructor(
    readonly reason: GroupRefusal,
    message: string,
  ) {
    super(message)
  }
}

// --- People and administration ---

/** How a registration is admitted (createUser). */
export interface Admission {
  registration: RegistrationMode
  /** SHA-256 (hex) of the invite code given, if any. */
  inviteCodeHash?: string
  now: number
}

export type RegistrationRefusal =
  /** REGISTRATION=closed. */
  | 'closed'
  /** REGISTRATION=invite and no code was given. */
  | 'invite_missing'
  | 'invite_unknown'
  | 'invite_used'
  | 'invite_expired'

/** createUser refused a registration under the server's REGISTRATION mode; nothing was stored. */
export class RegistrationRefusedError extends Error {
  constructor(readonly reason: RegistrationRefusal) {
    super(`registration refused: ${reason}`)
  }
}

/** A signed-in device (GET /api/me/sessions); the token hash stays in the server. */
export interface DeviceSessionRecord {
  id: string
  tokenHash: string
  createdAt: number
  lastUsedAt: number
  userAgent: string
  expiresAt: number
}

export interface NewInvite {
  /** SHA-256 (hex) of the code; the code itself is shown once and never stored. */
  codeHash: string
  /** Null when made on the server's host (npm run admin). */
  createdBy: string | null
  createdAt: number
  expiresAt: number
}

// --- Search (docs/design.md §4.7) ---

/**
 * Where a page of search hits ended: the last hit's place in the order hits
 * come in (newest first) — on SQLite the message's rowid (arrival order), on
 * PostgreSQL its createdAt with the id to break ties. Opaque to the api.
 */
export interface SearchPosition {
  key: number
  id: string
}

export interface MessageSearch {
  userId: string
  /** The query's distinct terms (src/shared/search/terms.ts searchTerms), at least one; every one must occur. */
  terms: readonly string[]
  /** Only this conversation (the api has checked that the user is a member). */
  conversationId?: string
  /** Only hits older than this one (the previous page's last). */
  before?: SearchPosition
  limit: number
}

export interface SearchHitRecord {
  message: Message
  position: SearchPosition
}

export class UsernameTakenError extends Error {
  constructor(username: string) {
    super(`Username ${username} is taken`)
  }
}

export interface Store {
  /**
   * Store a new account. The first account of a server becomes its admin —
   * decided in the account's transaction, so two racing first registrations
   * make one admin. `admission` (a registration through the api) applies the
   * server's REGISTRATION mode to every account but the first: `invite`
   * consumes the invite code in the same transaction (single use), `closed`
   * refuses (RegistrationRefusedError). Without it (seed, admin tools) anyone
   * may be created.
   */
  createUser(user: NewUser, admission?: Admission): Promise<UserRecord>
  userByUsername(username: string): Promise<UserRecord | null>
  usersById(ids: readonly string[]): Promise<UserRecord[]>
  /** Directory search by username or display name prefix/substring, ordered by username. */
  searchUsers(query: string | undefined, limit: number): Promise<UserRecord[]>
  setLastSeen(userId: string, at: number): Promise<void>

  /** A session with a random public id; `userAgent` is cut to LIMITS.userAgentMax. Returns its id. */
  createSession(tokenHash: string, userId: string, now: number, expiresAt: number, userAgent?: string): Promise<string>
  /**
   * The user of a live session, or null when unknown, expired or the account
   * is disabled. Records the use (`lastUsedAt`) at most once a minute per
   * session, so reads do not all become writes.
   */
  sessionUser(tokenHash: string, now: number): Promise<UserRecord | null>
  /** End one session; its user, or null when there was none. */
  deleteSession(tokenHash: string): Promise<EndedSession | null>
  /** End every session that expired by `now` (housekeeping; their sockets are closed). */
  deleteExpiredSessions(now: number): Promise<EndedSession[]>
  /** Whether the user has a session that is still valid at `now`. */
  hasLiveSession(userId: string, now: number): Promise<boolean>
  /**
   * Of `candidateIds`, those who share a conversation with `userId` (and
   * `userId` itself) and have not blocked them: whose presence they may see.
   */
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
  /**
   * Delete for everyone (its sender, or a group's owner or admin): body,
   * reactions, mentions and reply link go; a tombstone stays.
   */
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

  /**
   * Each group change below is one transaction that locks the conversation,
   * checks the actor's role, changes the members or title and writes one
   * system message with the next seq and rev. Refusals: GroupRefusedError.
   * `changed` false: it already was so; no system message was written.
   */
  renameConversation(input: { conversationId: string; actorId: string; title: string; now: number }): Promise<GroupChange>
  /** Owner/admin. Unknown users refuse the whole request; existing members are skipped. */
  addMembers(input: { conversationId: string; actorId: string; userIds: readonly string[]; now: number }): Promise<GroupChange>
  /** `userId` = `actorId`: leave. Otherwise the owner removes anyone, an admin plain members. */
  removeMember(input: { conversationId: string; actorId: string; userId: string; now: number }): Promise<GroupChange>
  /** The owner makes a member an admin or an admin a member. */
  setMemberRole(input: {
    conversationId: string
    actorId: string
    userId: string
    role: 'admin' | 'member'
    now: number
  }): Promise<GroupChange>
  /** The member's own mute (null: not muted); the conversation as it is now, or null when not a member. */
  setMutedUntil(conversationId: string, userId: string, mutedUntil: number | null): Promise<ConversationRecord | null>

  // --- People and administration: blocks, profile, password, sessions, registration, invites (docs/design.md §4.6): account-rows.ts ---

  /** The user, or null. */
  userById(id: string): Promise<UserRecord | null>
  /** The user with the new display name (already clean: displayNameSchema), or null when there is no such user. */
  updateDisplayName(userId: string, displayName: string): Promise<UserRecord | null>
  setPasswordHash(userId: string, passwordHash: string): Promise<void>
  /** Disable (no sign-in; every session ends in the same transaction) or enable an account. The sessions that ended. */
  setDisabled(userId: string, disabled: boolean, now: number): Promise<EndedSession[]>
  setAdmin(userId: string, admin: boolean): Promise<void>

  /** The user's live sessions, most recently used first. */
  sessionsOf(userId: string, now: number): Promise<DeviceSessionRecord[]>
  /** End the user's session with this public id; null when they have none such. */
  deleteSessionById(userId: string, sessionId: string): Promise<EndedSession | null>
  /** End every session of the user but `keepTokenHash` (if given). */
  deleteSessionsOf(userId: string, keepTokenHash?: string): Promise<EndedSession[]>
  /** Of these token hashes, those whose session still exists and is live at `now`. */
  liveSessionsAmong(tokenHashes: readonly string[], now: number): Promise<Set<string>>

  /** `blockerId` blocks `blockedId`; idempotent. */
  block(blockerId: string, blockedId: string, now: number): Promise<void>
  /** Idempotent. */
  unblock(blockerId: string, blockedId: string): Promise<void>
  /** Whom `blockerId` blocked, most recent first. */
  blockedUsers(blockerId: string): Promise<UserRecord[]>
  hasBlocked(blockerId: string, blockedId: string): Promise<boolean>
  /** Everyone who blocked `userId`, in no particular order. */
  blockersOf(userId: string): Promise<string[]>
  /** The direct conversation of the pair, or null. */
  directConversationBetween(a: string, b: string): Promise<string | null>
  /** True when the conversation is direct and its other member blocked `userId`. */
  blockedInDirect(conversationId: string, userId: string): Promise<boolean>
  /**
   * Of `conversationIds` (at most a few hundred), those whose presence channel
   * `userId` may join: 'admitted', or 'blocked' (a direct conversation whose
   * other member blocked them); absent: not a member.
   */
  presenceAdmissions(userId: string, conversationIds: readonly string[]): Promise<Map<string, 'admitted' | 'blocked'>>

  createInvite(invite: NewInvite): Promise<void>

  // --- Search (docs/design.md §4.7): search-rows.ts ---

  /**
   * Up to `limit` messages of the user's conversations (the ones they are a
   * member of now) whose current body contains every term, newest first;
   * deleted and system messages never. `hasMore`: another page follows.
   * Terms too short for the trigram index are looked for among the newest
   * SHORT_TERM_SCAN messages of the conversations searched only.
   */
  searchMessages(search: MessageSearch): Promise<{ hits: SearchHitRecord[]; hasMore: boolean }>
}
