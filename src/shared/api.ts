/**
 * The REST contract (docs/design.md §4): request and response shapes as zod
 * schemas, used by the server to validate and by the desktop app to parse.
 * Ids are strings; times are ms since the epoch.
 */
import { z } from 'zod'
import { displayNameText } from './display-name'
import { LIMITS, MUTE_FOREVER } from './limits'
import { canonicalEmoji } from './message-content'

export { LIMITS, MUTE_FOREVER }

const id = z.string().min(1).max(64)

export const userSchema = z.object({
  id,
  username: z.string(),
  displayName: z.string(),
  /**
   * Presence: only for yourself and people you share a conversation with. For
   * anyone else both fields are absent — a stranger's comings and goings are
   * not yours to watch (the directory gives names only).
   */
  online: z.boolean().optional(),
  lastSeenAt: z.number().nullable().optional(),
  /** Only on yourself (`GET /api/me`, sign-in): you administer this server (invites). */
  admin: z.boolean().optional(),
})
export type User = z.infer<typeof userSchema>

/** A member's role in a group (docs/design.md §4.6); both members of a direct conversation are `member`. */
export const memberRoleSchema = z.enum(['owner', 'admin', 'member'])
export type MemberRole = z.infer<typeof memberRoleSchema>

export const conversationMemberSchema = z.object({ userId: id, role: memberRoleSchema })
export type ConversationMember = z.infer<typeof conversationMemberSchema>

export const systemEventTypeSchema = z.enum(['member_added', 'member_removed', 'member_left', 'title_changed', 'role_changed'])
export type SystemEventType = z.infer<typeof systemEventTypeSchema>

/**
 * What a system message records (`kind: 'system'`, body ''): who did it
 * (`actorId`, also the message's senderId) and to whom. member_added /
 * member_removed: `userIds`; member_left: the actor left (`userIds` holds the
 * new owner when ownership passed on, as `role_changed` would); title_changed:
 * `title` (the new one); role_changed: `userIds` (one) and `role` (the new
 * role — Parley's addition to the shared contract, docs/design.md §11).
 */
export const systemEventSchema = z.object({
  type: systemEventTypeSchema,
  actorId: id,
  userIds: z.array(id).optional(),
  title: z.string().optional(),
  role: memberRoleSchema.optional(),
})
export type SystemEvent = z.infer<typeof systemEventSchema>

/** What a reply shows of the message it answers (docs/design.md §4.4). */
export const replyToSchema = z.object({
  id,
  seq: z.number().int().positive(),
  senderId: id,
  /** The first 200 characters; empty once the original is deleted. */
  body: z.string(),
  deleted: z.boolean(),
})
export type ReplyTo = z.infer<typeof replyToSchema>

/** One emoji under a message and who reacted with it, in order of each user's reaction. */
export const reactionSchema = z.object({ emoji: z.string(), userIds: z.array(id) })
export type Reaction = z.infer<typeof reactionSchema>

/**
 * A file on a message (docs/design.md §4.5). `mime` is what the server sniffed
 * from the content, never what the uploader claimed; `width`/`height` are as
 * displayed (orientation applied), null for anything that is not an image.
 */
export const attachmentSchema = z.object({
  id,
  /** For display only: path components stripped, control and bidi characters removed (attachment-name.ts). */
  name: z.string(),
  size: z.number().int().nonnegative(),
  mime: z.string(),
  width: z.number().int().positive().nullable(),
  height: z.number().int().positive().nullable(),
  hasThumbnail: z.boolean(),
})
export type Attachment = z.infer<typeof attachmentSchema>

