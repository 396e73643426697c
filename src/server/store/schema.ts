import type { Generated, Kysely, Transaction } from 'kysely'

/** Table shapes as Kysely sees them. Times are ms since the epoch; seqs are per conversation. */
export interface UsersTable {
  id: string
  username: string
  /** Lower-cased username: uniqueness and login are case-insensitive. */
  username_key: string
  display_name: string
  /** Lower-cased (full Unicode) display name, for search. */
  display_name_key: string
  password_hash: string
  created_at: number
  last_seen_at: number | null
  /** 0/1: administers the server (invites). The first account is one. */
  is_admin: Generated<number>
  /** Set when an admin disabled the account: no sign-in, no sessions. */
  disabled_at: number | null
}

export interface SessionsTable {
  /** SHA-256 of the bearer token; the token itself is never stored. */
  token_hash: string
  user_id: string
  created_at: number
  expires_at: number
  /** Public id for the device list (the token hash is never shown). */
  id: string
  last_used_at: number
  /** The User-Agent it signed in with (≤ 200 characters), '' when none. */
  user_agent: Generated<string>
}

export interface ConversationsTable {
  id: string
  kind: 'direct' | 'group'
  title: string | null
  /** Direct conversations only: the two member ids, sorted and joined — unique, so a pair has one. */
  direct_key: string | null
  created_by: string
  created_at: number
  last_seq: number
  /** The conversation's change counter (docs/design.md §4.4): the rev of its latest change. */
  last_rev: number
  last_activity_at: number
}

export interface MembersTable {
  conversation_id: string
  user_id: string
  joined_at: number
  read_seq: number
  delivered_seq: number
  role: Generated<'owner' | 'admin' | 'member'>
  /** The member's own mute (ms); null: not muted. */
  muted_until: number | null
}

export interface MessagesTable {
  id: string
  conversation_id: string
  seq: number
  sender_id: string
  client_id: string
  /** Empty once deleted. */
  body: string
  created_at: number
  /** The conversation's rev at this message's latest change. */
  rev: number
  edited_at: number | null
  deleted_at: number | null
  /** The message this one answers (same conversation); cleared when this one is deleted. */
  reply_to_id: string | null
  kind: Generated<'text' | 'system'>
  /** JSON of the SystemEvent (src/shared/api.ts) on a system message; null otherwise. */
  system: string | null
}

/** `blocker_id` blocked `blocked_id` (docs/design.md §4.6). */
export interface BlocksTable {
  blocker_id: string
  blocked_id: string
  created_at: number
}

/** A single-use registration code (REGISTRATION=invite), stored hashed. */
export interface InvitesTable {
  code_hash: string
  created_by: string | null
  created_at: number
  expires_at: number
  used_by: string | null
  used_at: number | null
}

/** Who a message mentions; the rows go when the message is deleted. */
export interface MessageMentionsTable {
  message_id: string
  user_id: string
  conversation_id: string
  seq: number
  /** Order of first mention in the body. */
  position: number
}

/** One user's reaction with one emoji; the rows go when the message is deleted. */
export interface MessageReactionsTable {
  message_id: string
  emoji: string
  user_id: string
  /** The conversation's rev when it was added: orders the reactions. */
  rev: number
}

/** An uploaded file (docs/design.md §4.5); attached to at most one message. */
export interface AttachmentsTable {
  id: string
  uploader_id: string
  /** Null until a send attaches it (then conversation_id and position too). */
  message_id: string | null
  conversation_id: string | null
  /** Its place among the message's attachments, from 0. */
  position: number | null
  /** For display only (attachmentName()). */
  name: string
  size: number
  /** Sniffed from the content. */
  mime: string
  width: number | null
  height: number | null
  /** 0 or 1. */
  has_thumbnail: number
  /** Hex SHA-256 of the bytes served. */
  sha256: string
  blob_key: string
  thumbnail_key: string | null
  thumbnail_size: number | null
  created_at: number
}

/** Blobs to delete from the BlobStore, retried until the store confirms. */
export interface BlobDeletionsTable {
  blob_key: string
  not_before: number
  attempts: number
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  conversations: ConversationsTable
  members: MembersTable
  messages: MessagesTable
  message_mentions: MessageMentionsTable
  message_reactions: MessageReactionsTable
  attachments: AttachmentsTable
  blob_deletions: BlobDeletionsTable
  blocks: BlocksTable
  invites: InvitesTable
}

/** The database or a transaction on it: what a query helper runs on. */
export type Db = Kysely<Database> | Transaction<Database>
