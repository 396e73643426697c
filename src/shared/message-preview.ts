/**
 * One line for a message where there is no room for the message itself — an
 * OS notification, the conversation list's last message — in the core and
 * the renderer alike (docs/design.md §7.7). A caption wins; a message of
 * files alone says what they are.
 */
import { INLINE_IMAGE_TYPES } from './attachment-name'

export interface PreviewableMessage {
  body: string
  attachments: readonly { name: string; mime: string }[]
}

export interface AttachmentSummary {
  /** 'photo': only inline images; 'file': anything else among them. */
  kind: 'photo' | 'file'
  count: number
  /** The file's name when there is exactly one file. */
  name: string | null
}

/**
 * What a message's files add up to, for the words of a preview: here in
 * English (notifications), in the renderer in the UI's language
 * (`attachments.summary.*`). Null without files.
 */
export function summarizeAttachments(attachments: PreviewableMessage['attachments']): AttachmentSummary | null {
  if (attachments.length === 0) return null
  const photos = attachments.every((attachment) => INLINE_IMAGE_TYPES.has(attachment.mime.split(';')[0]?.trim().toLowerCase() ?? ''))
  const first = attachments[0] as { name: string }
  return { kind: photos ? 'photo' : 'file', count: attachments.length, name: !photos && attachments.length === 1 ? first.name : null }
}

/** "the caption", or "🖼 Photo", "📎 report.pdf", "🖼 3 photos", "📎 3 files" (any non-image makes it files). */
export function messagePreviewText(message: PreviewableMessage): string {
  const { body } = message
  const summary = summarizeAttachments(message.attachments)
  if (body.trim().length > 0 || summary === null) return body
  if (summary.kind === 'photo') return summary.count === 1 ? '🖼 Photo' : `🖼 ${summary.count} photos`
  return summary.name !== null ? `📎 ${summary.name}` : `📎 ${summary.count} files`
}
