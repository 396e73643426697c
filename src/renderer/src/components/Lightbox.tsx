/**
 * A message's pictures full size, in a modal dialog (Dialog.tsx: the native
 * <dialog> traps focus, Esc closes; labelled by the file name). The whole
 * file is downloaded first when it is not on this device yet — the
 * thumbnail shows meanwhile, with the download's progress.
 *
 * Keys: ← / → the previous / next picture of the same message (stopping at
 * the first and the last: the counter says where you are), + / − / 0 zoom in,
 * out and back to fit; Ctrl+wheel zooms too. Closing gives focus back to the
 * picture in the list that opened it.
 */
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState } from 'react'
import { useTranslation } from 'react-i18next'
import { mediaPath, type ChatAttachment, type ChatMessage } from '../../../shared/ipc'
import { useIntlLocale } from '../hooks/useLocale'
import { isInlineImage } from '../lib/attachment-kind'
import { useLightbox, type LightboxTarget } from '../store/lightbox'
import { useMessages } from '../store/messages'
import { selectDownloaded, selectTransfer, useTransfers } from '../store/transfers'
import { useUi } from '../store/ui'
import { Dialog } from './Dialog'
import { ChevronLeftIcon, ChevronRightIcon, DownloadIcon, FitIcon, ZoomInIcon, ZoomOutIcon } from './Icons'
import { TransferBar } from './TransferBar'

const ZOOM_STEP = 1.25
const ZOOM_MIN = 0.25
const ZOOM_MAX = 8

const clampZoom = (zoom: number) => Math.min(ZOOM_MAX, Math.max(ZOOM_MIN, zoom))

/** The picture in the list with this key, for giving focus back. */
function findOpener(target: LightboxTarget, attachmentKey: string): HTMLElement | null {
  const row = [...document.querySelectorAll<HTMLElement>('[data-testid=message]')].find((element) => element.dataset.key === target.messageKey)
  return [...(row?.querySelectorAll<HTMLElement>('[data-attachment-key]') ?? [])].find((element) => element.dataset.attachmentKey === attachmentKey) ?? null
}

/** The stage element (for focus and the wheel) and its size, kept up to date. */
function useStage(): [(element: HTMLDivElement | null) => void, { width: number; height: number }, { current: HTMLDivElement | null }] {
  const [size, setSize] = useState({ width: 0, height: 0 })
  const element = useRef<HTMLDivElement | null>(null)
  // Stable: a new ref function every render would detach and attach (and measure) on every render.
  const observe = useCallback((stage: HTMLDivElement | null) => {
    element.current = stage
    if (stage === null) return
    const measure = () =>
      setSize((current) => (current.width === stage.clientWidth && current.height === stage.clientHeight ? current : { width: stage.clientWidth, height: stage.clientHeight }))
    measure()
    const observer = new ResizeObserver(measure)
    observer.observe(stage)
    return () => {
      observer.disconnect()
      element.current = null
    }
  }, [])
  return [observe, size, element]
}

