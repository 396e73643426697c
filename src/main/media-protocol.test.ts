import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, expect, test, vi } from 'vitest'
import { fakeCore, type FakeCore } from '../../test/shell/fake-core'
import { net, protocol, resetFakeElectron } from '../../test/shell/fake-electron'
import { serveRenderer } from './app-protocol'
import { mediaResponse, serveDevMedia } from './media-protocol'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let root: string
let core: FakeCore
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex')

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'parley-media-'))
  writeFileSync(join(root, 'thumb.webp'), PNG)
  writeFileSync(join(root, 'index.html'), '<!doctype html>')
})
afterAll(() => rmSync(root, { recursive: true, force: true }))
beforeEach(() => {
  resetFakeElectron()
  core = fakeCore()
  core.media.set('thumbnail/a1', { path: join(root, 'thumb.webp'), mime: 'image/webp', size: PNG.length })
  core.media.set('file/f1', { path: join(root, 'thumb.webp'), mime: 'application/octet-stream', size: PNG.length })
})

const get = (url: string, method = 'GET') => mediaResponse(() => core, new Request(url, { method }))

test('a media path the core serves comes back with its bytes, its type, nosniff and no caching', async () => {
  const response = await get('app://parley/media/thumbnail/a1')
  expect(response.status).toBe(200)
  expect(Buffer.from(await response.arrayBuffer())).toEqual(PNG)
  expect(response.headers.get('content-type')).toBe('image/webp')
  expect(response.headers.get('content-length')).toBe(String(PNG.length))
  expect(response.headers.get('x-content-type-options')).toBe('nosniff')
  expect(response.headers.get('cache-control')).toBe('no-store')
  expect(response.headers.get('content-security-policy')).toBe('sandbox')
  const file = await get('app://parley/media/file/f1')
  expect(file.headers.get('content-type')).toBe('application/octet-stream')
  const head = await get('app://parley/media/thumbnail/a1', 'HEAD')
  expect(head.status).toBe(200)
  expect(await head.text()).toBe('')
})

test.each([
  'app://parley/media/thumbnail/unknown',
  'app://parley/media/thumbnail/',
  'app://parley/media/other/a1',
  'app://parley/media/thumbnail/a1/x',
  'app://parley/media/thumbnail/..%2f..%2fetc%2fpasswd',
  'app://parley/media/thumbnail/a%00',
  'app://parley/media/staged/' + 'x'.repeat(65),
  'app://parley/media',
])('%s is 404, and the core is asked only for well-formed ids', async (url) => {
  const response = await get(url)
  expect(response.status).toBe(404)
  for (const { name, args } of core.signals) if (name === 'readMedia') expect(String(args[1])).toMatch(/^[A-Za-z0-9_-]{1,64}$/)
})

test('only GET and HEAD; nothing before the core has started; a core that throws is a 404', async () => {
  expect((await get('app://parley/media/thumbnail/a1', 'POST')).status).toBe(405)
  expect((await mediaResponse(() => null, new Request('app://parley/media/thumbnail/a1'))).status).toBe(404)
  core.readMedia = async () => {
    throw new Error('disk gone')
  }
  expect((await get('app://parley/media/thumbnail/a1')).status).toBe(404)
})

test('app:// answers /media/ from the core and everything else from the renderer directory', async () => {
  const stop = serveRenderer(root, () => core)
  const handler = protocol.handlers.get('app')
  expect((await handler?.(new Request('app://parley/media/thumbnail/a1')))?.headers.get('content-type')).toBe('image/webp')
  expect((await handler?.(new Request('app://parley/index.html')))?.status).toBe(200)
  expect((await handler?.(new Request('app://other/media/thumbnail/a1')))?.status).toBe(404)
  stop()
})

test('development: media on the dev server origin is answered here, every other http request is passed on untouched', async () => {
  const stop = serveDevMedia('http://localhost:5173/', () => core)
  const handler = protocol.handlers.get('http')
  expect((await handler?.(new Request('http://localhost:5173/media/thumbnail/a1')))?.headers.get('content-type')).toBe('image/webp')
  expect(net.fetch).not.toHaveBeenCalled()
  expect(await (await handler?.(new Request('http://localhost:5173/src/main.tsx')))?.text()).toBe('passed on')
  expect(await (await handler?.(new Request('http://elsewhere:5173/media/thumbnail/a1')))?.text()).toBe('passed on')
  expect(net.fetch).toHaveBeenCalledTimes(2)
  expect(net.fetch.mock.calls[0]?.[1]).toEqual({ bypassCustomProtocolHandlers: true })
  stop()
  expect(protocol.handlers.has('http')).toBe(false)
})
