/**
 * The IPC contract between the renderer and the main process (docs/design.md §8).
 *
 * One list of calls (renderer → main: argument schema and result type) and one
 * of push events (main → renderer). The preload builds `window.parley` from
 * it, the shell registers one validated handler per call from it, and the e2e
 * harness exposes the same calls from the core. Arguments are validated with
 * zod in main; a bad argument is answered with an error, never a crash.
 *
 * This module is plain TypeScript with no zod at run time: the renderer and
 * the preload import it. The argument schemas are in ipc-schema.ts (main
 * only); the argument types here are derived from them by type-only imports.
 */
import type { z } from 'zod'
import type {
  ConversationKind,
  ConversationMember,
  DeviceSession,
  Invite,
  Marker,
  Reaction,
  ReplyTo,
  SystemEvent,
} from './api'
import type { DeepLink } from './deep-link'
import type { ipcArgs } from './ipc-schema'
import { MUTE_FOREVER } from './limits'
import type { Settings } from './settings'

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
  /** I blocked this user (docs/design.md §4.6). */
  blocked?: true
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
  /** The server's error code when it refused the message (`blocked`, `left`, `bad_request`…); null otherwise. */
  errorCode: string | null
  /** The conversation's rev when this message last changed on the server; null while pending. */
  rev: number | null
  /** Set once edited (optimistically, while the edit is queued). */
  editedAt: number | null
  /** Set once deleted for everyone: a tombstone ("This message was deleted"). */
  deletedAt: number | null
  /**
   * What this message answers. `key` finds the original in the list. An empty `senderId`: nothing
   * is known of the original here but its seq (not cached, and no preview kept: a reply cached
   * before the cache kept the server's previews); the window says so and the jump loads it.
   */
  replyTo: (ReplyTo & { key: string | null }) | null
  /** As the server has them, with this user's queued reaction changes applied. */
  reactions: Reaction[]
  /** Ids of the members this message mentions. */
  mentions: string[]
  /** Files, in the sender's order; empty on a tombstone. */
  attachments: ChatAttachment[]
  /** `system`: a change to the group, shown as a centred line from `system` (body ''). */
  kind: 'text' | 'system'
  system: SystemEvent | null
}

/**
 * A file on a message as the renderer shows it (docs/design.md §7.7). The
 * renderer never talks to the server: every URL here is a same-origin path
 * under `/media/` that main answers from the core's cache (the shell's app://
 * protocol; the harness's page route).
 */
export interface ChatAttachment {
  /** Stable within its message: the server id once uploaded, the staged id before. */
  key: string
  /** The server's id; null until uploaded. */
  id: string | null
  name: string
  size: number
  /** As sniffed from the content (by the server, or by the core for a file not yet uploaded). */
  mime: string
  /** As displayed; reserve this aspect ratio before the preview arrives. Null unless an image. */
  width: number | null
  height: number | null
  /** An image preview to show inline (the cached thumbnail, or the local copy of an image not yet sent); null: show a file card. */
  previewUrl: string | null
  /** The whole file is on this device (downloaded, or my own upload): open, save and the lightbox work offline. */
  downloaded: boolean
  /** The whole image, for the lightbox, once downloaded; null otherwise and for anything but inline image types. */
  fileUrl: string | null
}

/** A file read into the outbox, waiting in the composer to be sent. */
export interface StagedAttachment {
  stagedId: string
  name: string
  size: number
  mime: string
  width: number | null
  height: number | null
  /** The local copy, for images: a `/media/staged/…` path. */
  previewUrl: string | null
}

export type TransferState = 'active' | 'done' | 'failed' | 'cancelled'

/** Progress of one upload or download (throttled; every change of state is sent at once). */
export interface Transfer {
  direction: 'upload' | 'download'
  /** Upload: the attachment's key in its message (its staged id). Download: the attachment id. */
  id: string
  conversationId: string
  /** The message the file belongs to. */
  messageKey: string
  loaded: number
  total: number
  state: TransferState
  /** Why it failed, in words for the user (too large, refused type, no space…). */
  error: string | null
}

