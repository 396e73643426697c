/**
 * Uploads and downloads in progress (the `transfers` event, throttled by the
 * core) and the calls that act on a message's files: download, cancel,
 * open, save as, show in folder. A transfer that ended well or was cancelled
 * is dropped a moment after its last event (the bar fills, then goes); a
 * failed one stays, with its error, until the next attempt replaces it.
 *
 * Downloads that finished this session are remembered by attachment id: the
 * file card and the lightbox treat them as downloaded at once, whether or not
 * a `messages` event with the message's new `downloaded` has come yet.
 */
import { create } from 'zustand'
import type { ChatAttachment, Transfer } from '../../../shared/ipc'
import { parley } from '../bridge'
import { callError } from '../lib/call-error'
import { useNotices } from './notices'

/** How long a finished or cancelled transfer stays visible. */
export const FINISHED_SHOWN_MS = 1_200

export const transferKey = (direction: Transfer['direction'], id: string): string => `${direction}:${id}`

interface TransfersState {
  byKey: Readonly<Record<string, Transfer>>
  /** Attachment ids whose download finished in this session. */
  downloaded: Readonly<Record<string, true>>
  apply(transfers: readonly Transfer[]): void
  /** Drop one (a finished transfer after FINISHED_SHOWN_MS). */
  drop(key: string, transfer: Transfer): void
  download(attachmentId: string): void
  cancelDownload(attachmentId: string): void
  open(attachmentId: string): void
  /** Resolves true when saved, false when the dialog was cancelled or the save failed. */
  saveAs(attachmentId: string): Promise<boolean>
  showInFolder(attachmentId: string): void
  reset(): void
}

const timers = new Map<string, ReturnType<typeof setTimeout>>()

/** A call that failed, as a notice — not a cancel the user asked for. */
const failed = (err: unknown) => {
  const { code, message } = callError(err)
  if (code === 'cancelled') return
  useNotices.getState().push({ kind: 'failed', change: 'file', code, message })
}

export const useTransfers = create<TransfersState>()((set, get) => ({
  byKey: {},
  downloaded: {},
  apply: (transfers) => {
    if (transfers.length === 0) return
    const next = { ...get().byKey }
    const finished = transfers.filter((transfer) => transfer.direction === 'download' && transfer.state === 'done' && get().downloaded[transfer.id] === undefined)
    if (finished.length > 0) set((state) => ({ downloaded: { ...state.downloaded, ...Object.fromEntries(finished.map((transfer) => [transfer.id, true as const])) } }))
    for (const transfer of transfers) {
      const key = transferKey(transfer.direction, transfer.id)
      next[key] = transfer
      clearTimeout(timers.get(key))
      timers.delete(key)
      if (transfer.state === 'done' || transfer.state === 'cancelled') {
        timers.set(
          key,
          setTimeout(() => get().drop(key, transfer), FINISHED_SHOWN_MS),
        )
      }
    }
    set({ byKey: next })
  },
  drop: (key, transfer) => {
    timers.delete(key)
    set((state) => {
      if (state.byKey[key] !== transfer) return state
      const { [key]: _gone, ...rest } = state.byKey
      return { byKey: rest }
    })
  },
  download: (attachmentId) => {
    parley()
      .downloadAttachment({ attachmentId })
      .catch((err: unknown) => {
        // A download that started and failed says so on its card (the transfer's error).
        if (get().byKey[transferKey('download', attachmentId)]?.state !== 'failed') failed(err)
      })
  },
  cancelDownload: (attachmentId) => {
    parley().cancelDownload({ attachmentId }).catch(failed)
  },
  open: (attachmentId) => {
    parley().openAttachment({ attachmentId }).catch(failed)
  },
  saveAs: (attachmentId) =>
    parley()
      .saveAttachmentAs({ attachmentId })
      .catch((err: unknown) => {
        failed(err)
        return false
      }),
  showInFolder: (attachmentId) => {
    parley().showAttachmentInFolder({ attachmentId }).catch(failed)
  },
  reset: () => {
    timers.forEach((timer) => clearTimeout(timer))
    timers.clear()
    set({ byKey: {}, downloaded: {} })
  },
}))

/** Whether the whole file is on this device: as the message says, or downloaded since. */
export const selectDownloaded =
  (attachment: Pick<ChatAttachment, 'id' | 'downloaded'>) =>
  (state: TransfersState): boolean =>
    attachment.downloaded || (attachment.id !== null && state.downloaded[attachment.id] === true)

/** The transfer of one file, or undefined (a narrow selector: rows re-render only for their own files). */
export const selectTransfer =
  (direction: Transfer['direction'], id: string | null) =>
  (state: TransfersState): Transfer | undefined =>
    id === null ? undefined : state.byKey[transferKey(direction, id)]