export const messageSchema = z.object({
  id,
  conversationId: id,
  seq: z.number().int().positive(),
  /**
   * The conversation's change counter when this message last changed (sent,
   * edited, deleted, reacted to): gapless per conversation, like seq.
   */
  rev: z.number().int().positive(),
  senderId: id,
  clientId: z.string(),
  /** Absent only in realtime events too large to carry it (the client fetches the message). Empty once deleted. */
  body: z.string(),
  createdAt: z.number(),
  editedAt: z.number().nullable(),
  /** Set on a tombstone: the body, reactions and mentions are gone from the server. */
  deletedAt: z.number().nullable(),
  replyTo: replyToSchema.nullable(),
  /** In order of each emoji's first use. */
  reactions: z.array(reactionSchema),
  /** Members named as @username, in order of first mention. */
  mentions: z.array(id),
  /** Files, in the order the sender attached them (≤ 10); empty on a tombstone. Absent from servers before attachments: []. */
  attachments: z.array(attachmentSchema).default([]),
  /** `system`: a change to the group (body '', `system` says what); never unread, never notified. */
  kind: z.enum(['text', 'system']).default('text'),
  system: systemEventSchema.nullable().default(null),
})
export type Message = z.infer<typeof messageSchema>

export const markerSchema = z.object({
  readSeq: z.number().int().nonnegative(),
  deliveredSeq: z.number().int().nonnegative(),
})
export type Marker = z.infer<typeof markerSchema>

export const conversationKindSchema = z.enum(['direct', 'group'])
export type ConversationKind = z.infer<typeof conversationKindSchema>

export const conversationSchema = z.object({
  id,
  kind: conversationKindSchema,
  title: z.string().nullable(),
  memberIds: z.array(id),
  /** The members with their roles, in join order (same order as memberIds). */
  members: z.array(conversationMemberSchema).default([]),
  /** The viewer's own mute, synced to their devices; null when not muted or the mute has expired. MUTE_FOREVER: until turned back on. */
  mutedUntil: z.number().int().nullable().default(null),
  lastMessage: messageSchema.nullable(),
  lastSeq: z.number().int().nonnegative(),
  /** The highest rev of any message in the conversation (0: none yet). */
  lastRev: z.number().int().nonnegative(),
  /** The viewer's own markers and unread count. */
  readSeq: z.number().int().nonnegative(),
  deliveredSeq: z.number().int().nonnegative(),
  unreadCount: z.number().int().nonnegative(),
  /** The viewer's unread messages that mention them. */
  mentionCount: z.number().int().nonnegative(),
  /** Every member's markers, for receipts. */
  markers: z.record(z.string(), markerSchema),
  createdAt: z.number(),
  /** Time of the last message, or of creation: the sidebar's sort key. */
  lastActivityAt: z.number(),
})
export type Conversation = z.infer<typeof conversationSchema>

/** A UTF-16 surrogate without its partner: not text, and not storable as UTF-8. */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/

/** Whether `text` holds half a surrogate pair (which no message body, name or query can). */
export const hasLoneSurrogate = (text: string): boolean => LONE_SURROGATE.test(text)

/** What trimming leaves must be 1–max characters (code points, so emoji count once); no NUL anywhere. */
const trimmedText = (max: number, what: string) =>
  z
    .string()
    .refine((text) => !hasLoneSurrogate(text), { message: `${what} contains an unpaired surrogate` })
    .refine((text) => !text.includes('\u0000'), { message: `${what} contains a NUL character (U+0000)` })
    .transform((text) => text.trim())
    .refine((text) => text.length > 0, { message: `${what} must not be empty` })
    .refine((text) => [...text].length <= max, { message: `${what} must be at most ${max} characters` })

/** Like trimmedText, but what trimming leaves may be empty (a caption; the caller says when empty is allowed). */
const captionText = (max: number, what: string) =>
  z
    .string()
    .refine((text) => !hasLoneSurrogate(text), { message: `${what} contains an unpaired surrogate` })
    .refine((text) => !text.includes('\u0000'), { message: `${what} contains a NUL character (U+0000)` })
    .transform((text) => text.trim())
    .refine((text) => [...text].length <= max, { message: `${what} must be at most ${max} characters` })