export interface ChatConversation {
  id: string
  kind: ConversationKind
  /** The group title, or null for direct conversations (the renderer shows the other member). */
  title: string | null
  memberIds: string[]
  /** The latest message as a preview: at most 200 code points of its text, no reactions or mentions (views.ts previewOf). */
  lastMessage: ChatMessage | null
  lastSeq: number
  readSeq: number
  deliveredSeq: number
  unreadCount: number
  /** Unread messages that mention me (the list's @ badge). */
  mentionCount: number
  markers: Record<string, Marker>
  lastActivityAt: number
  /** The members and their roles, in join order (memberIds in the same order). */
  members: ConversationMember[]
  /** My mute, synced through the server; null: not muted (an expired mute reads null). MUTE_FOREVER: until turned back on. */
  mutedUntil: number | null
  /** mutedUntil is in the future (as of when this view was made; the renderer re-checks at mutedUntil). */
  muted: boolean
  /** I am no longer a member (removed, or I left): the cached history stays, read-only. */
  left: boolean
}

/** Where a page of the conversation list ends: its last conversation's lastActivityAt and id (the list's order). */
export interface ConversationCursor {
  lastActivityAt: number
  id: string
}

/** A page of the conversation list, newest activity first (listConversationPage). */
export interface ConversationPage {
  conversations: ChatConversation[]
  /** Where the next page starts; null: this was the last. */
  next: ConversationCursor | null
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
  /** I administer this server: I may create invites. */
  serverAdmin?: boolean
  /** Signed out, but not by choice: why the saved sign-in did not open (the sign-in screen says so). */
  notice?: SessionNotice
  /** The conversation open when this account's window last showed one (the window reopens it); null: none. */
  lastOpenConversationId?: string | null
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

/**
 * A message that matched, from the cache (`search`) or the server (`searchServer`). `messageKey`
 * is the cache's key of the message (`senderId:clientId`), the same for a server copy of it: the
 * renderer merges the two lists by it.
 */
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
  /** Newer messages than the page's newest are in the cache (false for the latest page, which ends with the unsent ones). */
  hasMoreAfter: boolean
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

/**
 * The app's own updates (docs/design.md §7.9): `unsupported` where updates
 * cannot work (a development run, a Linux deb or an unsigned macOS app —
 * `error` says why); `checking`, then `up-to-date`, or `downloading` with
 * progress, then `ready` ("Restart to update"); `error` when a check or a
 * download failed (tried again at the next check).
 */
export type UpdateState = 'idle' | 'checking' | 'up-to-date' | 'downloading' | 'ready' | 'error' | 'unsupported'

export interface UpdateStatus {
  state: UpdateState
  /** This app's version. */
  currentVersion: string
  /** The version being downloaded or ready to install; null otherwise. */
  version: string | null
  /** While downloading. */
  progress: { percent: number; transferred: number; total: number; bytesPerSecond: number } | null
  /** Why the last check or download failed, or why updates are unsupported, in words for the user. */
  error: string | null
  lastCheckedAt: number | null
}

/** What a spell-check dictionary choice can offer (Chromium's codes). */
export interface SpellcheckLanguages {
  available: string[]
  /** The OS's languages that have a dictionary: what an empty selection uses. */
  fromSystem: string[]
}

export type { ConversationMember, DeviceSession, Invite, SystemEvent }
export type { DeepLink }
export { MUTE_FOREVER }

// ---------------------------------------------------------------------------
// Constants and plain helpers of the calls (their argument schemas: ipc-schema.ts).

/** The most bytes one `appendAttachment` call carries. */
export const ATTACHMENT_CHUNK_MAX = 1024 * 1024
/** The largest file the app reads into its outbox (servers may allow less: /api/config). */
export const ATTACHMENT_SIZE_MAX = 4 * 1024 * 1024 * 1024

/** The same-origin paths under which main serves attachment bytes to the renderer (docs/design.md §7.7). */
export type MediaKind = 'thumbnail' | 'file' | 'staged'
export const MEDIA_PATH_PREFIX = '/media/'
export const mediaPath = (kind: MediaKind, id: string): string => `${MEDIA_PATH_PREFIX}${kind}/${encodeURIComponent(id)}`
/** The kind and id a `/media/…` path names, or null for anything else. */
export function parseMediaPath(pathname: string): { kind: MediaKind; id: string } | null {
  const match = /^\/media\/(thumbnail|file|staged)\/([A-Za-z0-9_-]{1,64})$/.exec(pathname)
  return match ? { kind: match[1] as MediaKind, id: match[2] as string } : null
}


/** Every call's name: the keys of IpcResults (ipc-schema.ts's `ipcArgs` has exactly these keys). */
export type IpcCallName = keyof IpcResults
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
  listConversationPage: ConversationPage
  createConversation: ChatConversation
  setMuted: ChatConversation
  renameConversation: ChatConversation
  addMembers: ChatConversation
  removeMember: ChatConversation
  setMemberRole: ChatConversation
  leaveConversation: null
  blockUser: null
  unblockUser: null
  listBlocked: ChatUser[]
  updateProfile: ChatUser
  changePassword: null
  listSessions: DeviceSession[]
  revokeSession: null
  createInvite: Invite
  getDraft: string
  setDraft: null
  setActiveConversation: null
  listUsers: ChatUser[]
  getUsers: ChatUser[]
  loadMessages: MessagePageResult
  releaseMessages: null
  sendMessage: ChatMessage
  pickAttachments: StagedAttachment[]
  beginAttachment: { stagedId: string }
  appendAttachment: null
  finishAttachment: StagedAttachment
  discardStaged: null
  cancelSend: null
  downloadAttachment: null
  cancelDownload: null
  openAttachment: null
  saveAttachmentAs: boolean
  showAttachmentInFolder: null
  retryMessage: ChatMessage
  discardMessage: null
  editMessage: ChatMessage
  deleteForEveryone: ChatMessage
  setReaction: ChatMessage
  markRead: null
  setTyping: null
  search: SearchHit[]
  searchServer: SearchHit[]
  getSettings: Settings
  updateSettings: Settings
  getWindowState: { focused: boolean }
  firstScreenPainted: null
  openExternal: null
  getUpdateStatus: UpdateStatus
  checkForUpdates: UpdateStatus
  installUpdate: null
  takeDeepLink: DeepLink | null
  getSpellcheckLanguages: SpellcheckLanguages
}

