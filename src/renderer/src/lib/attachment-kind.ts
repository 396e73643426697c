/** Which attachments show inline as pictures and which as file cards, and what a message's files add up to. */
import { INLINE_IMAGE_TYPES } from '../../../shared/attachment-name'
import type { ChatAttachment } from '../../../shared/ipc'

/** Shown inline (thumbnail, grid, lightbox): a raster type the app shows and a preview to show. */
export function isInlineImage(attachment: Pick<ChatAttachment, 'mime' | 'previewUrl'>): boolean {
  return attachment.previewUrl !== null && INLINE_IMAGE_TYPES.has(attachment.mime.split(';')[0]?.trim().toLowerCase() ?? '')
}

export interface AttachmentSummary {
  /** 'photo': only images; 'file': anything else among them. */
  kind: 'photo' | 'file'
  count: number
  /** The file's name when there is exactly one file. */
  name: string | null
}

/**
 * What a list preview or a reply quote says for a message's files
 * ("🖼 Photo", "🖼 3 photos", "📎 report.pdf", "📎 4 files"); null without files.
 * The same rules as src/shared/message-preview.ts; the words come from i18n
 * (`attachments.summary.*`), so Chinese reads "🖼 照片".
 */
export function summarizeAttachments(attachments: readonly Pick<ChatAttachment, 'mime' | 'previewUrl' | 'name'>[]): AttachmentSummary | null {
  if (attachments.length === 0) return null
  const photos = attachments.every((attachment) => INLINE_IMAGE_TYPES.has(attachment.mime.split(';')[0]?.trim().toLowerCase() ?? ''))
  const first = attachments[0] as { name: string }
  return { kind: photos ? 'photo' : 'file', count: attachments.length, name: !photos && attachments.length === 1 ? first.name : null }
}
