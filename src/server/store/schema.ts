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
}

export interface SessionsTable {
  /** SHA-256 of the bearer token; the token itself is never stored. */
  token_hash: string
  user_id: string
  created_at: number
  expires_at: number
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
  last_activity_at: number
}

export interface MembersTable {
  conversation_id: string
  user_id: string
  joined_at: number
  read_seq: number
  delivered_seq: number
}

export interface MessagesTable {
  id: string
  conversation_id: string
  seq: number
  sender_id: string
  client_id: string
  body: string
  created_at: number
}

export interface Database {
  users: UsersTable
  sessions: SessionsTable
  conversations: ConversationsTable
  members: MembersTable
  messages: MessagesTable
}
