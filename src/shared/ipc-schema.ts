/**
 * The argument schemas of the IPC calls (ipc.ts, docs/design.md §8): main
 * validates every call's arguments with these (core/dispatch.ts) before the
 * core sees them. Main only — the renderer and the preload import ipc.ts,
 * which has no zod at run time and derives the argument types from these.
 */
import { z } from 'zod'
import { ATTACHMENT_CHUNK_MAX, ATTACHMENT_SIZE_MAX, type IpcCallName } from './ipc'
import { LIMITS, MUTE_FOREVER } from './limits'
import { settingsPatchSchema } from './settings-schema'

const id = z.string().min(1).max(64)
const serverUrl = z.url({ protocol: /^https?$/ }).max(500)
const seq = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)
/** ChatMessage.key: `${senderId}:${clientId}`. */
const messageKey = z.string().min(3).max(64 + 1 + LIMITS.clientIdMax)
/** StagedAttachment.stagedId: made by the core. */
const stagedId = z.string().regex(/^[A-Za-z0-9_-]{8,64}$/, 'not a staged attachment id')

export const ipcArgs = {
  getAppInfo: z.undefined(),
  getSession: z.undefined(),
  login: z.object({ serverUrl, username: z.string().min(1).max(LIMITS.usernameMax), password: z.string().min(1).max(LIMITS.passwordMax) }),
  register: z.object({
    serverUrl,
    username: z.string().min(1).max(LIMITS.usernameMax),
    password: z.string().min(1).max(LIMITS.passwordMax),
    displayName: z.string().max(LIMITS.displayNameMax).optional(),
    /** An invite code, when the server registers by invite (a pasted invite link fills it in). */
    invite: z.string().min(1).max(100).optional(),
  }),
  logout: z.undefined(),

  getConnection: z.undefined(),
  retryNow: z.undefined(),

  listConversations: z.undefined(),
  /**
   * The list a page at a time, for a start that paints the first screen before
   * reading every conversation; `include`: conversations wanted in the first
   * answer wherever they are in the list (the one the window reopens).
   */
  listConversationPage: z.object({
    after: z.object({ lastActivityAt: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER), id }).nullable(),
    limit: z.number().int().min(1).max(500),
    include: z.array(id).max(10).default([]),
  }),
  createConversation: z.object({
    memberIds: z.array(id).min(1).max(LIMITS.groupMembersMax),
    title: z.string().max(LIMITS.titleMax).optional(),
  }),
  /** Mute until a time (MUTE_FOREVER: until turned back on) or unmute (null); synced to my other devices. */
  setMuted: z.object({ conversationId: id, mutedUntil: z.number().int().nonnegative().max(MUTE_FOREVER).nullable() }),
  /** Group management (owner/admin; docs/design.md §4.6). Online only: offline they fail with code `offline`. */
  renameConversation: z.object({ conversationId: id, title: z.string().min(1).max(LIMITS.titleMax * 4) }),
  addMembers: z.object({ conversationId: id, userIds: z.array(id).min(1).max(LIMITS.groupMembersMax) }),
  removeMember: z.object({ conversationId: id, userId: id }),
  setMemberRole: z.object({ conversationId: id, userId: id, role: z.enum(['admin', 'member']) }),
  /** Leave a group (the owner's ownership passes on); its history stays, read-only. */
  leaveConversation: z.object({ conversationId: id }),
  blockUser: z.object({ userId: id }),
  unblockUser: z.object({ userId: id }),
  listBlocked: z.undefined(),
  updateProfile: z.object({ displayName: z.string().min(1).max(LIMITS.displayNameMax * 4) }),
  /** Every other session of mine is signed out. */
  changePassword: z.object({
    current: z.string().min(1).max(LIMITS.passwordMax),
    next: z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax),
  }),
  listSessions: z.undefined(),
  revokeSession: z.object({ sessionId: id }),
  /** Server admins only. */
  createInvite: z.object({ expiresInHours: z.number().int().min(1).max(LIMITS.inviteHoursMax).optional() }),
  /** The composer's unsent text, kept in the cache per conversation ('' clears it). */
  getDraft: z.object({ conversationId: id }),
  setDraft: z.object({ conversationId: id, text: z.string().max(LIMITS.bodyMax * 4) }),
  /** The conversation the user has open (null: none); drives notifications. */
  setActiveConversation: z.object({ conversationId: id.nullable() }),

  listUsers: z.object({ query: z.string().max(100).optional() }),
  getUsers: z.object({ ids: z.array(id).max(1_000) }),

  loadMessages: z
    .object({
      conversationId: id,
      /** Messages before this seq (older page); omit both seqs for the latest page. */
      beforeSeq: seq.optional(),
      /** Messages after this seq (newer page, ascending), for a window scrolled back from the latest; not with `beforeSeq`. */
      afterSeq: seq.optional(),
      limit: z.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
    })
    .refine((page) => page.beforeSeq === undefined || page.afterSeq === undefined, { message: 'beforeSeq or afterSeq, not both' }),
  /**
   * The window holds none of these conversations' messages any more: `messages` events for them stop
   * until it loads messages of one again (`loadMessages`).
   */
  releaseMessages: z.object({ conversationIds: z.array(id).max(1_000) }),
  sendMessage: z
    .object({
      conversationId: id,
      /** May be empty when the message carries attachments (a file without a caption). */
      body: z.string().max(LIMITS.bodyMax * 4),
      /** The key of the message this one answers (it may still be pending: the reply waits for it). */
      replyToKey: messageKey.optional(),
      /** Staged files, in display order; they move from the composer into this message's outbox entry. */
      attachments: z.array(stagedId).max(LIMITS.attachmentsPerMessageMax).optional(),
    })
    .refine((send) => send.body.trim().length > 0 || (send.attachments?.length ?? 0) > 0, {
      message: 'a message needs text or a file',
    }),
  /**
   * Files into the outbox, for the composer. The picker (main's native dialog;
   * the paths never reach the renderer) stages every chosen file and returns
   * them, [] when cancelled. Pasted and dropped files come as bytes instead:
   * begin, append in order (≤ 1 MiB each), finish.
   */
  pickAttachments: z.object({ conversationId: id }),
  beginAttachment: z.object({
    conversationId: id,
    name: z.string().min(1).max(1_000),
    size: z.number().int().nonnegative().max(ATTACHMENT_SIZE_MAX),
  }),
  appendAttachment: z.object({
    stagedId,
    bytes: z
      .instanceof(Uint8Array)
      .refine((bytes) => bytes.byteLength > 0 && bytes.byteLength <= ATTACHMENT_CHUNK_MAX, { message: 'a chunk is 1 byte to 1 MiB' }),
  }),
  finishAttachment: z.object({ stagedId }),
  /** Take a staged file out of the composer (its copy is deleted). */
  discardStaged: z.object({ stagedId }),
  /** Cancel a message of mine that has not been posted yet (uploads running or waiting): it and its file copies are removed. */
  cancelSend: z.object({ conversationId: id, clientId: z.string().min(1).max(LIMITS.clientIdMax) }),
  /** Fetch a whole file into the download cache (progress: `transfers`). */
  downloadAttachment: z.object({ attachmentId: id }),
  cancelDownload: z.object({ attachmentId: id }),
  /** Open a downloaded file with the OS's app for it (executable types ask first). */
  openAttachment: z.object({ attachmentId: id }),
  /** Save a copy where the user chooses (downloading it first if needed); false when the dialog was cancelled. */
  saveAttachmentAs: z.object({ attachmentId: id }),
  showAttachmentInFolder: z.object({ attachmentId: id }),
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
  /**
   * GET /api/search for history the cache does not hold (docs/design.md §8): hits of messages the
   * cache holds, or of conversations it does not know, are left out. `offline` with no connection.
   */
  searchServer: z.object({ query: z.string().min(1).max(200), limit: z.number().int().min(1).max(50).default(50) }),

  getSettings: z.undefined(),
  updateSettings: settingsPatchSchema,

  getWindowState: z.undefined(),
  /**
   * The window's first screen (the list, and the conversation it reopened) is painted: a saved
   * sign-in's realtime link and first sync, held until then at start, go ahead (design §7.4).
   */
  firstScreenPainted: z.undefined(),
  openExternal: z.object({ url: z.url({ protocol: /^https?$/ }).max(2_000) }),
  /** The app's updates (docs/design.md §7.9). */
  getUpdateStatus: z.undefined(),
  /** Check now (the menu's and settings' "Check for updates"), whatever the autoUpdate setting. */
  checkForUpdates: z.undefined(),
  /** Quit and install the downloaded update: only ever on the user's word ("Restart to update"). */
  installUpdate: z.undefined(),
  /** The parley:// link the app was started with or handed while the window was loading (once), or null. */
  takeDeepLink: z.undefined(),
  getSpellcheckLanguages: z.undefined(),
} as const satisfies Record<IpcCallName, z.ZodType>
