/**
 * The built renderer is served from `app://parley/`, a privileged custom
 * scheme, instead of `file://` (Electron's security checklist, item 18): a
 * page on file:// may read any file on the machine, this scheme serves only
 * the files of the built renderer directory. Registered `standard` (relative
 * URLs resolve, the page has an origin) and `secure` (a secure context, like
 * https); no `bypassCSP`, no `corsEnabled`. Every document carries the
 * Content-Security-Policy header.
 */
import { readFile } from 'node:fs/promises'
import { extname, isAbsolute, relative, resolve } from 'node:path'
import { protocol } from 'electron'
import { CONTENT_SECURITY_POLICY } from './content-security-policy'
import { isMediaRequest, mediaResponse, type MediaSource } from './media-protocol'

export const APP_SCHEME = 'app'
export const APP_HOST = 'parley'
export const RENDERER_ENTRY_URL = `${APP_SCHEME}://${APP_HOST}/index.html`

/** Module scripts are refused unless served as JavaScript; the rest is what a Vite build emits. */
const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
}

/** Once, before the app is ready (Electron's rule for privileged schemes). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true } }])
}

/**
 * After ready: answer app:// requests from `directory` (the built renderer),
 * and `/media/…` from the core's attachment cache (media-protocol.ts).
 * Returns the undo.
 */
export function serveRenderer(directory: string, media: MediaSource = () => null): () => void {
  protocol.handle(APP_SCHEME, (request) => {
    const url = new URL(request.url)
    if (url.host === APP_HOST && isMediaRequest(url)) return mediaResponse(media, request)
    return rendererResponse(directory, request)
  })
  return () => protocol.unhandle(APP_SCHEME)
}

/** The response to one app:// request: a file under `directory`, or an error status — never a file outside it. */
export async function rendererResponse(directory: string, request: Request): Promise<Response> {
  if (request.method !== 'GET' && request.method !== 'HEAD') return status(405)
  const url = new URL(request.url)
  if (url.host !== APP_HOST) return status(404)
  const file = fileFor(directory, url.pathname)
  if (file === null) return status(404)
  let body: Buffer
  try {
    body = await readFile(file)
  } catch {
    return status(404)
  }
  const type = CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream'
  const headers: Record<string, string> = { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' }
  if (type.startsWith('text/html')) headers['Content-Security-Policy'] = CONTENT_SECURITY_POLICY
  return new Response(request.method === 'HEAD' ? null : new Uint8Array(body), { status: 200, headers })
}

/**
 * The file a URL path names inside `directory`, or null when it would leave
 * it — `..` segments, encoded (`%2e%2e`, `%2f`, `%5c`) or not, and absolute
 * or drive-letter paths all resolve outside and are refused.
 */
export function fileFor(directory: string, pathname: string): string | null {
  let path: string
  try {
    path = decodeURIComponent(pathname)
  } catch {
    return null
  }
  if (path.includes('\0')) return null
  if (path === '/' || path === '') path = '/index.html'
  const root = resolve(directory)
  const file = resolve(root, `.${path.startsWith('/') ? '' : '/'}${path}`)
  const inside = relative(root, file)
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return null
  return file
}

function status(code: 404 | 405): Response {
  return new Response(null, { status: code, headers: { 'X-Content-Type-Options': 'nosniff' } })
}
