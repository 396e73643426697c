/**
 * Dropping files onto the open conversation attaches them. While files are
 * dragged over it a drop zone covers the conversation and says so (a live
 * region announces it); dragged text is left alone (it still drops into the
 * text box). Files dropped anywhere else in the window are ignored instead of
 * making the page navigate to them.
 */
import { useEffect, useRef, useState, type DragEvent, type ReactNode } from 'react'
import { useTranslation } from 'react-i18next'
import { ATTACHMENTS_PER_MESSAGE_MAX } from '../../../shared/attachment-name'
import { useStaged } from '../store/staged'
import { PaperclipIcon } from './Icons'
import { COMPOSER_ID } from './message-actions'

const carriesFiles = (event: { dataTransfer: DataTransfer | null }) => event.dataTransfer?.types.includes('Files') ?? false

export function FileDropZone({ conversationId, children }: { conversationId: string; children: ReactNode }) {
  const { t } = useTranslation()
  const [over, setOver] = useState(false)
  // dragenter/dragleave fire for every child crossed: count them.
  const depth = useRef(0)

  useEffect(() => {
    const ignore = (event: globalThis.DragEvent) => {
      if (!carriesFiles(event)) return
      event.preventDefault()
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none'
    }
    window.addEventListener('dragover', ignore)
    window.addEventListener('drop', ignore)
    return () => {
      window.removeEventListener('dragover', ignore)
      window.removeEventListener('drop', ignore)
    }
  }, [])

  const onDragEnter = (event: DragEvent<HTMLDivElement>) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    depth.current++
    setOver(true)
  }
  const onDragOver = (event: DragEvent<HTMLDivElement>) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    event.stopPropagation()
    event.dataTransfer.dropEffect = 'copy'
  }
  const onDragLeave = (event: DragEvent<HTMLDivElement>) => {
    if (!carriesFiles(event)) return
    depth.current = Math.max(0, depth.current - 1)
    if (depth.current === 0) setOver(false)
  }
  const onDrop = (event: DragEvent<HTMLDivElement>) => {
    if (!carriesFiles(event)) return
    event.preventDefault()
    event.stopPropagation()
    depth.current = 0
    setOver(false)
    const files = [...event.dataTransfer.files]
    if (files.length === 0) return
    useStaged.getState().addFiles(conversationId, files)
    document.getElementById(COMPOSER_ID)?.focus()
  }

  return (
    <div className="drop-target" onDragEnter={onDragEnter} onDragOver={onDragOver} onDragLeave={onDragLeave} onDrop={onDrop}>
      {children}
      <div className="visually-hidden" role="status" aria-live="polite">
        {over ? t('attachments.dropHere') : ''}
      </div>
      {over && (
        <div className="drop-zone" data-testid="drop-zone" aria-hidden="true">
          <PaperclipIcon size={36} />
          <span className="drop-zone__title">{t('attachments.dropHere')}</span>
          <span className="drop-zone__hint">{t('attachments.dropHint', { max: ATTACHMENTS_PER_MESSAGE_MAX })}</span>
        </div>
      )}
    </div>
  )
}