export const usernameSchema = z
  .string()
  .min(LIMITS.usernameMin)
  .max(LIMITS.usernameMax)
  .regex(/^[A-Za-z0-9_.-]+$/, 'letters, digits, _ . and - only')

/** NFKC-normalised; control, bidi-formatting and invisible characters refused (the rule: display-name.ts). */
export const displayNameSchema = displayNameText(LIMITS.displayNameMax)

export const registerRequestSchema = z.object({
  username: usernameSchema,
  password: z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax),
  displayName: displayNameSchema.optional(),
  /** An invite code (POST /api/invites): required when the server's registration is `invite`. */
  invite: z.string().min(1).max(100).optional(),
})
export type RegisterRequest = z.input<typeof registerRequestSchema>

export const loginRequestSchema = z.object({
  username: z.string().min(1).max(LIMITS.usernameMax),
  password: z.string().min(1).max(LIMITS.passwordMax),
})
export type LoginRequest = z.infer<typeof loginRequestSchema>

export const authResponseSchema = z.object({ token: z.string(), user: userSchema })
export type AuthResponse = z.infer<typeof authResponseSchema>

export const userQuerySchema = z.object({
  q: z.string().max(100).optional(),
  /** Comma-separated ids: exactly those users (members of my conversations). */
  ids: z
    .string()
    .max(200 * 65)
    .transform((list) => list.split(',').filter((id) => id.length > 0))
    .pipe(z.array(z.string().min(1).max(64)).max(200))
    .optional(),
})

export const createConversationRequestSchema = z.object({
  memberIds: z.array(id).min(1).max(LIMITS.groupMembersMax),
  title: trimmedText(LIMITS.titleMax, 'title').optional(),
})
export type CreateConversationRequest = z.input<typeof createConversationRequestSchema>

const seqParam = z.coerce.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)

export const messagePageQuerySchema = z
  .object({
    after: seqParam.optional(),
    before: seqParam.optional(),
    /** Every message whose rev is above this, in ascending rev (tombstones included). */
    changedAfter: seqParam.optional(),
    limit: z.coerce.number().int().min(1).max(LIMITS.pageMax).default(LIMITS.pageDefault),
  })
  .refine((q) => [q.after, q.before, q.changedAfter].filter((v) => v !== undefined).length <= 1, {
    message: 'give one of after, before and changedAfter',
  })
export type MessagePageQuery = z.infer<typeof messagePageQuerySchema>

export const messagePageSchema = z.object({ messages: z.array(messageSchema), hasMore: z.boolean() })
export type MessagePage = z.infer<typeof messagePageSchema>

/**
 * GET /api/conversations is paged, unlike the shared contract's bare `Conversation[]`
 * (docs/design.md §11): anyone may put you in groups, so the list has no natural bound (issue 14 made
 * 151 entries, 69 KB, in a second). Pages run newest activity first
 * (lastActivityAt desc, id asc); `cursor` is the `nextCursor` of the page
 * before — opaque to clients.
 */
export const conversationPageQuerySchema = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(LIMITS.conversationPageMax)
    .default(LIMITS.conversationPageDefault),
  cursor: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[A-Za-z0-9_-]+$/, 'not a cursor from a previous page')
    .optional(),
})
export type ConversationPageQuery = z.infer<typeof conversationPageQuerySchema>

export const conversationPageSchema = z.object({
  conversations: z.array(conversationSchema),
  /** Null on the last page. */
  nextCursor: z.string().nullable(),
})
export type ConversationPage = z.infer<typeof conversationPageSchema>

