/**
 * A message's files: pictures first, inline in boxes sized from the
 * dimensions the message carries (lib/image-grid.ts) — one picture in its own
 * aspect ratio, several in a two-column grid — then the other files as cards.
 * A picture that cannot load (offline and not cached) becomes a neutral
 * placeholder with its name, in the same box, and is tried again when the
 * connection comes back. A click or Enter on a picture opens the lightbox.
 * My message still uploading shows each file's progress and one "cancel
 * sending".
 */
import { memo, useMemo, useState } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatAttachment, ChatMessage } from '../../../shared/ipc'
import { isInlineImage } from '../lib/attachment-kind'
import { imageGrid, type GridCell } from '../lib/image-grid'
import { useConnection } from '../store/connection'
import { useLightbox } from '../store/lightbox'
import { useMessages } from '../store/messages'
import { selectTransfer, useTransfers } from '../store/transfers'
import { FileCard } from './FileCard'
import { ImageIcon } from './Icons'
import { TransferBar } from './TransferBar'

function InlineImage({
  message,
  attachment,
  cell,
  locale,
  uploading,
}: {
  message: ChatMessage
  attachment: ChatAttachment
  cell: GridCell
  locale: string
  uploading: boolean
}) {
  const { t } = useTranslation()
  const online = useConnection((state) => state.status.state === 'connected')
  // Failed while offline: tried again (a new <img>) once the connection is back.
  const [brokenOnline, setBrokenOnline] = useState<boolean | null>(null)
  const broken = brokenOnline !== null && (brokenOnline || !online)
  const upload = useTransfers(selectTransfer('upload', uploading ? attachment.key : null))
  const name = attachment.name
  return (
    <button
      type="button"
      className="attachment-image"
      style={{ width: cell.width, height: cell.height, gridColumn: cell.columnSpan === 2 ? 'span 2' : undefined }}
      aria-label={t('attachments.openImage', { name })}
      title={name}
      data-testid="attachment-image"
      data-attachment-key={attachment.key}
      onClick={(event) => {
        event.stopPropagation()
        useLightbox.getState().show({ conversationId: message.conversationId, messageKey: message.key, attachmentKey: attachment.key })
      }}
    >
      {broken || attachment.previewUrl === null ? (
        <span className="attachment-image__placeholder" data-testid="image-placeholder">
          <ImageIcon size={28} strokeWidth={1.5} />
          <bdi className="attachment-image__name" dir="auto">
            {name}
          </bdi>
          <span className="visually-hidden">{t('attachments.imageUnavailable')}</span>
        </span>
      ) : (
        <img
          key={online ? 'online' : 'offline'}
          src={attachment.previewUrl}
          alt={name}
          width={cell.width}
          height={cell.height}
          draggable={false}
          decoding="async"
          onError={() => setBrokenOnline(online)}
          onLoad={() => setBrokenOnline(null)}
        />
      )}
      {upload?.state === 'active' && (
        <TransferBar
          overlay
          loaded={upload.loaded}
          total={upload.total}
          locale={locale}
          label={(amounts) => t('attachments.uploading', { name, ...amounts })}
          testId="upload-progress"
        />
      )}
    </button>
  )
}

export const MessageAttachments = memo(function MessageAttachments({ message, own, locale }: { message: ChatMessage; own: boolean; locale: string }) {
  const { t } = useTranslation()
  const attachments = message.attachments
  const images = useMemo(() => attachments.filter(isInlineImage), [attachments])
  const files = useMemo(() => attachments.filter((attachment) => !isInlineImage(attachment)), [attachments])
  const grid = useMemo(() => imageGrid(images), [images])
  const uploading = own && message.state === 'pending'
  if (attachments.length === 0) return null
  return (
    <div className="attachments" data-testid="attachments">
      {images.length > 0 && (
        <div
          className={images.length > 1 ? 'attachment-grid attachment-grid--several' : 'attachment-grid'}
          style={{ width: grid.width, height: grid.height }}
          data-testid="attachment-grid"
        >
          {images.map((attachment, index) => (
            <InlineImage key={attachment.key} message={message} attachment={attachment} cell={grid.cells[index] as GridCell} locale={locale} uploading={uploading} />
          ))}
        </div>
      )}
      {files.length > 0 && (
        <div className="attachment-files" role="group" aria-label={t('attachments.files')}>
          {files.map((attachment) => (
            <FileCard key={attachment.key} attachment={attachment} locale={locale} uploading={uploading} />
          ))}
        </div>
      )}
      {uploading && (
        <button type="button" className="link-button attachments__cancel" data-testid="cancel-send" onClick={() => useMessages.getState().cancelSend(message)}>
          {t('attachments.cancelSend')}
        </button>
      )}
    </div>
  )
})
