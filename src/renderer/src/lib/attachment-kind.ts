/** Which attachments show inline as pictures and which as file cards (what a message's files add up to: src/shared/message-preview.ts). */
import { INLINE_IMAGE_TYPES } from '../../../shared/attachment-name'
import type { ChatAttachment } from '../../../shared/ipc'

/** Shown inline (thumbnail, grid, lightbox): a raster type the app shows and a preview to show. */
export function isInlineImage(attachment: Pick<ChatAttachment, 'mime' | 'previewUrl'>): boolean {
  return attachment.previewUrl !== null && INLINE_IMAGE_TYPES.has(attachment.mime.split(';')[0]?.trim().toLowerCase() ?? '')
}