export const sendMessageRequestSchema = z.object({
  clientId: z
    .string()
    .min(1)
    .max(LIMITS.clientIdMax)
    .regex(/^[A-Za-z0-9_-]+$/, 'letters, digits, _ and - only'),
  /** Trimmed; may be empty ('') only when the message carries attachments. */
  body: captionText(LIMITS.bodyMax, 'body'),
  /** The message this one answers: one of the same conversation. */
  replyToId: id.regex(/^[A-Za-z0-9_-]+$/, 'not a message id').optional(),
  /** Uploads of mine not yet attached to any message, in display order (POST /api/attachments). */
  attachmentIds: z
    .array(id.regex(/^[A-Za-z0-9_-]+$/, 'not an attachment id'))
    .max(LIMITS.attachmentsPerMessageMax, `at most ${LIMITS.attachmentsPerMessageMax} attachments`)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'an attachment appears twice' })
    .optional(),
}).refine((request) => request.body.length > 0 || (request.attachmentIds?.length ?? 0) > 0, {
  message: 'body must not be empty',
  path: ['body'],
})
export type SendMessageRequest = z.input<typeof sendMessageRequestSchema>

export const editMessageRequestSchema = z.object({ body: trimmedText(LIMITS.bodyMax, 'body') })
export type EditMessageRequest = z.input<typeof editMessageRequestSchema>

/** The emoji of a reaction (URL-decoded path segment): one emoji grapheme, canonical form (message-content.ts). */
export const reactionEmojiSchema = z
  .string()
  .max(64)
  .transform((text, ctx) => {
    const emoji = canonicalEmoji(text)
    if (emoji === null) {
      ctx.addIssue({ code: 'custom', message: 'emoji must be exactly one emoji' })
      return z.NEVER
    }
    return emoji
  })

export const markerRequestSchema = z.object({ seq: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER) })

export const readResponseSchema = z.object({ readSeq: z.number().int().nonnegative() })
export const deliveredResponseSchema = z.object({ deliveredSeq: z.number().int().nonnegative() })

/** Conversations one `POST /api/conversations/delivered-batch` may carry. */
export const MAX_DELIVERED_BATCH = 200

/**
 * `POST /api/conversations/delivered-batch` (docs/design.md §11): many
 * conversations' delivered markers in one request, each as
 * `POST /api/conversations/:id/delivered` would take it. A conversation named
 * twice moves to the higher seq.
 */
export const deliveredBatchRequestSchema = z.object({
  markers: z
    .array(z.object({ conversationId: z.string().min(1).max(200), seq: markerRequestSchema.shape.seq }))
    .min(1)
    .max(MAX_DELIVERED_BATCH),
})
export type DeliveredBatchRequest = z.infer<typeof deliveredBatchRequestSchema>

/** Its answer: per conversation, its delivered marker now, or the refusal the single route would give. */
export const deliveredBatchResponseSchema = z.object({
  markers: z.record(
    z.string(),
    z.union([deliveredResponseSchema, z.object({ error: z.object({ status: z.number().int(), code: z.string(), message: z.string() }) })]),
  ),
})
export type DeliveredBatchResponse = z.infer<typeof deliveredBatchResponseSchema>

export const registrationModeSchema = z.enum(['open', 'invite', 'closed'])
export type RegistrationMode = z.infer<typeof registrationModeSchema>

export const configResponseSchema = z.object({
  pusher: z.object({
    key: z.string(),
    cluster: z.string(),
    wsHost: z.string().optional(),
    wsPort: z.number().int().optional(),
    forceTLS: z.boolean(),
    /**
     * The WebSocket is on the same host and port as the REST api: connect to
     * wherever this response came from (ws with http, wss with https). Sent by
     * the embedded server when neither PUBLIC_URL nor a trusted proxy names the
     * public address, since the Host header is no one's word; wsHost/wsPort then
     * carry the address the request arrived on, for clients that ignore this.
     */
    sameOrigin: z.boolean().optional(),
  }),
  activityTimeout: z.number().int().positive(),
  /** What this server accepts (absent from servers before attachments). */
  limits: z.object({ maxUploadBytes: z.number().int().positive() }).optional(),
  /** Who may register (REGISTRATION); absent from servers before issue 19: open. */
  registration: registrationModeSchema.optional(),
  /**
   * The per-user channel is `private-encrypted-user-{id}` (an external realtime
   * service with PUSHER_ENCRYPTION_MASTER_KEY, docs/design.md §5.1).
   */
  encryptedUserChannel: z.boolean().optional(),
})
export type ConfigResponse = z.infer<typeof configResponseSchema>