/** One entry per call; the Record type makes the compiler refuse a missing or an unknown name. */
const callNames: Record<IpcCallName, true> = {
  getAppInfo: true,
  getSession: true,
  login: true,
  register: true,
  logout: true,
  getConnection: true,
  retryNow: true,
  listConversations: true,
  listConversationPage: true,
  createConversation: true,
  setMuted: true,
  renameConversation: true,
  addMembers: true,
  removeMember: true,
  setMemberRole: true,
  leaveConversation: true,
  blockUser: true,
  unblockUser: true,
  listBlocked: true,
  updateProfile: true,
  changePassword: true,
  listSessions: true,
  revokeSession: true,
  createInvite: true,
  getDraft: true,
  setDraft: true,
  setActiveConversation: true,
  listUsers: true,
  getUsers: true,
  loadMessages: true,
  releaseMessages: true,
  sendMessage: true,
  pickAttachments: true,
  beginAttachment: true,
  appendAttachment: true,
  finishAttachment: true,
  discardStaged: true,
  cancelSend: true,
  downloadAttachment: true,
  cancelDownload: true,
  openAttachment: true,
  saveAttachmentAs: true,
  showAttachmentInFolder: true,
  retryMessage: true,
  discardMessage: true,
  editMessage: true,
  deleteForEveryone: true,
  setReaction: true,
  markRead: true,
  setTyping: true,
  search: true,
  searchServer: true,
  getSettings: true,
  updateSettings: true,
  getWindowState: true,
  firstScreenPainted: true,
  openExternal: true,
  getUpdateStatus: true,
  checkForUpdates: true,
  installUpdate: true,
  takeDeepLink: true,
  getSpellcheckLanguages: true,
}
export const ipcCallNames = Object.keys(callNames) as IpcCallName[]

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
  /** Upload and download progress (throttled) and their ends. */
  transfers: Transfer[]
  users: ChatUser[]
  typing: { conversationId: string; userIds: string[] }
  windowFocus: { focused: boolean }
  /** Open a conversation (a notification was clicked). */
  openConversation: { conversationId: string }
  settings: Settings
  /** The app's update status changed. */
  update: UpdateStatus
  /** A parley:// link to follow (validated by the core: an invite, a conversation, a message). */
  deepLink: DeepLink
}

export type IpcEventName = keyof IpcEvents
export const ipcEventNames: IpcEventName[] = [
  'session',
  'connection',
  'conversations',
  'messages',
  'messagesRemoved',
  'changeRefused',
  'transfers',
  'users',
  'typing',
  'windowFocus',
  'openConversation',
  'settings',
  'update',
  'deepLink',
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