function LightboxDialog({ target, message }: { target: LightboxTarget; message: ChatMessage }) {
  const { t } = useTranslation()
  const locale = useIntlLocale()
  const images = useMemo(() => message.attachments.filter(isInlineImage), [message.attachments])
  const index = Math.max(0, images.findIndex((attachment) => attachment.key === target.attachmentKey))
  const image = images[index] as ChatAttachment
  const [opener] = useState(target.attachmentKey)
  const [zoom, setZoom] = useState(1)
  const [stageRef, stage, stageElement] = useStage()
  const download = useTransfers(selectTransfer('download', image.id))
  const downloaded = useTransfers(selectDownloaded(image))
  const requested = useRef(new Set<string>())

  // The whole file, once per picture shown, unless it is here or already coming.
  useEffect(() => {
    if (downloaded || image.id === null || requested.current.has(image.id)) return
    requested.current.add(image.id)
    if (useTransfers.getState().byKey[`download:${image.id}`]?.state !== 'active') useTransfers.getState().download(image.id)
  }, [downloaded, image.id])

  const go = useCallback(
    (step: number) => {
      const next = images[index + step]
      if (next === undefined) return
      setZoom(1)
      useLightbox.getState().move(next.key)
    },
    [images, index],
  )

  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (event.ctrlKey || event.metaKey || event.altKey) return
      const key = event.key
      if (key === 'ArrowLeft') go(-1)
      else if (key === 'ArrowRight') go(1)
      else if (key === '+' || key === '=') setZoom((zoom) => clampZoom(zoom * ZOOM_STEP))
      else if (key === '-' || key === '_') setZoom((zoom) => clampZoom(zoom / ZOOM_STEP))
      else if (key === '0') setZoom(1)
      else return
      event.preventDefault()
    }
    window.addEventListener('keydown', onKeyDown)
    return () => window.removeEventListener('keydown', onKeyDown)
  }, [go])

  // Ctrl+wheel zooms the picture, not the page (a passive React listener could not prevent that).
  useEffect(() => {
    const element = stageElement.current
    if (element === null) return
    const onWheel = (event: WheelEvent) => {
      if (!event.ctrlKey && !event.metaKey) return
      event.preventDefault()
      setZoom((zoom) => clampZoom(event.deltaY < 0 ? zoom * ZOOM_STEP : zoom / ZOOM_STEP))
    }
    element.addEventListener('wheel', onWheel, { passive: false })
    return () => element.removeEventListener('wheel', onWheel)
  }, [])

  // After showModal() has run its own focusing: the picture, so arrows and zoom keys work at once.
  useLayoutEffect(() => {
    const frame = requestAnimationFrame(() => stageElement.current?.focus())
    return () => cancelAnimationFrame(frame)
  }, [])

  const close = () => {
    useLightbox.getState().close()
    requestAnimationFrame(() => findOpener(target, opener)?.focus())
  }

  const naturalWidth = image.width ?? 800
  const naturalHeight = image.height ?? 600
  const fit = stage.width > 0 && stage.height > 0 ? Math.min(1, stage.width / naturalWidth, stage.height / naturalHeight) : 0
  const width = Math.round(naturalWidth * fit * zoom)
  const height = Math.round(naturalHeight * fit * zoom)
  // Downloaded since the message came: the file is served at its media path all the same.
  const fileUrl = image.fileUrl ?? (downloaded && image.id !== null ? mediaPath('file', image.id) : null)
  const full = downloaded && fileUrl !== null
  const src = full ? fileUrl : image.previewUrl
  const name = image.name
  const label = t('attachments.lightbox.label', { name, index: index + 1, count: images.length })

  return (
    <Dialog title={name} onClose={close} testId="lightbox" className="dialog--lightbox">
      <div
        ref={stageRef}
        className="lightbox__stage"
        tabIndex={0}
        // A named, focusable region (arrow keys pan, +/- zoom): a group, so the label is allowed (axe aria-prohibited-attr).
        role="group"
        aria-label={label}
        data-testid="lightbox-stage"
      >
        {src !== null && fit > 0 && (
          <img
            key={`${image.key}:${full ? 'full' : 'preview'}`}
            className="lightbox__image"
            src={src}
            alt={name}
            width={width}
            height={height}
            draggable={false}
            data-testid="lightbox-image"
            data-full={full ? 'true' : 'false'}
          />
        )}
      </div>
      {download?.state === 'active' && !full && (
        <div className="lightbox__progress">
          <TransferBar
            loaded={download.loaded}
            total={download.total}
            locale={locale}
            label={(amounts) => t('attachments.lightbox.loading', amounts)}
            testId="lightbox-progress"
          />
        </div>
      )}
      <div className="lightbox__toolbar" role="toolbar" aria-label={label}>
        <button type="button" className="icon-button" aria-label={t('attachments.lightbox.previous')} title={t('attachments.lightbox.previous')} disabled={index === 0} onClick={() => go(-1)} data-testid="lightbox-previous">
          <ChevronLeftIcon />
        </button>
        <span className="lightbox__counter" data-testid="lightbox-counter">
          {t('attachments.lightbox.counter', { index: index + 1, count: images.length })}
        </span>
        <button type="button" className="icon-button" aria-label={t('attachments.lightbox.next')} title={t('attachments.lightbox.next')} disabled={index === images.length - 1} onClick={() => go(1)} data-testid="lightbox-next">
          <ChevronRightIcon />
        </button>
        <span className="lightbox__spacer" />
        <button type="button" className="icon-button" aria-label={t('attachments.lightbox.zoomOut')} title={t('attachments.lightbox.zoomOut')} disabled={zoom <= ZOOM_MIN} onClick={() => setZoom((z) => clampZoom(z / ZOOM_STEP))} data-testid="lightbox-zoom-out">
          <ZoomOutIcon />
        </button>
        <span className="lightbox__zoom" data-testid="lightbox-zoom" aria-live="polite">
          {t('attachments.lightbox.zoom', { percent: Math.round(zoom * 100) })}
        </span>
        <button type="button" className="icon-button" aria-label={t('attachments.lightbox.zoomIn')} title={t('attachments.lightbox.zoomIn')} disabled={zoom >= ZOOM_MAX} onClick={() => setZoom((z) => clampZoom(z * ZOOM_STEP))} data-testid="lightbox-zoom-in">
          <ZoomInIcon />
        </button>
        <button type="button" className="icon-button" aria-label={t('attachments.lightbox.zoomReset')} title={t('attachments.lightbox.zoomReset')} onClick={() => setZoom(1)} data-testid="lightbox-zoom-reset">
          <FitIcon />
        </button>
        <button
          type="button"
          className="icon-button"
          aria-label={t('attachments.lightbox.save')}
          title={t('attachments.lightbox.save')}
          disabled={image.id === null}
          onClick={() => image.id !== null && void useTransfers.getState().saveAs(image.id)}
          data-testid="lightbox-save"
        >
          <DownloadIcon />
        </button>
      </div>
    </Dialog>
  )
}

/** The lightbox of the open conversation, when one is open (store/lightbox.ts). */
export function Lightbox() {
  const target = useLightbox((state) => state.open)
  const active = useUi((state) => state.activeConversationId)
  const message = useMessages((state) =>
    target === null ? undefined : state.byConversation[target.conversationId]?.messages.findLast((candidate) => candidate.key === target.messageKey),
  )
  const shown = target !== null && target.conversationId === active && message !== undefined && message.deletedAt === null
  const hasImage = shown && message.attachments.some((attachment) => attachment.key === target.attachmentKey && isInlineImage(attachment))
  useEffect(() => {
    // The message went away (deleted, discarded) or another conversation opened: nothing to show.
    if (target !== null && !hasImage) useLightbox.getState().close()
  }, [target, hasImage])
  if (!hasImage) return null
  return <LightboxDialog key={`${target.messageKey}`} target={target} message={message} />
}
