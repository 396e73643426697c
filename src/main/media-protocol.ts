/**
 * Attachment bytes for the renderer (docs/design.md §7.7). The renderer never
 * talks to the server: images and files reach it as same-origin `/media/…`
 * paths (ipc.ts mediaPath), answered here from the core's cache — under
 * app://parley in production, so the CSP's `img-src 'self'` covers them and
 * nothing broader is allowed; on the Vite dev server's origin in development.
 */
import { createReadStream } from 'node:fs'
import { Readable } from 'node:stream'
import { net, protocol } from 'electron'
import type { MediaFile } from './core/core-api'
import { MEDIA_PATH_PREFIX, parseMediaPath, type MediaKind } from '../shared/ipc'

/** What this needs of the core; null until the core has started. */
export type MediaSource = () => { readMedia(kind: MediaKind, id: string): Promise<MediaFile | null> } | null

/** Whether a request on the renderer's origin is for `/media/…` (answered by mediaResponse, not by the renderer's files). */
export const isMediaRequest = (url: URL): boolean => url.pathname.startsWith(MEDIA_PATH_PREFIX)

/**
 * The response to one `/media/…` request: the file the core names, streamed,
 * or 404 for anything the core does not serve (unknown, not downloaded,
 * offline). The type is the core's: inline image types only, else
 * application/octet-stream; `nosniff` so nothing else is guessed, no caching
 * (a deleted message's picture must not outlive it), and a sandbox CSP in
 * case a file is ever opened as a document.
 */
export async function mediaResponse(source: MediaSource, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return empty(405)
  const target = parseMediaPath(new URL(request.url).pathname)
  const core = source()
  if (target === null || core === null) return empty(404)
  let file: MediaFile | null
  try {
    file = await core.readMedia(target.kind, target.id)
  } catch {
    file = null
  }
  if (file === null) return empty(404)
  const headers = {
    'Content-Type': file.mime,
    'Content-Length': String(file.size),
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-store',
    'Content-Security-Policy': 'sandbox',
    'Cross-Origin-Resource-Policy': 'same-origin',
  }
  if (request.method === 'HEAD') return new Response(null, { status: 200, headers })
  const body = Readable.toWeb(createReadStream(file.path)) as ReadableStream<Uint8Array>
  return new Response(body, { status: 200, headers })
}

/**
 * Development only: the renderer comes from Vite's dev server over http, so
 * its `/media/…` requests go there. Intercept http for that one origin's
 * media paths and pass every other request on untouched. Returns the undo.
 */
export function serveDevMedia(devUrl: string, source: MediaSource): () => void {
  const origin = new URL(devUrl).origin
  protocol.handle('http', (request) => {
    const url = new URL(request.url)
    if (url.origin === origin && isMediaRequest(url)) return mediaResponse(source, request)
    return net.fetch(request, { bypassCustomProtocolHandlers: true })
  })
  return () => protocol.unhandle('http')
}

function empty(code: 404 | 405): Response {
  return new Response(null, { status: code, headers: { 'X-Content-Type-Options': 'nosniff' } })
}
