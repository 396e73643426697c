/**
 * The IPC contract between the renderer and the main process (docs/design.md §8).
 *
 * One list of calls (renderer → main: argument schema and result type) and one
 * of push events (main → renderer). The preload builds `window.parley` from
 * it, the shell registers one validated handler per call from it, and the e2e
 * harness exposes the same calls from the core. Arguments are validated with
 * zod in main; a bad argument is answered with an error, never a crash.
 */
import { z } from 'zod'
import { LIMITS, type ConversationKind, type Marker, type Reaction, type ReplyTo } from './api'
import { settingsPatchSchema, type Settings } from './settings'

export { defaultSettings, type Language, type Settings, type Theme } from './settings'

// ---------------------------------------------------------------------------
// View models: what the renderer gets. Plain data, structured-clone safe.

export interface ChatUser {
  id: string
  username: string
  displayName: string
  /** Present in a presence channel shared with me (or the server says so). */
  online: boolean
  lastSeenAt: number | null
  /** The server shows no presence for this user (a directory result I share no conversation with). */
  presenceHidden?: true
}

export type MessageState = 'pending' | 'sent' | 'failed'

export interface ChatMessage {
  /** Stable key for lists: `${senderId}:${clientId}`. */
  key: string
  /** Server id; null until the server has it. */
  id: string | null
  clientId: string
  conversationId: string
  /** Null while pending: seqs are assigned by the server. */
  seq: number | null
  senderId: string
  /** Empty on a tombstone. */
  body: string
  createdAt: number
  state: MessageState
  /** Why a failed message failed, for the retry prompt. */
  error: string | null
  /** The conversation's rev when this message last changed on the server; null while pending. */
  rev: number | null
  /** Set once edited (optimistically, while the edit is queued). */
  editedAt: number | null
  /** Set once deleted for everyone: a tombstone ("This message was deleted"). */
  deletedAt: number | null
  /** What this message answers. `key` finds the original in the list. */
  replyTo: (ReplyTo & { key: string | null }) | null
  /** As the server has them, with this user's queued reaction changes applied. */
  reactions: Reaction[]
  /** Ids of the members this message mentions. */
  mentions: string[]
}

export interface ChatConversation {
  id: string
  kind: ConversationKind
  /** The group title, or null for direct conversations (the renderer shows the other member). */
  title: string | null
  memberIds: string[]
  lastMessage: ChatMessage | null
  lastSeq: number
  readSeq: number
  deliveredSeq: number
  unreadCount: number
  /** Unread messages that mention me (the list's @ badge). */
  mentionCount: number
  markers: Record<string, Marker>
  lastActivityAt: number
  muted: boolean
}

export interface ChangeRefused {
  conversationId: string
  messageKey: string
  change: 'edit' | 'delete' | 'reaction'
  /** The server's error code (forbidden, conflict, bad_request…) and message. */
  code: string
  message: string
}

export type ConnectionState = 'connected' | 'connecting' | 'offline'

export interface ConnectionStatus {
  state: ConnectionState
  /** When the next automatic attempt happens (offline only). */
  nextRetryAt: number | null
  /** A short reason for the last failure, for the tooltip. */
  lastError: string | null
}

export interface SessionInfo {
  serverUrl: string
  user: ChatUser | null
  /** Signed out, but not by choice: why the saved sign-in did not open (the sign-in screen says so). */
  notice?: SessionNotice
}

/**
 * - `keyring_locked`: the saved token is sealed by the OS keyring, which is
 *   locked; the core keeps trying and signs in by itself once it opens.
 * - `native_module_unavailable`: the cache's SQLite module did not load on
 *   this system (also the code of a sign-in that fails for that reason).
 */
export type SessionNotice = 'keyring_locked' | 'native_module_unavailable'

/** A piece of a search snippet; `match` pieces are highlighted. Rendered as text, never HTML. */
export interface SnippetPart {
  text: string
  match: boolean
}

export interface SearchHit {
  conversationId: string
  messageKey: string
  seq: number | null
  senderId: string
  createdAt: number
  snippet: SnippetPart[]
}

export interface MessagePageResult {
  messages: ChatMessage[]
  /** Older messages exist (in the cache or on the server). */
  hasMoreBefore: boolean
}

export interface AppInfo {
  name: string
  version: string
  platform: string
  /** The OS locale, for `language: 'system'`. */
  locale: string
  /**
   * How session tokens are kept at rest: sealed with the OS keyring, or
   * without protection (Linux without a secret service) — settings says so.
   */
  tokenStorage: 'keyring' | 'unprotected'
}

// ---------------------------------------------------------------------------
// Argument schemas.

const id = z.string().min(1).max(64)
const serverUrl = z.url({ protocol: /^https?$/ }).max(500)
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
/** ChatMessage.key: `${senderId}:${clientId}`. */
const messageKey = z.string().min(3).max(64 + 1 + LIMITS.clientIdMax)

