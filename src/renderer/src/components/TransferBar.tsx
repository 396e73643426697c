/**
 * A progress bar for a file being read, uploaded or downloaded: a real
 * `role="progressbar"` with its value and a label that says what and how much
 * ("Uploading photo.jpg: 3.2 MB of 20 MB"), and an optional cancel button.
 */
import { formatProgress } from '../lib/file-size'
import { CloseIcon } from './Icons'

export function TransferBar({
  loaded,
  total,
  locale,
  label,
  cancelLabel,
  onCancel,
  testId = 'transfer-progress',
  overlay = false,
}: {
  loaded: number
  total: number
  locale: string
  /** Given the formatted amounts, the words for the bar. */
  label(amounts: { loaded: string; total: string }): string
  cancelLabel?: string
  onCancel?(): void
  testId?: string
  /** Drawn over a picture (light track on a dark scrim). */
  overlay?: boolean
}) {
  const progress = formatProgress(loaded, total, locale)
  const text = label(progress)
  return (
    <div className={overlay ? 'transfer transfer--overlay' : 'transfer'}>
      <div
        className="transfer__track"
        role="progressbar"
        aria-label={text}
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={progress.percent}
        aria-valuetext={`${progress.percent}% (${progress.loaded} / ${progress.total})`}
        title={text}
        data-testid={testId}
      >
        <div className="transfer__fill" style={{ width: `${progress.percent}%` }} />
      </div>
      {onCancel !== undefined && cancelLabel !== undefined && (
        <button
          type="button"
          className="icon-button icon-button--small transfer__cancel"
          aria-label={cancelLabel}
          title={cancelLabel}
          data-testid="transfer-cancel"
          onClick={(event) => {
            event.stopPropagation()
            onCancel()
          }}
        >
          <CloseIcon size={14} />
        </button>
      )}
    </div>
  )
}
