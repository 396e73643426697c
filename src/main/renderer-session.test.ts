import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { expect, test, vi } from 'vitest'
import { CONTENT_SECURITY_POLICY, enforceContentSecurityPolicy, restrictPermissions } from './renderer-session'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

type HeadersListener = (details: Record<string, unknown>, callback: (response: Record<string, unknown>) => void) => void
type RequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void) => void
type CheckHandler = (contents: unknown, permission: string) => boolean

/** Only what the two functions touch of Electron's Session. */
interface FakeSession {
  headersListener: HeadersListener | null
  requestHandler: RequestHandler | null
  checkHandler: CheckHandler | null
  webRequest: { onHeadersReceived(listener: HeadersListener): void }
  setPermissionRequestHandler(handler: RequestHandler): void
  setPermissionCheckHandler(handler: CheckHandler): void
}

function fakeSession(): FakeSession {
  const session: FakeSession = {
    headersListener: null,
    requestHandler: null,
    checkHandler: null,
    webRequest: {
      onHeadersReceived(listener) {
        session.headersListener = listener
      },
    },
    setPermissionRequestHandler(handler) {
      session.requestHandler = handler
    },
    setPermissionCheckHandler(handler) {
      session.checkHandler = handler
    },
  }
  return session
}

test('the header policy is the one in index.html', () => {
  const html = readFileSync(new URL('../renderer/index.html', import.meta.url), 'utf8')
  const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)
  expect(meta?.[1]).toBe(CONTENT_SECURITY_POLICY)
})

test("the renderer's documents get the policy header; other responses are untouched", () => {
  const session = fakeSession()
  const indexHtml = '/opt/parley/out/renderer/index.html'
  enforceContentSecurityPolicy(session as unknown as Electron.Session, { kind: 'file', path: indexHtml })
  const respond = (details: Record<string, unknown>): Record<string, unknown> => {
    let response: Record<string, unknown> = {}
    session.headersListener?.(details, (r) => (response = r))
    return response
  }
  expect(
    respond({ url: pathToFileURL(indexHtml).href, resourceType: 'mainFrame', responseHeaders: { 'content-security-policy': ['default-src *'], 'X-A': ['1'] } }),
  ).toEqual({ responseHeaders: { 'X-A': ['1'], 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } })
  expect(respond({ url: 'https://example.com/', resourceType: 'mainFrame', responseHeaders: {} })).toEqual({})
  expect(respond({ url: pathToFileURL(indexHtml).href, resourceType: 'script', responseHeaders: {} })).toEqual({})
})

test('permissions are denied but for writing to the clipboard', () => {
  const session = fakeSession()
  restrictPermissions(session as unknown as Electron.Session)
  const granted = (permission: string): boolean => {
    let answer: boolean | null = null
    session.requestHandler?.({}, permission, (g) => (answer = g))
    expect(session.checkHandler?.({}, permission)).toBe(answer)
    return answer ?? false
  }
  expect(['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read'].map(granted)).toEqual([false, false, false, false, false])
  expect(granted('clipboard-sanitized-write')).toBe(true)
})
