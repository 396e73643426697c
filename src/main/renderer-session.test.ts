import { readFileSync } from 'node:fs'
import { expect, test, vi } from 'vitest'
import { CONTENT_SECURITY_POLICY, developmentContentSecurityPolicy } from './content-security-policy'
import { restrictPermissions } from './renderer-session'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

type RequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void
type CheckHandler = (contents: unknown, permission: string) => boolean

test('the header policy is the one in index.html', () => {
  const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8')
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
  expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY)
})

test('the development policy differs from production only by the dev server script nonce', () => {
  const nonce = 'q6Tz0bX1cR5mN8vK2pL4sA=='
  expect(developmentContentSecurityPolicy(nonce)).toBe(CONTENT_SECURITY_POLICY.replace("script-src 'self'", `script-src 'self' 'nonce-${nonce}'`))
  expect(() => developmentContentSecurityPolicy("x' 'unsafe-inline")).toThrow(/nonce/)
  expect(() => developmentContentSecurityPolicy('')).toThrow(/nonce/)
})

test('permissions are denied but for writing to the clipboard', () => {
  let requestHandler: RequestHandler | null = null
  let checkHandler: CheckHandler | null = null
  const session = {
    setPermissionRequestHandler: (handler: RequestHandler) => (requestHandler = handler),
    setPermissionCheckHandler: (handler: CheckHandler) => (checkHandler = handler),
  }
  restrictPermissions(session as unknown as Electron.Session)
  const granted = (permission: string): boolean => {
    let answer: boolean | null = null
    requestHandler?.({}, permission, (g) => (answer = g))
    expect(checkHandler?.({}, permission)).toBe(answer)
    return answer ?? false
  }
  expect(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read'].map(granted)).toEqual([false, false, false, false, false])
  expect(granted('clipboard-sanitized-write')).toBe(true)
})
