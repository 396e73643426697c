/**
 * Attachments (docs/design.md §4.5): upload, download, thumbnail. Multipart
 * parsing is registered in this scope only; every other route keeps refusing
 * multipart bodies.
 */
import multipart from '@fastify/multipart'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import { pipeline, Transform, type Readable } from 'node:stream'
import { ErrorCodes } from '../../../shared/api'
import { contentDisposition, entityTag, parseRange, servedType } from '../../attachments/serving'
import { BlobNotFound } from '../../blobs/blob-store'
import { readableAttachment } from '../attachment-access'
import { checkAnnouncedLength, MULTIPART_HEADER_BYTES, receiveUpload, UploadRefused } from '../attachment-upload'
import { currentUser } from '../authenticate'
import type { ApiContext } from '../context'
import { ApiError, notFound } from '../errors'

interface IdParams {
  id: string
}

/** Attachments never change under their id: clients may keep them. */
const CACHE = 'private, max-age=31536000, immutable'

interface Served {
  key: string
  size: number
  type: string
  etag: string
  disposition: string | null
  what: 'file' | 'thumbnail'
}

export function attachmentRoutes(ctx: ApiContext) {
  const { maxUploadBytes } = ctx.attachments

  /** After a refusal, nobody reads the body any more: let it drain (lingering-close.ts caps a 413's wait). */
  function abandonBody(request: FastifyRequest, reply: FastifyReply, status: number): void {
    request.raw.unpipe()
    request.raw.resume()
    if (status === 413) void reply.header('connection', 'close')
  }

  async function serve(request: FastifyRequest, reply: FastifyReply, served: Served) {
    void reply
      .header('content-type', served.type)
      .header('x-content-type-options', 'nosniff')
      .header('content-security-policy', 'sandbox')
      .header('accept-ranges', 'bytes')
      .header('etag', served.etag)
      .header('cache-control', CACHE)
    if (served.disposition !== null) void reply.header('content-disposition', served.disposition)
    if (request.headers['if-none-match'] === served.etag) return reply.code(304).send()
    const ifRange = request.headers['if-range']
    const range = ifRange === undefined || ifRange === served.etag ? parseRange(request.headers.range, served.size) : ({ kind: 'whole' } as const)
    if (range.kind === 'unsatisfiable') {
      return reply
        .code(416)
        .header('content-range', `bytes */${served.size}`)
        .header('content-type', 'application/json; charset=utf-8')
        .send({ error: { code: ErrorCodes.badRequest, message: `The range is outside the file (${served.size} bytes)` } })
    }
    let stream: Readable
    try {
      stream = await ctx.attachments.blobs.get(served.key, range.kind === 'partial' ? { start: range.start, end: range.end } : undefined)
    } catch (err) {
      ctx.metrics?.blobStoreError('get')
      if (err instanceof BlobNotFound) {
        request.log.error({ key: served.key }, 'attachment blob missing from the store')
        throw notFound('No attachment here any more')
      }
      throw err
    }
    stream.once('error', (err) => {
      ctx.metrics?.blobStoreError('get')
      request.log.warn({ err, key: served.key }, 'attachment stream failed')
    })
    // pipeline: a client that goes away also closes the blob's stream (a file handle, an S3 socket).
    const counted = pipeline(stream, countBytes((bytes) => ctx.metrics?.attachmentBytesServed(served.what, bytes)), () => undefined)
    if (range.kind === 'partial') {
      return reply
        .code(206)
        .header('content-range', `bytes ${range.start}-${range.end}/${served.size}`)
        .header('content-length', range.end - range.start + 1)
        .send(counted)
    }
    return reply.code(200).header('content-length', served.size).send(counted)
  }

  return async (app: FastifyInstance) => {
    // headerSize is @fastify/busboy's (the plugin's types leave it out): part headers past it are cut.
    const limits = {
      // One more byte than allowed reaches the spool, which then refuses the upload (spool.ts).
      fileSize: maxUploadBytes + 1,
      files: 1,
      fields: 0,
      parts: 1,
      headerPairs: 16,
      headerSize: MULTIPART_HEADER_BYTES,
      fieldNameSize: 100,
    }
    // 1 MiB chunks from busboy instead of its 16 KiB default: a sixty-fourth of the per-chunk work (hash, count, write) on a big file.
    await app.register(multipart, { limits, fileHwm: 1024 * 1024 })

    app.post(
      '/api/attachments',
      {
        config: {
          rateLimit: {
            hook: 'preHandler' as const,
            max: ctx.attachments.uploadsPerMinute,
            timeWindow: 60_000,
            groupId: 'upload',
            keyGenerator: (request: FastifyRequest) => request.user?.id ?? request.ip,
            onExceeded: (request: FastifyRequest) => {
              ctx.metrics?.uploadRefused('rate_limited')
              request.raw.resume()
            },
          },
        },
      },
      async (request, reply) => {
        const me = currentUser(request)
        try {
          checkAnnouncedLength(request, maxUploadBytes)
          if (!request.isMultipart()) {
            throw new UploadRefused(415, ErrorCodes.badRequest, 'Send the file as multipart/form-data, in the field "file"', 'malformed')
          }
          const attachment = await receiveUpload(ctx, request, me.id)
          return await reply.code(201).send(attachment)
        } catch (err) {
          if (err instanceof UploadRefused) ctx.metrics?.uploadRefused(err.reason)
          if (err instanceof ApiError || !request.raw.complete) abandonBody(request, reply, err instanceof ApiError ? err.status : 500)
          throw err
        }
      },
    )

    app.get<{ Params: IdParams }>('/api/attachments/:id', async (request, reply) => {
      const me = currentUser(request)
      const attachment = await readableAttachment(ctx, request.params.id, me.id)
      return serve(request, reply, {
        key: attachment.blobKey,
        size: attachment.size,
        type: servedType(attachment.mime),
        etag: entityTag(attachment.sha256),
        disposition: contentDisposition(attachment.name),
        what: 'file',
      })
    })

    app.get<{ Params: IdParams }>('/api/attachments/:id/thumbnail', async (request, reply) => {
      const me = currentUser(request)
      const attachment = await readableAttachment(ctx, request.params.id, me.id)
      if (attachment.thumbnailKey === null || attachment.thumbnailSize === null) {
        throw notFound(`Attachment ${attachment.id} has no thumbnail`)
      }
      return serve(request, reply, {
        key: attachment.thumbnailKey,
        size: attachment.thumbnailSize,
        type: 'image/webp',
        etag: entityTag(attachment.sha256, 'thumbnail-'),
        disposition: null,
        what: 'thumbnail',
      })
    })
  }
}

/** Reports the bytes that went through, once the stream ends or is torn down. */
function countBytes(report: (bytes: number) => void): Transform {
  let bytes = 0
  let reported = false
  const once = () => {
    if (reported) return
    reported = true
    report(bytes)
  }
  const counter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      bytes += chunk.length
      done(null, chunk)
    },
    flush(done) {
      once()
      done()
    },
  })
  counter.on('close', once)
  return counter
}
