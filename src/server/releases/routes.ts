/**
 * The desktop app's releases, from RELEASES_DIR (docs/distribution.md):
 * - `GET /updates/<file>`: the folder's files for electron-updater's generic
 *   provider, through @fastify/send (Range, ETag, Last-Modified, HEAD), plus
 *   several ranges in one answer (byte-ranges.ts). Feeds are revalidated on
 *   every request, so a new release reaches every app at once; every other
 *   file is immutable under its name (publish-release refuses to change one).
 * - `GET /download`: the page people install from (download-page.ts).
 * Neither needs a sign-in — signed-out apps update too — and both count
 * against one budget per client address.
 */
import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import rateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import { ErrorCodes } from '../../shared/api'
import { contentDisposition } from '../attachments/serving'
import { multipartByteRanges, multipleRanges } from './byte-ranges'
import { DOWNLOAD_PAGE_CSP, renderDownloadPage } from './download-page'
import { isFeedName } from './feed'
import { fileInFolder, readReleaseFolder, type ReleaseFolder } from './release-folder'
import { pageLanguage, visitorOs } from './visitor'

export interface ReleaseRoutesOptions {
  /** RELEASES_DIR. */
  dir: string
  /** Requests a minute per client address (RELEASES_RATE_LIMIT). */
  perMinute: number
  log: Logger
}

const FEED_TYPE = 'application/yaml'
const FILE_TYPE = 'application/octet-stream'
const IMMUTABLE = 'public, max-age=31536000, immutable'
const CONDITIONAL = ['if-range', 'if-match', 'if-none-match', 'if-modified-since', 'if-unmodified-since']

export function releaseRoutes(options: ReleaseRoutesOptions) {
  const dir = resolve(options.dir)
  const log = options.log
  /** The problem last logged for each unreadable feed: one warning per new problem, not one per visit. */
  const reported = new Map<string, string>()

  return async (app: FastifyInstance) => {
    await app.register(rateLimit, { max: options.perMinute, timeWindow: 60_000 })
    // No `root`: every file goes through fileInFolder first, then sendFile with the folder.
    await app.register(fastifyStatic, { serve: false, setHeaders: (reply, path) => fileHeaders(reply, path.slice(path.lastIndexOf('/') + 1)) })
    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode ?? 500
      if (status >= 500) request.log.error({ err: error }, 'releases: request failed')
      // A 416 says how long the file is (Content-Range: bytes */size); @fastify/send puts that on the error.
      const { headers } = error as FastifyError & { headers?: Record<string, string> }
      if (status < 500 && headers !== undefined) void reply.headers(headers)
      const code = status === 429 ? ErrorCodes.rateLimited : status === 416 ? ErrorCodes.badRequest : status >= 500 ? ErrorCodes.internal : ErrorCodes.badRequest
      void reply.code(status).send({ error: { code, message: status >= 500 ? 'Internal error' : error.message } })
    })

    app.get('/updates/*', async (request, reply) => {
      const name = (request.params as Record<string, string | undefined>)['*'] ?? ''
      const path = await fileInFolder(dir, name)
      if (path === null) return reply.code(404).send({ error: { code: ErrorCodes.notFound, message: 'No such file in this server’s releases' } })
      const several = request.method === 'GET' && !isFeedName(name) && !CONDITIONAL.some((header) => header in request.headers)
      if (several) {
        const info = await stat(path)
        const ranges = multipleRanges(request.headers.range, info.size)
        if (ranges !== null) {
          const { contentType, contentLength, body } = multipartByteRanges(path, info.size, ranges, FILE_TYPE)
          fileHeaders(reply, name)
          return reply
            .code(206)
            .header('Accept-Ranges', 'bytes')
            .header('ETag', `W/"${info.size.toString(16)}-${info.mtime.getTime().toString(16)}"`)
            .header('Last-Modified', info.mtime.toUTCString())
            .header('Content-Type', contentType)
            .header('Content-Length', contentLength)
            .send(body)
        }
      }
      return reply.sendFile(name, dir, { contentType: false, cacheControl: false, dotfiles: 'deny', index: false })
    })

    app.get('/download', async (request, reply) => {
      const lang = pageLanguage((request.query as Record<string, unknown>).lang, request.headers['accept-language'])
      const page = renderDownloadPage(await readFolder(request), { os: visitorOs(request.headers['user-agent']), lang })
      return reply
        .code(page.status)
        .header('Content-Type', 'text/html; charset=utf-8')
        .header('Content-Security-Policy', DOWNLOAD_PAGE_CSP)
        .header('X-Frame-Options', 'DENY')
        .header('Referrer-Policy', 'no-referrer')
        .header('Cache-Control', 'no-cache')
        .header('Vary', 'Accept-Language, User-Agent')
        .send(page.html)
    })
  }

  /** The folder as the page shows it; a folder that cannot be listed reads as an unreadable release. */
  async function readFolder(request: FastifyRequest): Promise<ReleaseFolder> {
    let folder: ReleaseFolder
    try {
      folder = await readReleaseFolder(dir)
    } catch (err) {
      request.log.error({ err, dir }, 'releases: cannot list the releases folder')
      return { feeds: [], unreadable: [{ feed: 'latest.yml', problem: (err as Error).message }] }
    }
    for (const { feed } of folder.feeds) reported.delete(feed)
    for (const { feed, problem } of folder.unreadable) {
      if (reported.get(feed) === problem) continue
      reported.set(feed, problem)
      log.warn({ feed, problem, dir }, 'releases: a feed cannot be read; GET /download leaves its OS out')
    }
    return folder
  }
}

/** Feeds: always revalidated. Everything else: the bytes never change under that name, and they download as files. */
function fileHeaders(reply: FastifyReply, name: string): void {
  if (isFeedName(name)) {
    reply.header('Content-Type', FEED_TYPE).header('Cache-Control', 'no-cache')
    return
  }
  reply.header('Content-Type', FILE_TYPE).header('Cache-Control', IMMUTABLE).header('Content-Disposition', contentDisposition(name))
}
