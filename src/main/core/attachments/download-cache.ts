/**
 * The download cache (docs/design.md §7.7): whole files under
 * `attachments/files/<id>`, indexed in the cache database with their size
 * and when they were last used, and held under a cap (settings'
 * downloadCacheMiB) by deleting the least recently used first — never one
 * being opened or saved right now, never the one just fetched. (Copies of my
 * own files still in the outbox live in the outbox folder, outside this
 * cache and its cap.)
 *
 * A download streams into `tmp/` and is renamed into place only when whole
 * and of the size the server announced, so a cut or cancelled download
 * leaves nothing behind; one download per attachment at a time (asking again
 * joins it).
 */
import { randomBytes } from 'node:crypto'
import { rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import { ParleyError } from '../../../shared/ipc'
import type { CachedAttachment, Cache } from '../cache/types'
import { translateError } from '../errors'
import type { AttachmentFolders } from './attachment-folders'
import { downloadFile, isAbort, LocalFileError, type AttachmentServer } from './attachment-http'
import type { TransferReporter } from './transfer-reporter'

export interface DownloadCacheDeps {
  cache: Cache
  folders: AttachmentFolders
  server: AttachmentServer
  transfers: TransferReporter
  /** The cap in bytes (read at each eviction: the setting may change). */
  capBytes(): number
  now(): number
  /**
   * Files came into the cache or left it (downloaded, evicted, found
   * missing): their messages' views changed (`downloaded`, `fileUrl`).
   */
  onFilesChanged(attachmentIds: string[]): void
}

interface Running {
  controller: AbortController
  done: Promise<string>
}

export class DownloadCache {
  private readonly running = new Map<string, Running>()
  /** Files in use (being opened or saved): eviction leaves them, counted per user. */
  private readonly inUse = new Map<string, number>()

  constructor(private readonly deps: DownloadCacheDeps) {}

  /** The path of a downloaded file still on disk (marked as used now), or null. */
  async cachedPath(attachmentId: string): Promise<string | null> {
    const file = this.deps.cache.cachedFile(attachmentId)
    if (file === null) return null
    const info = await stat(file.path).catch(() => null)
    if (info === null || !info.isFile()) {
      // Deleted behind our back (the user cleaned the folder): forget it, it can be fetched again.
      this.deps.cache.removeCachedFile(attachmentId)
      this.deps.onFilesChanged([attachmentId])
      return null
    }
    this.deps.cache.touchCachedFile(attachmentId, this.deps.now())
    return file.path
  }

  /** The file on disk, downloading it first when needed (progress as transfers). */
  async ensure(attachment: CachedAttachment): Promise<string> {
    const cached = await this.cachedPath(attachment.id)
    if (cached !== null) return cached
    let running = this.running.get(attachment.id)
    if (running === undefined) {
      const controller = new AbortController()
      running = { controller, done: this.fetch(attachment, controller.signal).finally(() => this.running.delete(attachment.id)) }
      this.running.set(attachment.id, running)
    }
    return running.done
  }

  /** Stop a download: its partial file is deleted. False when none runs. */
  cancel(attachmentId: string): boolean {
    const running = this.running.get(attachmentId)
    if (running === undefined) return false
    running.controller.abort()
    return true
  }

  /** Run `use` with the file protected from eviction. */
  async using<T>(attachmentId: string, use: () => Promise<T>): Promise<T> {
    this.inUse.set(attachmentId, (this.inUse.get(attachmentId) ?? 0) + 1)
    try {
      return await use()
    } finally {
      const count = (this.inUse.get(attachmentId) ?? 1) - 1
      if (count > 0) this.inUse.set(attachmentId, count)
      else this.inUse.delete(attachmentId)
    }
  }

  /** Take a whole file into the cache (my own upload after its send): moved, not copied. */
  async adopt(attachmentId: string, from: string, size: number): Promise<void> {
    const path = this.deps.folders.file(attachmentId)
    await rename(from, path)
    this.deps.cache.recordCachedFile(attachmentId, path, size, this.deps.now())
    await this.evict(attachmentId)
  }

  /** Delete cached files (a tombstone's: deleted means gone). */
  async forget(attachmentIds: readonly string[]): Promise<void> {
    for (const id of attachmentIds) {
      this.cancel(id)
      this.deps.cache.removeCachedFile(id)
      await rm(this.deps.folders.file(id), { force: true })
    }
  }

  /**
   * Least recently used first, until the files fit under the cap; `keep`
   * (the file just added) and files in use stay even if that leaves the
   * cache over its cap for a while.
   */
  async evict(keep?: string): Promise<string[]> {
    const cap = this.deps.capBytes()
    let total = this.deps.cache.cachedFileBytes()
    const evicted: string[] = []
    if (total <= cap) return evicted
    for (const file of this.deps.cache.cachedFiles()) {
      if (total <= cap) break
      if (file.attachmentId === keep || this.inUse.has(file.attachmentId) || this.running.has(file.attachmentId)) continue
      this.deps.cache.removeCachedFile(file.attachmentId)
      await rm(file.path, { force: true })
      total -= file.size
      evicted.push(file.attachmentId)
    }
    if (evicted.length > 0) this.deps.onFilesChanged(evicted)
    return evicted
  }

  /** Stop every download (sign-out). */
  abortAll(): void {
    for (const running of this.running.values()) running.controller.abort()
  }

  private async fetch(attachment: CachedAttachment, signal: AbortSignal): Promise<string> {
    const { transfers } = this.deps
    const temp = join(this.deps.folders.tmp, `${randomBytes(8).toString('hex')}.download`)
    const report = (loaded: number, state: 'active' | 'done' | 'failed' | 'cancelled', error: string | null = null) =>
      transfers.update({
        direction: 'download',
        id: attachment.id,
        conversationId: attachment.conversationId,
        messageKey: attachment.messageKey,
        loaded,
        total: attachment.size,
        state,
        error,
      })
    report(0, 'active')
    let received = 0
    try {
      received = await downloadFile(this.deps.server, `/api/attachments/${encodeURIComponent(attachment.id)}`, temp, {
        maxBytes: attachment.size,
        signal,
        onProgress: (loaded) => {
          received = loaded
          report(loaded, 'active')
        },
      })
      if (received !== attachment.size) throw new LocalFileError(`The download ended after ${received} of ${attachment.size} bytes`)
      const path = this.deps.folders.file(attachment.id)
      await rename(temp, path)
      this.deps.cache.recordCachedFile(attachment.id, path, attachment.size, this.deps.now())
      report(received, 'done')
      await this.evict(attachment.id)
      this.deps.onFilesChanged([attachment.id])
      return path
    } catch (err) {
      await rm(temp, { force: true })
      if (isAbort(err)) {
        report(received, 'cancelled')
        throw new ParleyError('cancelled', 'The download was cancelled')
      }
      const error = err instanceof LocalFileError ? new ParleyError('internal', err.message) : translateError(err)
      report(received, 'failed', error.message)
      throw error
    }
  }
}