export const ipcArgs = {
  getAppInfo: z.undefined(),
  getSession: z.undefined(),
  login: z.object({ serverUrl, username: z.string().min(1).max(LIMITS.usernameMax), password: z.string().min(1).max(LIMITS.passwordMax) }),
  register: z.object({
    serverUrl,
    username: z.string().min(1).max(LIMITS.usernameMax),
    password: z.string().min(1).max(LIMITS.passwordMax),
    displayName: z.string().max(LIMITS.displayNameMax).optional(),
  }),
  logout: z.undefined(),

  getConnection: z.undefined(),
  retryNow: z.undefined(),

  listConversations: z.undefined(),
  createConversation: z.object({
    memberIds: z.array(id).min(1).max(LIMITS.groupMembersMax),
    title: z.string().max(LIMITS.titleMax).optional(),
  }),
  setMuted: z.object({ conversationId: id, muted: z.boolean() }),
  /** The conversation the user has open (null: none); drives notifications. */
  setActiveConversation: z.object({ conversationId: id.nullable() }),

  listUsers: z.object({ query: z.string().max(100).optional() }),
  getUsers: z.object({ ids: z.array(id).max(1_000) }),

  loadMessages: z.object({
    conversationId: id,
    /** Messages before this seq (older page); omit for the latest page. */
    beforeSeq: seq.optional(),
    limit: z.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  }),
  sendMessage: z.object({
    conversationId: id,
    body: z.string().min(1).max(LIMITS.bodyMax * 4),
    /** The key of the message this one answers (it may still be pending: the reply waits for it). */
    replyToKey: messageKey.optional(),
  }),
  retryMessage: z.object({ conversationId: id, clientId: z.string().min(1).max(LIMITS.clientIdMax) }),
  /** Remove a failed message of mine that never reached the server. */
  discardMessage: z.object({ conversationId: id, clientId: z.string().min(1).max(LIMITS.clientIdMax) }),
  /** Edit my message (queued; shown at once). */
  editMessage: z.object({ conversationId: id, messageKey, body: z.string().min(1).max(LIMITS.bodyMax * 4) }),
  /** Delete my message for everyone (queued; the tombstone shows at once). */
  deleteForEveryone: z.object({ conversationId: id, messageKey }),
  /** Add (on) or take back (off) my reaction with one emoji (queued; shown at once). */
  setReaction: z.object({ conversationId: id, messageKey, emoji: z.string().min(1).max(64), on: z.boolean() }),
  /** The highest seq that has been visible while the window was focused and the conversation open. */
  markRead: z.object({ conversationId: id, seq }),
  setTyping: z.object({ conversationId: id, typing: z.boolean() }),

  search: z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(200).default(50) }),

  getSettings: z.undefined(),
  updateSettings: settingsPatchSchema,

  getWindowState: z.undefined(),
  openExternal: z.object({ url: z.url({ protocol: /^https?$/ }).max(2_000) }),
} as const

export type IpcCallName = keyof typeof ipcArgs
export type IpcArgs<K extends IpcCallName> = z.input<(typeof ipcArgs)[K]>
export type IpcParsedArgs<K extends IpcCallName> = z.output<(typeof ipcArgs)[K]>

export interface IpcResults {
  getAppInfo: AppInfo
  getSession: SessionInfo
  login: SessionInfo
  register: SessionInfo
  logout: SessionInfo
  getConnection: ConnectionStatus
  retryNow: ConnectionStatus
  listConversations: ChatConversation[]
  createConversation: ChatConversation
  setMuted: ChatConversation
  setActiveConversation: null
  listUsers: ChatUser[]
  getUsers: ChatUser[]
  loadMessages: MessagePageResult
  sendMessage: ChatMessage
  retryMessage: ChatMessage
  discardMessage: null
  editMessage: ChatMessage
  deleteForEveryone: ChatMessage
  setReaction: ChatMessage
  markRead: null
  setTyping: null
  search: SearchHit[]
  getSettings: Settings
  updateSettings: Settings
  getWindowState: { focused: boolean }
  openExternal: null
}

export const ipcCallNames = Object.keys(ipcArgs) as IpcCallName[]

// ---------------------------------------------------------------------------
// Push events, main → renderer.

export interface IpcEvents {
  session: SessionInfo
  connection: ConnectionStatus
  /** Conversations whose metadata, markers, unread count or last message changed. */
  conversations: ChatConversation[]
  /** New or changed messages of one conversation (inserted, sent, failed, filled in). */
  messages: { conversationId: string; messages: ChatMessage[] }
  /** Messages that disappeared (a failed message the user discarded). */
  messagesRemoved: { conversationId: string; keys: string[] }
  /**
   * The server refused a queued edit, delete or reaction for good: the
   * optimistic change has been rolled back; the renderer says why.
   */
  changeRefused: ChangeRefused
  users: ChatUser[]
  typing: { conversationId: string; userIds: string[] }
  windowFocus: { focused: boolean }
  /** Open a conversation (a notification was clicked). */
  openConversation: { conversationId: string }
  settings: Settings
}

export type IpcEventName = keyof IpcEvents
export const ipcEventNames: IpcEventName[] = [
  'session',
  'connection',
  'conversations',
  'messages',
  'messagesRemoved',
  'changeRefused',
  'users',
  'typing',
  'windowFocus',
  'openConversation',
  'settings',
]

/** IPC channel names: one per call, one for all events. The renderer never sees these. */
export const ipcChannel = (name: IpcCallName): string => `parley:call:${name}`
export const IPC_EVENT_CHANNEL = 'parley:event'

/** Every call resolves to this envelope on the wire, so errors keep their code across IPC. */
export type IpcEnvelope<T> = { ok: true; value: T } | { ok: false; error: { code: string; message: string } }

/** What `window.parley` looks like to the renderer. */
export type ParleyBridge = {
  [K in IpcCallName]: (...args: IpcArgs<K> extends undefined ? [] : [IpcArgs<K>]) => Promise<IpcResults[K]>
} & {
  on<E extends IpcEventName>(event: E, listener: (payload: IpcEvents[E]) => void): () => void
}

/** An error from a call, as the renderer sees it. */
export class ParleyError extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message)
    this.name = 'ParleyError'
  }
}
