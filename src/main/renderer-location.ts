/**
 * Where the renderer is loaded from, and whether a URL belongs to it. IPC
 * handlers trust only documents at this location.
 *
 * - Built (always when packaged): `app://parley/index.html`, served from the
 *   built renderer directory by app-protocol.ts. One exact origin, the same
 *   on every OS — no `file://` URL to rebuild from a path.
 * - Development (`npm run dev`, never when packaged): the Vite dev server at
 *   ELECTRON_RENDERER_URL. An installed app ignores that variable, so setting
 *   it cannot make Parley load, and trust, another origin.
 */
import { APP_HOST, APP_SCHEME, RENDERER_ENTRY_URL } from './app-protocol'

export type RendererLocation = { kind: 'url'; url: string } | { kind: 'app'; directory: string }

export interface RendererPlace {
  isPackaged: boolean
  /** ELECTRON_RENDERER_URL, set by electron-vite's dev server. */
  devUrl: string | undefined
  /** The built renderer (out/renderer). */
  directory: string
}

export function rendererLocation({ isPackaged, devUrl, directory }: RendererPlace): RendererLocation {
  return !isPackaged && devUrl ? { kind: 'url', url: devUrl } : { kind: 'app', directory }
}

/** The document the window opens. */
export function rendererEntryUrl(location: RendererLocation): string {
  return location.kind === 'url' ? location.url : RENDERER_ENTRY_URL
}

/** True for a URL on the renderer's origin: app://parley, or the dev server's origin in development. */
export function isRendererUrl(location: RendererLocation, candidate: string): boolean {
  let url: URL
  try {
    url = new URL(candidate)
  } catch {
    return false
  }
  if (location.kind === 'url') return url.origin === new URL(location.url).origin && url.origin !== 'null'
  // Node gives custom schemes an opaque origin ('null'), so compare its parts.
  return url.protocol === `${APP_SCHEME}:` && url.host === APP_HOST && url.username === '' && url.password === ''
}
