/**
 * A dropped or pasted file into the outbox: read with Blob.slice in chunks of
 * at most ATTACHMENT_CHUNK_MAX (1 MiB, what one `appendAttachment` call may
 * carry), appended in order, then finished. Only one chunk is in memory at a
 * time, so a 2 GB video does not take 2 GB of the renderer's memory.
 * Aborting stops between chunks and discards what was staged.
 */
import { ATTACHMENT_CHUNK_MAX, type StagedAttachment } from '../../../shared/ipc'

export interface StagingCalls {
  begin(name: string, size: number): Promise<{ stagedId: string }>
  append(stagedId: string, bytes: Uint8Array<ArrayBuffer>): Promise<unknown>
  finish(stagedId: string): Promise<StagedAttachment>
  discard(stagedId: string): Promise<unknown>
}

export class StagingAborted extends Error {
  constructor() {
    super('staging cancelled')
    this.name = 'StagingAborted'
  }
}

export async function readInChunks(
  file: Blob & { name: string },
  calls: StagingCalls,
  onProgress: (loaded: number) => void,
  signal: AbortSignal,
  chunkSize: number = ATTACHMENT_CHUNK_MAX,
): Promise<StagedAttachment> {
  if (signal.aborted) throw new StagingAborted()
  const { stagedId } = await calls.begin(file.name, file.size)
  try {
    let offset = 0
    while (offset < file.size) {
      if (signal.aborted) throw new StagingAborted()
      const end = Math.min(file.size, offset + chunkSize)
      const bytes = new Uint8Array(await file.slice(offset, end).arrayBuffer())
      await calls.append(stagedId, bytes)
      offset = end
      onProgress(offset)
    }
    if (signal.aborted) throw new StagingAborted()
    return await calls.finish(stagedId)
  } catch (err) {
    await calls.discard(stagedId).catch(() => undefined)
    throw err
  }
}
