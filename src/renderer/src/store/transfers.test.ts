import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { Transfer } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { useNotices } from './notices'
import { FINISHED_SHOWN_MS, selectDownloaded, selectTransfer, useTransfers } from './transfers'

const transfer = (patch: Partial<Transfer>): Transfer => ({
  direction: 'download',
  id: 'a1',
  conversationId: 'c1',
  messageKey: 'bob:c1',
  loaded: 0,
  total: 100,
  state: 'active',
  error: null,
  ...patch,
})

const of = (direction: Transfer['direction'], id: string) => selectTransfer(direction, id)(useTransfers.getState())

beforeEach(() => {
  vi.useFakeTimers()
  resetAllStores()
})
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllGlobals()
})

describe('transfers slice', () => {
  it('keeps the latest state of each upload and download, apart', () => {
    useTransfers.getState().apply([transfer({ loaded: 10 }), transfer({ direction: 'upload', id: 'a1', loaded: 5 })])
    useTransfers.getState().apply([transfer({ loaded: 60 })])
    expect(of('download', 'a1')?.loaded).toBe(60)
    expect(of('upload', 'a1')?.loaded).toBe(5)
    expect(selectTransfer('download', null)(useTransfers.getState())).toBeUndefined()
  })

  it('drops finished and cancelled transfers a moment after their last event', () => {
    useTransfers.getState().apply([transfer({ loaded: 100, state: 'done' }), transfer({ id: 'a2', state: 'cancelled' })])
    expect(of('download', 'a1')?.state).toBe('done')
    vi.advanceTimersByTime(FINISHED_SHOWN_MS + 1)
    expect(useTransfers.getState().byKey).toEqual({})
  })

  it('remembers finished downloads after their bar has gone', () => {
    const file = { id: 'a1', downloaded: false }
    expect(selectDownloaded(file)(useTransfers.getState())).toBe(false)
    useTransfers.getState().apply([transfer({ state: 'active', loaded: 50 }), transfer({ id: 'a2', state: 'cancelled' })])
    expect(selectDownloaded(file)(useTransfers.getState())).toBe(false)
    useTransfers.getState().apply([transfer({ state: 'done', loaded: 100 })])
    vi.advanceTimersByTime(FINISHED_SHOWN_MS + 1)
    expect(selectDownloaded(file)(useTransfers.getState())).toBe(true)
    expect(selectDownloaded({ id: 'a2', downloaded: false })(useTransfers.getState())).toBe(false)
    expect(selectDownloaded({ id: null, downloaded: true })(useTransfers.getState())).toBe(true)
  })

  it('keeps a transfer that started again before the drop', () => {
    useTransfers.getState().apply([transfer({ state: 'cancelled' })])
    vi.advanceTimersByTime(FINISHED_SHOWN_MS / 2)
    useTransfers.getState().apply([transfer({ state: 'active', loaded: 1 })])
    vi.advanceTimersByTime(FINISHED_SHOWN_MS * 2)
    expect(of('download', 'a1')?.state).toBe('active')
  })

  it('keeps failed transfers with their error until the next attempt', () => {
    useTransfers.getState().apply([transfer({ state: 'failed', error: 'No space left on the disk' })])
    vi.advanceTimersByTime(60_000)
    expect(of('download', 'a1')?.error).toBe('No space left on the disk')
  })

  it('ignores an empty batch without a new state object', () => {
    const before = useTransfers.getState()
    useTransfers.getState().apply([])
    expect(useTransfers.getState()).toBe(before)
  })

  it('calls the app for downloads and file actions, and turns failures into notices', async () => {
    vi.useRealTimers()
    const downloadAttachment = vi.fn(async () => null)
    const saveAttachmentAs = vi.fn(async () => {
      throw new Error('[not_found] the file is gone')
    })
    stubBridge({ downloadAttachment, saveAttachmentAs })
    useTransfers.getState().download('a1')
    expect(downloadAttachment).toHaveBeenCalledWith({ attachmentId: 'a1' })
    await expect(useTransfers.getState().saveAs('a1')).resolves.toBe(false)
    expect(useNotices.getState().notices).toMatchObject([{ kind: 'failed', change: 'file', code: 'not_found', message: 'the file is gone' }])
  })

  it('says nothing more when a download is cancelled or failed on its card', async () => {
    vi.useRealTimers()
    const downloadAttachment = vi.fn(async () => {
      throw new Error('[cancelled] The download was cancelled')
    })
    stubBridge({ downloadAttachment })
    useTransfers.getState().download('a1')
    await new Promise((resolve) => setTimeout(resolve, 0))
    downloadAttachment.mockRejectedValueOnce(new Error('[unreachable] the server is down'))
    useTransfers.getState().apply([transfer({ state: 'failed', error: 'the server is down' })])
    useTransfers.getState().download('a1')
    await new Promise((resolve) => setTimeout(resolve, 0))
    expect(useNotices.getState().notices).toEqual([])
  })
})
