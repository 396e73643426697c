/**
 * Thumbnails (docs/design.md §7.7): fetched in the background when a message
 * with one is stored — a small bounded queue, two at a time, after sync's own
 * work (never delaying it) — into `attachments/thumbnails/<id>.webp`, and on
 * demand when the renderer asks for one not cached yet. Offline, a cached
 * thumbnail is served and a missing one is null (the renderer keeps the
 * reserved box). Only attachments of this account's cached messages are
 * fetched: main is no general fetch proxy for the renderer.
 */
import { randomBytes } from 'node:crypto'
import { rename, rm, stat } from 'node:fs/promises'
import { join } from 'node:path'
import type { Cache } from '../cache/types'
import type { AttachmentFolders } from './attachment-folders'
import { downloadFile, type AttachmentServer } from './attachment-http'

/** A thumbnail is ≤ 480 px WebP: far below this. */
const THUMBNAIL_BYTES_MAX = 8 * 1024 * 1024
/** Background fetches queued at most (the newest win: a big catch-up only prefetches its latest). */
const QUEUE_MAX = 200
const CONCURRENCY = 2

export interface ThumbnailDeps {
  cache: Cache
  folders: AttachmentFolders
  server: AttachmentServer
}

export class Thumbnails {
  private readonly queue: string[] = []
  private readonly fetching = new Map<string, Promise<string | null>>()
  private active = 0
  private readonly controller = new AbortController()
  private stopped = false

  constructor(private readonly deps: ThumbnailDeps) {}

  /** Fetch these in the background (new messages were stored). */
  prefetch(attachmentIds: readonly string[]): void {
    if (this.stopped) return
    this.queue.push(...attachmentIds)
    if (this.queue.length > QUEUE_MAX) this.queue.splice(0, this.queue.length - QUEUE_MAX)
    // After the current turn: the sync that stored the messages goes on first.
    setImmediate(() => this.pump())
  }

  /** The cached thumbnail's path, fetching it first when needed; null when there is none to serve. */
  async get(attachmentId: string): Promise<string | null> {
    const attachment = this.deps.cache.attachment(attachmentId)
    if (attachment === null || !attachment.hasThumbnail) return null
    const path = this.deps.folders.thumbnail(attachmentId)
    if (await isFile(path)) return path
    return this.fetch(attachmentId)
  }

  /** Delete cached thumbnails (a tombstone's). */
  async forget(attachmentIds: readonly string[]): Promise<void> {
    for (const id of attachmentIds) await rm(this.deps.folders.thumbnail(id), { force: true })
  }

  stop(): void {
    this.stopped = true
    this.queue.length = 0
    this.controller.abort()
  }

  private pump(): void {
    while (!this.stopped && this.active < CONCURRENCY && this.queue.length > 0) {
      const id = this.queue.pop() as string
      this.active++
      void this.get(id).finally(() => {
        this.active--
        this.pump()
      })
    }
  }

  private fetch(attachmentId: string): Promise<string | null> {
    let running = this.fetching.get(attachmentId)
    if (running === undefined) {
      running = this.download(attachmentId).finally(() => this.fetching.delete(attachmentId))
      this.fetching.set(attachmentId, running)
    }
    return running
  }

  private async download(attachmentId: string): Promise<string | null> {
    if (this.stopped) return null
    const temp = join(this.deps.folders.tmp, `${randomBytes(8).toString('hex')}.thumbnail`)
    try {
      const path = `/api/attachments/${encodeURIComponent(attachmentId)}/thumbnail`
      await downloadFile(this.deps.server, path, temp, { maxBytes: THUMBNAIL_BYTES_MAX, signal: this.controller.signal })
      // Deleted meanwhile (a tombstone arrived): not kept.
      if (this.deps.cache.attachment(attachmentId) === null) {
        await rm(temp, { force: true })
        return null
      }
      const target = this.deps.folders.thumbnail(attachmentId)
      await rename(temp, target)
      return target
    } catch {
      // Offline, or the server has none: nothing to show now; asked again later.
      await rm(temp, { force: true })
      return null
    }
  }
}

async function isFile(path: string): Promise<boolean> {
  const info = await stat(path).catch(() => null)
  return info !== null && info.isFile()
}
