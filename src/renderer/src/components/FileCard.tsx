/**
 * A file on a message as a card: a type icon with the extension, the name
 * shortened in the middle (the extension stays), the size in the UI's
 * locale, and what can be done with it — download (with a progress bar and
 * cancel while it runs), then open, save as… and show in folder. My own file
 * still uploading shows the upload's progress instead.
 */
import { memo } from 'react'
import { useTranslation } from 'react-i18next'
import type { ChatAttachment } from '../../../shared/ipc'
import { extensionLabel, truncateMiddle } from '../lib/file-name'
import { formatFileSize } from '../lib/file-size'
import { selectDownloaded, selectTransfer, useTransfers } from '../store/transfers'
import { DownloadIcon, FileIcon, FolderIcon, OpenIcon } from './Icons'
import { TransferBar } from './TransferBar'

/** Characters of the name shown (the middle goes); CSS still ellipsizes a name of wide characters. */
const NAME_SHOWN = 22

export function FileTypeIcon({ name }: { name: string }) {
  const extension = extensionLabel(name)
  return (
    <span className="file-icon" aria-hidden="true">
      <FileIcon size={34} strokeWidth={1.5} />
      {extension !== '' && <span className="file-icon__label">{extension}</span>}
    </span>
  )
}

export const FileCard = memo(function FileCard({ attachment, locale, uploading }: { attachment: ChatAttachment; locale: string; uploading: boolean }) {
  const { t } = useTranslation()
  const id = attachment.id
  const upload = useTransfers(selectTransfer('upload', uploading ? attachment.key : null))
  const download = useTransfers(selectTransfer('download', id))
  const downloaded = useTransfers(selectDownloaded(attachment))
  const size = formatFileSize(attachment.size, locale)
  const name = attachment.name
  const downloading = download?.state === 'active'
  const downloadFailed = download?.state === 'failed'

  return (
    <div className="file-card" data-testid="file-card" data-attachment-key={attachment.key} data-downloaded={downloaded ? 'true' : 'false'}>
      <FileTypeIcon name={name} />
      <span className="file-card__text">
        <bdi className="file-card__name" dir="auto" title={name}>
          {truncateMiddle(name, NAME_SHOWN)}
        </bdi>
        <span className="file-card__size">{size}</span>
        {upload?.state === 'active' && (
          <TransferBar
            loaded={upload.loaded}
            total={upload.total}
            locale={locale}
            label={(amounts) => t('attachments.uploading', { name, ...amounts })}
            testId="upload-progress"
          />
        )}
        {downloading && (
          <TransferBar
            loaded={download.loaded}
            total={download.total}
            locale={locale}
            label={(amounts) => t('attachments.downloading', { name, ...amounts })}
            cancelLabel={t('attachments.cancelDownload', { name })}
            onCancel={() => id !== null && useTransfers.getState().cancelDownload(id)}
            testId="download-progress"
          />
        )}
        {downloadFailed && (
          <span className="file-card__error" role="alert">
            {t('attachments.downloadFailed', { error: download.error ?? '' })}
          </span>
        )}
      </span>
      {id !== null && !downloading && (
        <span className="file-card__actions">
          {downloaded ? (
            <>
              <button type="button" className="icon-button icon-button--small" aria-label={t('attachments.openLabel', { name })} title={t('attachments.open')} data-testid="file-open" onClick={() => useTransfers.getState().open(id)}>
                <OpenIcon size={16} />
              </button>
              <button type="button" className="icon-button icon-button--small" aria-label={t('attachments.saveAsLabel', { name })} title={t('attachments.saveAs')} data-testid="file-save" onClick={() => void useTransfers.getState().saveAs(id)}>
                <DownloadIcon size={16} />
              </button>
              <button
                type="button"
                className="icon-button icon-button--small"
                aria-label={t('attachments.showInFolderLabel', { name })}
                title={t('attachments.showInFolder')}
                data-testid="file-show"
                onClick={() => useTransfers.getState().showInFolder(id)}
              >
                <FolderIcon size={16} />
              </button>
            </>
          ) : (
            <button
              type="button"
              className="icon-button icon-button--small file-card__download"
              aria-label={t('attachments.download', { name, size })}
              title={downloadFailed ? t('attachments.retryDownload') : t('attachments.download', { name, size })}
              data-testid="file-download"
              onClick={() => useTransfers.getState().download(id)}
            >
              <DownloadIcon size={16} />
            </button>
          )}
        </span>
      )}
    </div>
  )
})
