/**
 * What the renderer's session allows. The Content-Security-Policy is sent as
 * a response header for the renderer's documents; index.html carries the same
 * policy in a meta tag (a test keeps the two equal), and the header adds what
 * a meta tag cannot: `frame-ancestors`. The renderer needs no network —
 * pusher and the REST client live in main — so nothing beyond 'self' is
 * allowed. Permission requests are denied but for the clipboard.
 */
import type { Session } from 'electron'
import { isRendererUrl, type RendererLocation } from './renderer-location'

export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export function enforceContentSecurityPolicy(session: Session, renderer: RendererLocation): void {
  session.webRequest.onHeadersReceived((details, callback) => {
    const isDocument = details.resourceType === 'mainFrame' || details.resourceType === 'subFrame'
    if (!isDocument || !isRendererUrl(renderer, details.url)) {
      callback({})
      return
    }
    const headers = Object.fromEntries(
      Object.entries(details.responseHeaders ?? {}).filter(([name]) => name.toLowerCase() !== 'content-security-policy'),
    )
    callback({ responseHeaders: { ...headers, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  })
}

/** Notifications come from main, so the renderer needs no permission but copying text to the clipboard. */
const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

export function restrictPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)))
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission))
}
