/**
 * Where the renderer is loaded from — the Vite dev server in `npm run dev`,
 * the built index.html otherwise — and whether a URL belongs to it. IPC
 * handlers and the CSP header trust only documents at this location.
 */
import { pathToFileURL } from 'node:url'

export type RendererLocation = { kind: 'url'; url: string } | { kind: 'file'; path: string }

export function rendererLocation(devUrl: string | undefined, indexHtmlPath: string): RendererLocation {
  return devUrl ? { kind: 'url', url: devUrl } : { kind: 'file', path: indexHtmlPath }
}

/** True for the renderer's document itself (query and hash ignored) or, in dev, anything on the dev server's origin. */
export function isRendererUrl(location: RendererLocation, candidate: string): boolean {
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return false
  }
  if (location.kind === 'url') return url.origin === new URL(location.url).origin && url.origin !== 'null'
  url.search = ''
  url.hash = ''
  return url.href === pathToFileURL(location.path).href
}
