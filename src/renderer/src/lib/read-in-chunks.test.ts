import { describe, expect, it, vi } from 'vitest'
import type { StagedAttachment } from '../../../shared/ipc'
import { readInChunks, StagingAborted, type StagingCalls } from './read-in-chunks'

function file(size: number, name = 'big.bin'): File {
  const bytes = new Uint8Array(size)
  for (let i = 0; i < size; i++) bytes[i] = i % 251
  return new File([bytes], name)
}

function recorder() {
  const appended: Uint8Array[] = []
  const calls: StagingCalls & { discarded: string[] } = {
    discarded: [],
    begin: vi.fn(async () => ({ stagedId: 'staged-1' })),
    append: vi.fn(async (_id: string, bytes: Uint8Array) => {
      appended.push(bytes)
      return null
    }),
    finish: vi.fn(async (stagedId: string): Promise<StagedAttachment> => ({ stagedId, name: 'big.bin', size: 0, mime: 'application/octet-stream', width: null, height: null, previewUrl: null })),
    discard: vi.fn(async (stagedId: string) => {
      calls.discarded.push(stagedId)
      return null
    }),
  }
  return { calls, appended }
}

describe('readInChunks', () => {
  it('appends the file in order, in chunks of at most the limit, then finishes', async () => {
    const { calls, appended } = recorder()
    const progress: number[] = []
    const source = file(2_500)
    const staged = await readInChunks(source, calls, (loaded) => progress.push(loaded), new AbortController().signal, 1_000)
    expect(staged.stagedId).toBe('staged-1')
    expect(calls.begin).toHaveBeenCalledWith('big.bin', 2_500)
    expect(appended.map((bytes) => bytes.byteLength)).toEqual([1_000, 1_000, 500])
    expect(progress).toEqual([1_000, 2_000, 2_500])
    const joined = new Uint8Array(await source.arrayBuffer())
    expect(appended.flatMap((bytes) => [...bytes])).toEqual([...joined])
    expect(calls.finish).toHaveBeenCalledTimes(1)
  })

  it('uses 1 MiB chunks by default', async () => {
    const { calls, appended } = recorder()
    await readInChunks(file(2 * 1024 * 1024 + 1), calls, () => undefined, new AbortController().signal)
    expect(appended.map((bytes) => bytes.byteLength)).toEqual([1024 * 1024, 1024 * 1024, 1])
  })

  it('finishes an empty file without appending', async () => {
    const { calls, appended } = recorder()
    await readInChunks(file(0), calls, () => undefined, new AbortController().signal)
    expect(appended).toEqual([])
    expect(calls.finish).toHaveBeenCalledTimes(1)
  })

  it('stops between chunks when aborted and discards what was staged', async () => {
    const { calls, appended } = recorder()
    const controller = new AbortController()
    const reading = readInChunks(file(5_000), calls, (loaded) => loaded >= 2_000 && controller.abort(), controller.signal, 1_000)
    await expect(reading).rejects.toBeInstanceOf(StagingAborted)
    expect(appended).toHaveLength(2)
    expect(calls.finish).not.toHaveBeenCalled()
    expect(calls.discarded).toEqual(['staged-1'])
  })

  it('discards when an append fails, and passes the error on', async () => {
    const { calls } = recorder()
    calls.append = vi.fn(async () => {
      throw new Error('[no_space] the disk is full')
    })
    await expect(readInChunks(file(10), calls, () => undefined, new AbortController().signal)).rejects.toThrow('the disk is full')
    expect(calls.discarded).toEqual(['staged-1'])
  })
})
