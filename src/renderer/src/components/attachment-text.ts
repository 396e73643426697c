/**
 * A message's files in words, where only text fits (the conversation list, a
 * reply quote): "🖼 Photo", "📎 report.pdf", "📎 3 files" — the summary of
 * src/shared/message-preview.ts (which the core's notifications put in
 * English), in the UI's language.
 */
import type { TFunction } from 'i18next'
import type { ChatAttachment } from '../../../shared/ipc'
import { summarizeAttachments } from '../../../shared/message-preview'

export function attachmentsText(t: TFunction, attachments: readonly Pick<ChatAttachment, 'mime' | 'previewUrl' | 'name'>[]): string {
  const summary = summarizeAttachments(attachments)
  if (summary === null) return ''
  // Not plurals: Chinese has one form, and "1 photo" reads worse than "Photo".
  if (summary.kind === 'photo') return summary.count === 1 ? t('attachments.summary.photo') : t('attachments.summary.photos', { count: summary.count })
  if (summary.name !== null) return t('attachments.summary.file', { name: summary.name })
  return t('attachments.summary.files', { count: summary.count })
}
