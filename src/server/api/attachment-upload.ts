/**
 * POST /api/attachments (docs/design.md §4.5): one file in the multipart
 * field `file`, streamed to a temp file (spool.ts), its type sniffed from the
 * content, images cleaned and thumbnailed (images.ts), then the file and its
 * thumbnail put into the BlobStore and the row stored. Whatever fails, the
 * temp files are removed and nothing is kept: blob keys are reserved in the
 * deletion queue before the puts, and only the row's transaction takes them
 * off it.
 */
import { stat } from 'node:fs/promises'
import type { FastifyRequest } from 'fastify'
import { ErrorCodes, type Attachment } from '../../shared/api'
import { attachmentName, INLINE_IMAGE_TYPES } from '../../shared/attachment-name'
import { cleanImage, UnsupportedImage } from '../attachments/images'
import { sniffType } from '../attachments/sniff'
import { measureFile, removeFiles, spool, tempPath, UploadTooLarge, type Spooled } from '../attachments/spool'
import { newId } from '../store/ids'
import type { ApiContext, UploadRefusal } from './context'
import { ApiError } from './errors'

/** How long reserved keys wait for their row before the sweeper may delete them. */
const RESERVATION_MS = 60 * 60 * 1000

/** The multipart parts besides the file's bytes: its headers and boundaries. */
export const MULTIPART_OVERHEAD_BYTES = 64 * 1024

export class UploadRefused extends ApiError {
  constructor(
    status: number,
    code: (typeof ErrorCodes)[keyof typeof ErrorCodes],
    message: string,
    readonly reason: UploadRefusal,
  ) {
    super(status, code, message)
  }
}

export const tooLarge = (maxBytes: number) =>
  new UploadRefused(413, ErrorCodes.tooLarge, `The file is larger than this server accepts (${maxBytes} bytes)`, 'too_large')

const malformed = (message: string) => new UploadRefused(400, ErrorCodes.badRequest, message, 'malformed')

const ONE_FILE = 'Send exactly one file, in the multipart/form-data field "file", and nothing else'

/**
 * A file name as sent, before attachmentName() cuts it to 255 characters:
 * longer than this is no name anyone typed (busboy also cuts part headers at
 * MULTIPART_HEADER_BYTES, and a cut header must not pass as a good one).
 */
const RAW_NAME_MAX = 1024
export const MULTIPART_HEADER_BYTES = 16 * 1024

/** A failure while reading the multipart body, as the refusal a client gets; null for the server's own faults. */
function refusalFor(err: unknown, maxBytes: number): ApiError | null {
  if (err instanceof ApiError) return err
  if (err instanceof UploadTooLarge) return tooLarge(maxBytes)
  const code = (err as { code?: unknown } | null)?.code
  switch (code) {
    case 'FST_REQ_FILE_TOO_LARGE':
      return tooLarge(maxBytes)
    case 'FST_PARTS_LIMIT':
    case 'FST_FILES_LIMIT':
    case 'FST_FIELDS_LIMIT':
    case 'FST_PROTO_VIOLATION':
      return malformed(ONE_FILE)
    case 'FST_MP_PREMATURE_CLOSE':
    case 'ERR_STREAM_PREMATURE_CLOSE':
    case 'ECONNRESET':
      return malformed('The upload ended before the multipart body was complete')
    case undefined:
      // busboy's parse errors carry no code: "Unexpected end of form", "Malformed part header", …
      return err instanceof Error ? malformed(`Malformed multipart body: ${err.message.slice(0, 200)}`) : null
    default:
      return null
  }
}

/** Read the single file part into a temp file; then the body must end with no other part. */
async function receiveFile(ctx: ApiContext, request: FastifyRequest): Promise<{ spooled: Spooled; filename: string }> {
  const { maxUploadBytes, tmpDir } = ctx.attachments
  let received: { spooled: Spooled; filename: string } | null = null
  try {
    for await (const part of request.parts()) {
      if (part.type !== 'file' || part.fieldname !== 'file' || received !== null) throw malformed(ONE_FILE)
      if ((part.filename ?? '').length > RAW_NAME_MAX) throw malformed(`The file name is longer than ${RAW_NAME_MAX} characters`)
      received = { spooled: await spool(part.file, tmpDir, maxUploadBytes), filename: part.filename ?? '' }
    }
  } catch (err) {
    if (received !== null) await removeFiles([received.spooled.path])
    throw refusalFor(err, maxUploadBytes) ?? err
  }
  if (received === null) throw malformed(`No file: ${ONE_FILE}`)
  return received
}

