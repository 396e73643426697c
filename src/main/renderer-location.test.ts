import { expect, test, vi } from 'vitest'
import { isRendererUrl, rendererEntryUrl, rendererLocation } from './renderer-location'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const directory = '/opt/parley/resources/app.asar/out/renderer'

test('ELECTRON_RENDERER_URL is honoured in development only: an installed app always loads app://parley', () => {
  const dev = rendererLocation({ isPackaged: false, devUrl: 'http://localhost:5173/', directory })
  expect(dev).toEqual({ kind: 'url', url: 'http://localhost:5173/' })
  expect(rendererEntryUrl(dev)).toBe('http://localhost:5173/')

  const packaged = rendererLocation({ isPackaged: true, devUrl: 'https://evil.example/', directory })
  expect(packaged).toEqual({ kind: 'app', directory })
  expect(rendererEntryUrl(packaged)).toBe('app://parley/index.html')
  expect(isRendererUrl(packaged, 'https://evil.example/')).toBe(false)

  expect(rendererLocation({ isPackaged: false, devUrl: undefined, directory })).toEqual({ kind: 'app', directory })
  expect(rendererLocation({ isPackaged: false, devUrl: '', directory })).toEqual({ kind: 'app', directory })
})

test('the built renderer is one exact origin: app://parley', () => {
  const built = rendererLocation({ isPackaged: true, devUrl: undefined, directory })
  expect(isRendererUrl(built, 'app://parley/index.html')).toBe(true)
  expect(isRendererUrl(built, 'app://parley/index.html?x#y')).toBe(true)
  for (const url of ['app://parley.evil/index.html', 'app://parley:80/', 'app://a:b@parley/', 'file:///opt/parley/resources/app.asar/out/renderer/index.html', 'https://parley/', 'not a url', '']) {
    expect(isRendererUrl(built, url), url).toBe(false)
  }
})
