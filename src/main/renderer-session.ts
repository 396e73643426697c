/**
 * What the renderer's session allows: permission requests are denied but for
 * the clipboard (notifications come from main). The Content-Security-Policy
 * travels with the renderer's document (content-security-policy.ts,
 * app-protocol.ts).
 */
import type { Session } from 'electron'

const ALLOWED_PERMISSIONS = new Set(['clipboard-sanitized-write'])

export function restrictPermissions(session: Session): void {
  session.setPermissionRequestHandler((_contents, permission, callback) => callback(ALLOWED_PERMISSIONS.has(permission)))
  session.setPermissionCheckHandler((_contents, permission) => ALLOWED_PERMISSIONS.has(permission))
}