/** The file name with a new extension (an image served in another format than uploaded). */
function withExtension(name: string, extension: string): string {
  const dot = name.lastIndexOf('.')
  return attachmentName(`${dot > 0 ? name.slice(0, dot) : name}${extension}`)
}

export async function receiveUpload(ctx: ApiContext, request: FastifyRequest, uploaderId: string): Promise<Attachment> {
  const { blobs, reaper, tmpDir } = ctx.attachments
  const { spooled, filename } = await receiveFile(ctx, request)
  const temps: string[] = [spooled.path]
  let reserved: string[] = []
  let stored = false
  try {
    const sniffed = await sniffType(spooled)
    let name = attachmentName(filename)
    let served = { path: spooled.path, size: spooled.size, sha256: spooled.sha256, mime: sniffed }
    let image: { width: number; height: number; thumbnailPath: string; thumbnailSize: number } | null = null
    if (INLINE_IMAGE_TYPES.has(sniffed)) {
      const output = await tempPath(tmpDir, '.image')
      const thumbnail = await tempPath(tmpDir, '.thumb')
      temps.push(output, thumbnail)
      let cleaned
      try {
        cleaned = await cleanImage(spooled.path, sniffed, output, thumbnail)
      } catch (err) {
        if (err instanceof UnsupportedImage) throw new UploadRefused(400, ErrorCodes.unsupportedImage, err.message, err.reason)
        throw err
      }
      if (cleaned !== null) {
        if (cleaned.path !== spooled.path) served = { path: cleaned.path, mime: cleaned.mime, ...(await measureFile(cleaned.path)) }
        if (cleaned.newExtension !== null) name = withExtension(name, cleaned.newExtension)
        // Only its size: the thumbnail's bytes are not hashed (no ETag of its own is made from them).
        const thumbnailSize = (await stat(cleaned.thumbnailPath)).size
        image = { width: cleaned.width, height: cleaned.height, thumbnailPath: cleaned.thumbnailPath, thumbnailSize }
      }
    }

    const id = newId('a')
    const blobKey = id
    const thumbnailKey = image === null ? null : `${id}.thumb`
    reserved = thumbnailKey === null ? [blobKey] : [blobKey, thumbnailKey]
    const now = ctx.now()
    await ctx.store.reserveBlobKeys(reserved, now + RESERVATION_MS)
    try {
      await blobs.putFile(blobKey, served.path, served.size)
      if (image !== null && thumbnailKey !== null) await blobs.putFile(thumbnailKey, image.thumbnailPath, image.thumbnailSize)
    } catch (err) {
      ctx.metrics?.blobStoreError('put')
      throw err
    }
    await ctx.store.createAttachment({
      id,
      uploaderId,
      name,
      size: served.size,
      mime: served.mime,
      width: image?.width ?? null,
      height: image?.height ?? null,
      hasThumbnail: image !== null,
      sha256: served.sha256,
      blobKey,
      thumbnailKey,
      thumbnailSize: image?.thumbnailSize ?? null,
      createdAt: now,
    })
    stored = true
    ctx.metrics?.uploadStored(spooled.size)
    return { id, name, size: served.size, mime: served.mime, width: image?.width ?? null, height: image?.height ?? null, hasThumbnail: image !== null }
  } finally {
    await removeFiles(temps)
    // Put but never recorded: delete now (a failure stays queued for the sweeper).
    if (!stored && reserved.length > 0) await reaper.reap(reserved)
  }
}

/** Refuse before reading when Content-Length already says the file cannot fit. */
export function checkAnnouncedLength(request: FastifyRequest, maxBytes: number): void {
  const announced = Number(request.headers['content-length'] ?? NaN)
  if (Number.isFinite(announced) && announced > maxBytes + MULTIPART_OVERHEAD_BYTES) throw tooLarge(maxBytes)
}

