/**
 * The files waiting in the composer (store/staged.ts), above the text box:
 * a thumbnail for a picture, a card (type icon, name, size) for anything
 * else, a progress bar while a dropped or pasted file is still being read.
 * Each can be removed with its × button, or with Delete / Backspace when it
 * has focus; ← / → move between them.
 */
import type { KeyboardEvent } from 'react'
import { useTranslation } from 'react-i18next'
import { useIntlLocale } from '../hooks/useLocale'
import { isInlineImage } from '../lib/attachment-kind'
import { truncateMiddle } from '../lib/file-name'
import { formatFileSize } from '../lib/file-size'
import { stagedIn, useStaged, type StagedItem } from '../store/staged'
import { FileTypeIcon } from './FileCard'
import { CloseIcon } from './Icons'
import { COMPOSER_ID } from './message-actions'
import { TransferBar } from './TransferBar'

function nameOf(item: StagedItem): string {
  return item.status === 'staged' ? item.file.name : item.name
}

function StagedFile({ conversationId, item, locale }: { conversationId: string; item: StagedItem; locale: string }) {
  const { t } = useTranslation()
  const name = nameOf(item)
  const remove = () => useStaged.getState().remove(conversationId, item.localId)
  const preview = item.status === 'staged' && isInlineImage(item.file) ? item.file.previewUrl : null
  const size = formatFileSize(item.status === 'staged' ? item.file.size : item.size, locale)

  const onKeyDown = (event: KeyboardEvent<HTMLLIElement>) => {
    if (event.target !== event.currentTarget) return
    if (event.key === 'Delete' || event.key === 'Backspace') {
      event.preventDefault()
      const list = event.currentTarget.parentElement
      const items = [...(list?.querySelectorAll<HTMLElement>('[data-testid=staged-file]') ?? [])]
      const at = items.indexOf(event.currentTarget)
      remove()
      // Focus stays in the strip (the next file, else the previous), or returns to the text box.
      requestAnimationFrame(() => {
        const left = [...(list?.querySelectorAll<HTMLElement>('[data-testid=staged-file]') ?? [])]
        ;(left[Math.min(at, left.length - 1)] ?? document.getElementById(COMPOSER_ID))?.focus()
      })
    } else if (event.key === 'ArrowLeft' || event.key === 'ArrowRight') {
      event.preventDefault()
      const sibling = event.key === 'ArrowLeft' ? event.currentTarget.previousElementSibling : event.currentTarget.nextElementSibling
      if (sibling instanceof HTMLElement) sibling.focus()
    }
  }

  return (
    <li
      className={preview !== null ? 'staged-file staged-file--image' : 'staged-file'}
      tabIndex={0}
      aria-label={`${name}, ${size}`}
      aria-description={t('attachments.removeHint')}
      aria-keyshortcuts="Delete"
      data-testid="staged-file"
      data-status={item.status}
      onKeyDown={onKeyDown}
    >
      {preview !== null ? (
        <img className="staged-file__thumb" src={preview} alt={name} draggable={false} />
      ) : (
        <span className="staged-file__card">
          <FileTypeIcon name={name} />
          <span className="staged-file__text">
            <bdi className="staged-file__name" dir="auto" title={name}>
              {truncateMiddle(name, 20)}
            </bdi>
            <span className="staged-file__size">{size}</span>
          </span>
        </span>
      )}
      {item.status === 'reading' && (
        <span className="staged-file__progress">
          <TransferBar
            loaded={item.loaded}
            total={item.size}
            locale={locale}
            label={(amounts) => t('attachments.reading', { name, ...amounts })}
            testId="staging-progress"
          />
        </span>
      )}
      <button
        type="button"
        className="staged-file__remove"
        aria-label={item.status === 'reading' ? t('attachments.stopReading', { name }) : t('attachments.remove', { name })}
        title={item.status === 'reading' ? t('attachments.stopReading', { name }) : t('attachments.remove', { name })}
        data-testid="staged-remove"
        onClick={remove}
      >
        <CloseIcon size={14} />
      </button>
    </li>
  )
}

export function StagedFiles({ conversationId }: { conversationId: string }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const items = useStaged(stagedIn(conversationId))
  if (items.length === 0) return null
  return (
    <ul className="staged-files" aria-label={t('attachments.strip')} data-testid="staged-files">
      {items.map((item) => (
        <StagedFile key={item.localId} conversationId={conversationId} item={item} locale={locale} />
      ))}
    </ul>
  )
}