// ---------------------------------------------------------------------------
// Groups, people and administration (docs/design.md §4.6).

export const renameConversationRequestSchema = z.object({ title: trimmedText(LIMITS.titleMax, 'title') })
export type RenameConversationRequest = z.input<typeof renameConversationRequestSchema>

export const addMembersRequestSchema = z.object({
  userIds: z
    .array(id)
    .min(1)
    .max(LIMITS.groupMembersMax)
    .refine((ids) => new Set(ids).size === ids.length, { message: 'a user appears twice' }),
})
export type AddMembersRequest = z.infer<typeof addMembersRequestSchema>

/** Only the owner changes roles, and only between admin and member (ownership passes on when the owner leaves). */
export const setRoleRequestSchema = z.object({ role: z.enum(['admin', 'member']) })
export type SetRoleRequest = z.infer<typeof setRoleRequestSchema>

export const conversationSettingsRequestSchema = z.object({
  /** Muted until this time (ms); MUTE_FOREVER until turned back on; null: not muted. */
  mutedUntil: z.number().int().nonnegative().max(MUTE_FOREVER).nullable(),
})
export type ConversationSettingsRequest = z.infer<typeof conversationSettingsRequestSchema>

export const updateMeRequestSchema = z
  .object({ displayName: displayNameSchema.optional() })
  .refine((patch) => patch.displayName !== undefined, { message: 'nothing to change' })
export type UpdateMeRequest = z.input<typeof updateMeRequestSchema>

export const changePasswordRequestSchema = z.object({
  current: z.string().min(1).max(LIMITS.passwordMax),
  next: z.string().min(LIMITS.passwordMin).max(LIMITS.passwordMax),
})
export type ChangePasswordRequest = z.infer<typeof changePasswordRequestSchema>

/** One signed-in device of mine (GET /api/me/sessions). */
export const deviceSessionSchema = z.object({
  id,
  createdAt: z.number(),
  lastUsedAt: z.number(),
  /** The User-Agent it signed in with (≤ 200 characters), or '' when it sent none. */
  userAgent: z.string(),
  /** The session this request was made with. */
  current: z.boolean(),
})
export type DeviceSession = z.infer<typeof deviceSessionSchema>

export const createInviteRequestSchema = z.object({
  expiresInHours: z.number().int().min(1).max(LIMITS.inviteHoursMax).default(LIMITS.inviteHoursDefault),
})
export type CreateInviteRequest = z.input<typeof createInviteRequestSchema>

export const inviteSchema = z.object({
  code: z.string(),
  /** `parley://invite?server=…&code=…` (invite-link.ts). */
  url: z.string(),
  expiresAt: z.number(),
})
export type Invite = z.infer<typeof inviteSchema>


/** Every error response: `{error:{code,message}}` with a 4xx/5xx status. */
export const errorResponseSchema = z.object({
  error: z.object({ code: z.string(), message: z.string() }),
})
export type ErrorResponse = z.infer<typeof errorResponseSchema>

export const ErrorCodes = {
  badRequest: 'bad_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  notFound: 'not_found',
  conflict: 'conflict',
  tooLarge: 'payload_too_large',
  /** An image the server will not decode: over 50 megapixels, or not readable as the type it sniffed. */
  unsupportedImage: 'unsupported_image',
  rateLimited: 'rate_limited',
  /** 403: the other member of this direct conversation blocked you. */
  blocked: 'blocked',
  /** 403 on register: this server registers with an invite code only (none given, or not valid). */
  inviteRequired: 'invite_required',
  /** 403 on register: this server takes no new accounts. */
  registrationClosed: 'registration_closed',
  /** 403 on login: an administrator disabled this account. */
  accountDisabled: 'account_disabled',
  internal: 'internal',
} as const
