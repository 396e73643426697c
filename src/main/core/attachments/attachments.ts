/**
 * A signed-in account's files (docs/design.md §7.7): the room that owns the
 * attachments folder and its parts — staging (files into the composer),
 * uploads (for the outbox), the download cache, thumbnails, progress
 * reports — and answers the media requests of the renderer. The cache tells
 * it about attachments new (thumbnails to fetch) and gone (a tombstone's
 * files to delete).
 */
import { rm, stat } from 'node:fs/promises'
import { dirname } from 'node:path'
import { LIMITS } from '../../../shared/api'
import { INLINE_IMAGE_TYPES } from '../../../shared/attachment-name'
import { ParleyError, type MediaKind, type Transfer } from '../../../shared/ipc'
import type { ApiClient } from '../api-client'
import type { OutboxAttachment } from '../cache/attachments/attachment-table'
import type { Cache, CachedAttachment } from '../cache/types'
import type { MediaFile } from '../core-api'
import type { CoreLog } from '../log'
import { AttachmentFolders } from './attachment-folders'
import { DownloadCache } from './download-cache'
import { Staging } from './staging'
import { Thumbnails } from './thumbnails'
import { TransferReporter } from './transfer-reporter'
import { Uploads } from './uploads'

export interface AttachmentsOptions {
  cache: Cache
  api: ApiClient
  /** The account's cache database: the attachments folder sits beside it. */
  databasePath: string
  onTransfers(transfers: Transfer[]): void
  /** Files came into the download cache or left it: the views of their messages changed. */
  onFilesChanged(attachmentIds: string[]): void
  /** The download cache's cap in bytes (settings.downloadCacheMiB). */
  downloadCacheBytes(): number
  now(): number
  log: CoreLog
}

/** The last upload limit the server announced, for starts without network. */
const UPLOAD_LIMIT_SETTING = 'attachments.maxUploadBytes'

export class Attachments {
  readonly folders: AttachmentFolders
  readonly staging: Staging
  readonly uploads: Uploads
  readonly downloads: DownloadCache
  readonly thumbnails: Thumbnails
  private readonly transfers: TransferReporter
  private readonly unwatch: () => void
  private uploadLimit: number | null = null
  private limitAsked: Promise<number> | null = null
  private disposed = false

  constructor(private readonly options: AttachmentsOptions) {
    const { cache, api, now } = options
    this.folders = new AttachmentFolders(dirname(options.databasePath))
    this.transfers = new TransferReporter(options.onTransfers, now)
    this.staging = new Staging({ folders: this.folders, maxUploadBytes: () => this.maxUploadBytes(), now })
    this.downloads = new DownloadCache({
      cache,
      folders: this.folders,
      server: api,
      transfers: this.transfers,
      capBytes: options.downloadCacheBytes,
      now,
      onFilesChanged: (ids) => {
        if (!this.disposed) options.onFilesChanged(ids)
      },
    })
    this.thumbnails = new Thumbnails({ cache, folders: this.folders, server: api })
    this.uploads = new Uploads({
      cache,
      server: api,
      transfers: this.transfers,
      downloads: this.downloads,
      maxUploadBytes: () => this.maxUploadBytes(),
      freshUploadLimit: () => this.freshUploadLimit(),
    })
    this.unwatch = cache.watchAttachments((news) => {
      const withThumbnails = news.added.filter((attachment) => attachment.hasThumbnail).map((attachment) => attachment.id)
      if (withThumbnails.length > 0) this.thumbnails.prefetch(withThumbnails)
      if (news.forgotten.length > 0) void this.forget(news.forgotten)
    })
  }

  /** At start: copies from earlier runs that nothing refers to go. */
  async start(): Promise<void> {
    try {
      await this.staging.cleanLeftovers(this.options.cache.outboxFilePaths())
    } catch (err) {
      this.options.log.warn({ err: String(err) }, 'could not clean the attachments outbox folder')
    }
  }

  /**
   * The largest file the server takes: what its /api/config said (asked once
   * per sign-in; the last answer is kept for starts without network), else
   * the default.
   */
  async maxUploadBytes(): Promise<number> {
    if (this.uploadLimit !== null) return this.uploadLimit
    this.limitAsked ??= this.askLimit().catch(() => {
      this.limitAsked = null
      return this.knownLimit()
    })
    // Known from before: no waiting for a slow network.
    return this.options.cache.getSetting(UPLOAD_LIMIT_SETTING) !== undefined ? this.knownLimit() : this.limitAsked
  }

