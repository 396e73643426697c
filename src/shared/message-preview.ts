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

/** "the caption", or "🖼 Photo", "📎 report.pdf", "🖼 3 photos", "📎 3 files" (any non-image makes it files). */
export function messagePreviewText(message: PreviewableMessage): string {
  const { body, attachments } = message
  if (body.trim().length > 0 || attachments.length === 0) return body
  const photos = attachments.every((attachment) => INLINE_IMAGE_TYPES.has(attachment.mime))
  if (attachments.length === 1) return photos ? '🖼 Photo' : `📎 ${(attachments[0] as { name: string }).name}`
  return photos ? `🖼 ${attachments.length} photos` : `📎 ${attachments.length} files`
}
