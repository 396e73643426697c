/**
 * The renderer's Content-Security-Policy. The renderer needs no network —
 * pusher and the REST client live in main — so nothing beyond 'self' is
 * allowed. Production: index.html carries it in a meta tag (a test keeps the
 * two equal) and app-protocol.ts sends it as a header with the document,
 * which adds what a meta tag cannot: `frame-ancestors`.
 *
 * Development only (`npm run dev`, Vite's dev server): React Refresh injects
 * an inline preamble script, which `script-src 'self'` blocks. The dev
 * server's index.html gets `developmentContentSecurityPolicy(nonce)` instead,
 * with Vite's `html.cspNonce` putting the same per-run nonce on the scripts
 * it injects (electron.vite.config.ts). Plain Node: the Vite config imports it.
 */
export const CONTENT_SECURITY_POLICY =
  "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'; " +
  "object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

/** The production policy with the dev server's script nonce added; 'self' covers Vite's HMR WebSocket on the same host and port. */
export function developmentContentSecurityPolicy(nonce: string): string {
  if (!/^[A-Za-z0-9+/=_-]{16,}$/.test(nonce)) throw new Error('a CSP nonce is at least 16 base64 characters')
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`)
}
