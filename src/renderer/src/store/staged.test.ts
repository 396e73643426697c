import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { StagedAttachment } from '../../../shared/ipc'
import { stubBridge } from '../../../../test/support/renderer/bridge'
import { resetAllStores } from '.'
import { stagedIn, useStaged } from './staged'

const staged = (stagedId: string, name = `${stagedId}.png`): StagedAttachment => ({
  stagedId,
  name,
  size: 10,
  mime: 'image/png',
  width: 4,
  height: 3,
  previewUrl: `/media/staged/${stagedId}`,
})

const items = (conversationId = 'c1') => stagedIn(conversationId)(useStaged.getState())

/** The bridge calls the composer's files need, recording what reaches the core. */
function stagingBridge() {
  let next = 0
  const appended: number[] = []
  const calls = {
    pickAttachments: vi.fn(async () => [] as StagedAttachment[]),
    beginAttachment: vi.fn(async () => ({ stagedId: `s${++next}xxxxxxx` })),
    appendAttachment: vi.fn(async ({ bytes }: { stagedId: string; bytes: Uint8Array }) => {
      appended.push(bytes.byteLength)
      return null
    }),
    finishAttachment: vi.fn(async ({ stagedId }: { stagedId: string }) => staged(stagedId)),
    discardStaged: vi.fn(async () => null),
  }
  stubBridge(calls)
  return { calls, appended }
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 10))

beforeEach(() => resetAllStores())
afterEach(() => vi.unstubAllGlobals())

describe('staged files slice', () => {
  it('adds picked files, per conversation', async () => {
    const { calls } = stagingBridge()
    calls.pickAttachments.mockResolvedValueOnce([staged('aaaaaaaa'), staged('bbbbbbbb')])
    await useStaged.getState().pick('c1')
    expect(items().map((item) => item.status === 'staged' && item.file.stagedId)).toEqual(['aaaaaaaa', 'bbbbbbbb'])
    expect(items('c2')).toEqual([])
  })

  it('reads dropped and pasted files in chunks, with progress, into staged files', async () => {
    const { calls, appended } = stagingBridge()
    useStaged.getState().addFiles('c1', [new File([new Uint8Array(3 * 1024 * 1024 + 5)], 'clip.mov')])
    expect(items()).toMatchObject([{ status: 'reading', name: 'clip.mov', loaded: 0 }])
    await settle()
    expect(calls.beginAttachment).toHaveBeenCalledWith({ conversationId: 'c1', name: 'clip.mov', size: 3 * 1024 * 1024 + 5 })
    expect(appended).toEqual([1024 * 1024, 1024 * 1024, 1024 * 1024, 5])
    expect(items()).toMatchObject([{ status: 'staged', file: { stagedId: 's1xxxxxxx' } }])
  })

  it('refuses more than ten files and says so', async () => {
    const { calls } = stagingBridge()
    calls.pickAttachments.mockResolvedValueOnce(Array.from({ length: 8 }, (_, i) => staged(`picked0${i}`)))
    await useStaged.getState().pick('c1')
    useStaged.getState().addFiles('c1', [1, 2, 3].map((i) => new File(['x'], `f${i}.txt`)))
    await settle()
    expect(items()).toHaveLength(10)
    expect(useStaged.getState().problems.c1).toEqual({ kind: 'tooMany', max: 10 })
    // The picker's extra files are given back to the core.
    calls.pickAttachments.mockResolvedValueOnce([staged('extraaaa')])
    await useStaged.getState().pick('c1')
    expect(calls.pickAttachments).toHaveBeenCalledTimes(1)
  })

  it('says which file the core refused and why', async () => {
    const { calls } = stagingBridge()
    calls.beginAttachment.mockRejectedValueOnce(new Error('[too_large] "huge.iso" is too large: the server takes files up to 100 MB'))
    calls.beginAttachment.mockRejectedValueOnce(new Error('[no_space] the disk is full'))
    useStaged.getState().addFiles('c1', [new File(['x'], 'huge.iso')])
    await settle()
    expect(useStaged.getState().problems.c1).toEqual({ kind: 'tooLarge', name: 'huge.iso', max: '100 MB' })
    useStaged.getState().addFiles('c1', [new File(['x'], 'b.txt')])
    await settle()
    expect(useStaged.getState().problems.c1).toEqual({ kind: 'failed', name: 'b.txt', code: 'no_space', message: 'the disk is full' })
    expect(items()).toEqual([])
  })

  it('puts the picker\'s refusals into problems too', async () => {
    const { calls } = stagingBridge()
    calls.pickAttachments.mockRejectedValueOnce(new Error('[too_large] "film.mkv" is too large: the server takes files up to 1.5 GB'))
    await useStaged.getState().pick('c1')
    expect(useStaged.getState().problems.c1).toEqual({ kind: 'tooLarge', name: 'film.mkv', max: '1.5 GB' })
    calls.pickAttachments.mockRejectedValueOnce(new Error('[payload_too_large] no'))
    await useStaged.getState().pick('c1')
    expect(useStaged.getState().problems.c1).toEqual({ kind: 'tooLarge', name: '', max: null })
  })

  it('removes a staged file (the core drops its copy) and stops one being read', async () => {
    const { calls } = stagingBridge()
    calls.pickAttachments.mockResolvedValueOnce([staged('aaaaaaaa')])
    await useStaged.getState().pick('c1')
    useStaged.getState().remove('c1', items()[0]?.localId ?? '')
    expect(calls.discardStaged).toHaveBeenCalledWith({ stagedId: 'aaaaaaaa' })
    useStaged.getState().addFiles('c1', [new File([new Uint8Array(5 * 1024 * 1024)], 'big.bin')])
    useStaged.getState().remove('c1', items()[0]?.localId ?? '')
    expect(items()).toEqual([])
    await settle()
    expect(items()).toEqual([])
    expect(calls.finishAttachment).not.toHaveBeenCalled()
    expect(calls.discardStaged).toHaveBeenCalledTimes(2)
  })

  it('hands the staged files to a send and takes them back if it fails', async () => {
    const { calls } = stagingBridge()
    calls.pickAttachments.mockResolvedValueOnce([staged('aaaaaaaa'), staged('bbbbbbbb')])
    await useStaged.getState().pick('c1')
    const taken = useStaged.getState().take('c1')
    expect(taken).toHaveLength(2)
    expect(items()).toEqual([])
    useStaged.getState().restore('c1', taken)
    expect(items()).toEqual(taken)
  })
})