  /** The server's limit asked again now (an upload's connection was cut); rejects when the server cannot be asked. */
  freshUploadLimit(): Promise<number> {
    return this.askLimit()
  }

  private async askLimit(): Promise<number> {
    const config = await this.options.api.config()
    const limit = config.limits?.maxUploadBytes ?? LIMITS.uploadBytesDefault
    this.uploadLimit = limit
    if (!this.disposed) this.options.cache.setSetting(UPLOAD_LIMIT_SETTING, limit)
    return limit
  }

  private knownLimit(): number {
    // Signed out meanwhile (the cache is closed): the default.
    const stored = this.disposed ? undefined : this.options.cache.getSetting(UPLOAD_LIMIT_SETTING)
    return typeof stored === 'number' && stored > 0 ? stored : LIMITS.uploadBytesDefault
  }

  /** An attachment of this account's cache, or not_found. */
  attachment(attachmentId: string): CachedAttachment {
    const attachment = this.options.cache.attachment(attachmentId)
    if (attachment === null) throw new ParleyError('not_found', 'No such file')
    return attachment
  }

  /** Download a file into the cache (nothing when it is there already). */
  async download(attachmentId: string): Promise<string> {
    return this.downloads.ensure(this.attachment(attachmentId))
  }

  /** Run `use` on the whole file (downloaded first when needed), kept from eviction meanwhile. */
  withFile<T>(attachmentId: string, use: (path: string, attachment: CachedAttachment) => Promise<T>): Promise<T> {
    const attachment = this.attachment(attachmentId)
    return this.downloads.using(attachmentId, async () => use(await this.downloads.ensure(attachment), attachment))
  }

  /**
   * What a `/media/<kind>/<id>` path serves (core-api.ts readMedia): only
   * files of this account — a thumbnail of a cached attachment (fetched first
   * when online), a downloaded file, a staged or unsent file of mine. The
   * type is an inline image type or application/octet-stream, nothing else.
   */
  async readMedia(kind: MediaKind, id: string): Promise<MediaFile | null> {
    if (kind === 'thumbnail') {
      const path = await this.thumbnails.get(id)
      return path === null ? null : served(path, 'image/webp')
    }
    if (kind === 'file') {
      const attachment = this.options.cache.attachment(id)
      if (attachment === null) return null
      const path = await this.downloads.cachedPath(id)
      return path === null ? null : served(path, attachment.mime)
    }
    const staged = this.staging.get(id) ?? this.options.cache.outboxFile(id)
    if (staged === null) return null
    const file = await served(staged.path, staged.mime)
    if (file !== null) return file
    // Posted meanwhile: the copy has moved into the download cache.
    const uploaded = 'attachmentId' in staged ? staged.attachmentId : null
    const moved = uploaded === null ? null : await this.downloads.cachedPath(uploaded)
    return moved === null ? null : served(moved, staged.mime)
  }

  /** Delete the copies of an unsent message's files (cancelled or discarded). */
  async deleteCopies(files: readonly OutboxAttachment[]): Promise<void> {
    for (const file of files) await rm(file.path, { force: true }).catch(() => undefined)
  }

  /** A tombstone's files and thumbnails leave the disk: deleted means gone. */
  private async forget(attachmentIds: readonly string[]): Promise<void> {
    try {
      await this.downloads.forget(attachmentIds)
      await this.thumbnails.forget(attachmentIds)
    } catch (err) {
      this.options.log.warn({ err: String(err) }, 'could not delete the files of a deleted message')
    }
  }

  dispose(): void {
    this.disposed = true
    this.unwatch()
    this.thumbnails.stop()
    this.downloads.abortAll()
    this.staging.dispose()
    this.transfers.dispose()
  }
}

async function served(path: string, mime: string): Promise<MediaFile | null> {
  const info = await stat(path).catch(() => null)
  if (info === null || !info.isFile()) return null
  return { path, mime: INLINE_IMAGE_TYPES.has(mime) ? mime : 'application/octet-stream', size: info.size }
}
