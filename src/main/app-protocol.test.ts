import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect, test, vi } from 'vitest'
import { protocol, resetFakeElectron } from '../../test/shell/fake-electron'
import { fileFor, registerAppScheme, rendererResponse, RENDERER_ENTRY_URL, serveRenderer } from './app-protocol'
import { CONTENT_SECURITY_POLICY } from './content-security-policy'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let root: string
let renderer: string
const SECRET = 'the user’s private file'

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-protocol-'))
  renderer = join(root, 'renderer')
  mkdirSync(join(renderer, 'assets'), { recursive: true })
  writeFileSync(join(renderer, 'index.html'), '<!doctype html><script type="module" src="./assets/index.js"></script>')
  writeFileSync(join(renderer, 'assets', 'index.js'), 'console.log(1)')
  writeFileSync(join(renderer, 'assets', 'index.css'), 'body{}')
  writeFileSync(join(renderer, 'assets', 'blob.bin'), 'x')
  writeFileSync(join(root, 'secret.txt'), SECRET)
  writeFileSync(join(root, 'renderer-evil.txt'), SECRET)
})
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeEach(resetFakeElectron)

const get = (url: string, method = 'GET'): Promise<Response> => rendererResponse(renderer, new Request(url, { method }))

test('app:// is registered before ready as a standard, secure scheme — no CSP bypass, no CORS', () => {
  registerAppScheme()
  expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }])
  expect(RENDERER_ENTRY_URL).toBe('app://parley/index.html')
})

test('after ready the handler serves the renderer directory, and stopping removes it', async () => {
  const stop = serveRenderer(renderer)
  const handler = protocol.handlers.get('app')
  expect(handler).toBeDefined()
  expect((await handler?.(new Request(RENDERER_ENTRY_URL)))?.status).toBe(200)
  stop()
  expect(protocol.handlers.size).toBe(0)
})

test('the document comes with the production Content-Security-Policy header; every file with its type', async () => {
  for (const url of ['app://parley/', 'app://parley/index.html', 'app://parley/index.html?x=1#/c/1']) {
    const response = await get(url)
    expect(response.status, url).toBe(200)
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8')
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
    expect(await response.text()).toContain('./assets/index.js')
  }
  const script = await get('app://parley/assets/index.js')
  expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8')
  expect(script.headers.get('content-security-policy')).toBeNull()
  expect(script.headers.get('x-content-type-options')).toBe('nosniff')
  expect(await script.text()).toBe('console.log(1)')
  expect((await get('app://parley/assets/index.css')).headers.get('content-type')).toBe('text/css; charset=utf-8')
  expect((await get('app://parley/assets/blob.bin')).headers.get('content-type')).toBe('application/octet-stream')
  const head = await get('app://parley/assets/index.js', 'HEAD')
  expect(head.status).toBe(200)
  expect(await head.text()).toBe('')
})

test.each([
  'app://parley/../secret.txt',
  'app://parley/%2e%2e/secret.txt',
  'app://parley/..%2fsecret.txt',
  'app://parley/%2e%2e%2fsecret.txt',
  'app://parley/assets/..%2f..%2fsecret.txt',
  'app://parley/..%5csecret.txt',
  'app://parley/..%2f..%2f..%2f..%2f..%2f..%2f..%2fetc%2fpasswd',
  'app://parley/%2fetc%2fpasswd',
  'app://parley//etc/passwd',
  'app://parley/..%2frenderer-evil.txt',
  'app://parley/index.html%00.png',
  'app://parley/%E0%A4%A',
  'app://parley/missing.js',
  'app://parley/assets',
  'app://parley/assets/',
])('%s is refused without reading outside the renderer directory', async (url) => {
  const response = await get(url)
  expect(response.status).toBe(404)
  expect(await response.text()).toBe('')
})

test('only GET and HEAD, only on the app host', async () => {
  expect((await get(RENDERER_ENTRY_URL, 'POST')).status).toBe(405)
  expect((await get(RENDERER_ENTRY_URL, 'DELETE')).status).toBe(405)
  expect((await get('app://evil/index.html')).status).toBe(404)
  expect((await get('app://parley:8080/index.html')).status).toBe(404)
})

test('paths resolve inside the directory or not at all', () => {
  expect(fileFor(renderer, '/')).toBe(join(renderer, 'index.html'))
  expect(fileFor(renderer, '/assets/index.js')).toBe(join(renderer, 'assets', 'index.js'))
  for (const path of ['/..', '/../renderer/index.html', '/%2e%2e', '/a/%2e%2e/%2e%2e/x', '/C:%5cWindows%5cwin.ini', '/%00']) {
    const file = fileFor(renderer, path)
    expect(file === null || file.startsWith(join(renderer, '/')), path).toBe(true)
  }
  expect(fileFor(renderer, '/%2e%2e/secret.txt')).toBeNull()
})
