/**
 * The contract's limits and constants as plain values (no zod): what the
 * renderer needs of api.ts, without the schemas only the server and main
 * validate with. api.ts re-exports them.
 */
import { ATTACHMENTS_PER_MESSAGE_MAX, ATTACHMENT_NAME_MAX } from './attachment-name'
import { REACTIONS_PER_MESSAGE_MAX, REPLY_PREVIEW_MAX } from './message-content'

export const LIMITS = {
  usernameMin: 3,
  usernameMax: 32,
  passwordMin: 8,
  passwordMax: 200,
  displayNameMax: 64,
  bodyMax: 4_000,
  titleMax: 100,
  groupMembersMax: 100,
  clientIdMax: 64,
  pageDefault: 50,
  pageMax: 200,
  conversationPageDefault: 100,
  conversationPageMax: 200,
  reactionsPerMessageMax: REACTIONS_PER_MESSAGE_MAX,
  replyPreviewMax: REPLY_PREVIEW_MAX,
  /** Files on one message (docs/design.md §4.5). */
  attachmentsPerMessageMax: ATTACHMENTS_PER_MESSAGE_MAX,
  /** A file name, in characters, after path components are stripped (attachment-name.ts). */
  attachmentNameMax: ATTACHMENT_NAME_MAX,
  /** The server's default MAX_UPLOAD_BYTES (100 MiB); /api/config says what a server allows. */
  uploadBytesDefault: 100 * 1024 * 1024,
  /** Thumbnails fit in this many pixels on the long side. */
  thumbnailSideMax: 480,
  /** Images with more pixels are refused (decompression bombs). */
  imagePixelsMax: 50_000_000,
  /** An invite code lasts this long unless its creator says otherwise (docs/design.md §4.6). */
  inviteHoursDefault: 7 * 24,
  inviteHoursMax: 90 * 24,
  /** Characters of an invite code (base64url of 18 random bytes). */
  inviteCodeLength: 24,
  userAgentMax: 200,
} as const

/**
 * `mutedUntil` for "until I turn it back on" (docs/design.md §4.6): the last
 * millisecond of year 9999, so every mute is a time and expiry is one comparison.
 */
export const MUTE_FOREVER = 253_402_300_799_000
