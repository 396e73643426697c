/**
 * The uploads of the outbox (docs/design.md §7.2, §7.7): before a message
 * with files is posted, each of its files not uploaded yet goes to
 * `POST /api/attachments`, one after another in the message's order,
 * streamed from its private copy. Each id the server returns is written to
 * the file's outbox row at once, so after a restart (or a failure of a later
 * file) only what is missing is uploaded again. A file cut off mid-stream
 * starts again from its first byte at the outbox's next attempt. An upload
 * whose answer was lost after the server stored it leaves an orphan the
 * server deletes after 24 h (§4.1); the retry uploads a second copy.
 *
 * Refusals are put into words here (too large, a type or image the server
 * does not take), as HttpErrors that the outbox turns into a failed message.
 */
import { stat } from 'node:fs/promises'
import type { Message } from '../../../shared/api'
import type { ChatMessage } from '../../../shared/ipc'
import { HttpError, isRetryable, NetworkError } from '../api-client'
import type { OutboxAttachment } from '../cache/attachments/attachment-table'
import type { Cache } from '../cache/types'
import { isAbort, LocalFileError, uploadFile, type AttachmentServer } from './attachment-http'
import type { DownloadCache } from './download-cache'
import { formatBytes } from './staging'
import type { TransferReporter } from './transfer-reporter'

export interface UploadsDeps {
  cache: Cache
  server: AttachmentServer
  transfers: TransferReporter
  downloads: DownloadCache
  /** The server's limit, for the words of a 413. */
  maxUploadBytes(): Promise<number>
  /**
   * The server's limit asked again (GET /api/config). A server refuses a file over its limit before
   * reading it — 413, then it closes the connection — and a client still writing the file can lose
   * that answer to the broken pipe: a connection cut during an upload asks whether the file is over
   * the limit now (an admin may have lowered it since the sign-in asked).
   */
  freshUploadLimit(): Promise<number>
}

/** What the outbox asks of its uploads. */
export interface OutboxUploads {
  /** Upload the files of `message` not uploaded yet; rejects with the first failure. */
  run(message: ChatMessage, files: readonly OutboxAttachment[]): Promise<void>
  /** Stop the uploads of a message (cancel) and wait until they have stopped. */
  abort(conversationId: string, clientId: string): Promise<void>
  /** Stop every upload (sign-out, quit); the next start resumes them. */
  abortAll(): Promise<void>
  /** The message was posted: its copies move into the download cache (they open offline). */
  posted(files: readonly OutboxAttachment[], sent: Message): Promise<void>
}

export class Uploads implements OutboxUploads {
  private readonly running = new Map<string, { controller: AbortController; done: Promise<void> }>()

  constructor(private readonly deps: UploadsDeps) {}

  run(message: ChatMessage, files: readonly OutboxAttachment[]): Promise<void> {
    const key = `${message.conversationId}:${message.clientId}`
    const existing = this.running.get(key)
    if (existing !== undefined) return existing.done
    const controller = new AbortController()
    const done = this.uploadAll(message, files, controller.signal).finally(() => this.running.delete(key))
    this.running.set(key, { controller, done })
    return done
  }

  async abort(conversationId: string, clientId: string): Promise<void> {
    const running = this.running.get(`${conversationId}:${clientId}`)
    if (running === undefined) return
    running.controller.abort()
    await running.done.catch(() => undefined)
  }

  async abortAll(): Promise<void> {
    const all = [...this.running.values()]
    all.forEach((running) => running.controller.abort())
    await Promise.all(all.map((running) => running.done.catch(() => undefined)))
  }

  async posted(files: readonly OutboxAttachment[], sent: Message): Promise<void> {
    for (const file of files) {
      if (file.attachmentId === null || !sent.attachments.some((a) => a.id === file.attachmentId)) continue
      // Sent again after a lost answer: the copy has moved already.
      if ((await stat(file.path).catch(() => null)) === null) continue
      await this.deps.downloads.adopt(file.attachmentId, file.path, file.size).catch(() => undefined)
    }
  }

  private async uploadAll(message: ChatMessage, files: readonly OutboxAttachment[], signal: AbortSignal): Promise<void> {
    for (const file of files) {
      if (file.attachmentId !== null) continue
      const report = (loaded: number, state: 'active' | 'done' | 'failed' | 'cancelled', error: string | null = null) =>
        this.deps.transfers.update({
          direction: 'upload',
          id: file.stagedId,
          conversationId: message.conversationId,
          messageKey: message.key,
          loaded,
          total: file.size,
          state,
          error,
        })
      let sent = 0
      report(0, 'active')
      try {
        const attachment = await uploadFile(
          this.deps.server,
          file,
          (bytes) => {
            sent = bytes
            report(bytes, 'active')
          },
          signal,
        )
        this.deps.cache.markUploaded(file.stagedId, attachment.id)
        report(file.size, 'done')
      } catch (err) {
        if (isAbort(err) || signal.aborted) {
          report(sent, 'cancelled')
          throw err
        }
        const refusal = (await this.overLimit(err, file)) ?? (await this.inWords(err, file.name))
        // Retried later (the network, the server busy): the bar starts again.
        if (refusal === null) report(0, 'active')
        else report(sent, 'failed', refusal.message)
        throw refusal ?? err
      }
    }
  }

  /** After a connection cut mid-upload: a refusal in words when the file is over the server's limit as it is now. */
  private async overLimit(err: unknown, file: OutboxAttachment): Promise<Error | null> {
    if (!(err instanceof NetworkError)) return null
    const limit = await this.deps.freshUploadLimit().catch(() => null)
    if (limit === null || file.size <= limit) return null
    return new HttpError(413, 'payload_too_large', `"${file.name}" is too large: the server takes files up to ${formatBytes(limit)}`)
  }

  /** A refusal for good as an error in words; null when the upload is worth trying again. */
  private async inWords(err: unknown, name: string): Promise<Error | null> {
    if (err instanceof LocalFileError) return err
    if (!(err instanceof HttpError) || isRetryable(err)) return null
    if (err.status === 413) {
      return new HttpError(413, err.code, `"${name}" is too large: the server takes files up to ${formatBytes(await this.deps.maxUploadBytes())}`)
    }
    if (err.status === 415) return new HttpError(415, err.code, `"${name}" is a type of file the server does not accept`)
    if (err.code === 'unsupported_image') {
      return new HttpError(err.status, err.code, `"${name}" is an image the server cannot take (too many pixels, or not readable)`)
    }
    return new HttpError(err.status, err.code, `"${name}" was refused: ${err.message}`)
  }
}
