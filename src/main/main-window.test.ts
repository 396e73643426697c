import { beforeEach, expect, test, vi } from 'vitest'
import { BrowserWindow, resetFakeElectron, shell } from '../../test/shell/fake-electron'
import { createMainWindow, revealWindow } from './main-window'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

beforeEach(resetFakeElectron)

const preloadPath = '/opt/parley/out/preload/index.cjs'

function openWindow(devTools = false): BrowserWindow {
  createMainWindow({ title: 'Parley', preloadPath, renderer: { kind: 'app', directory: '/opt/parley/out/renderer' }, devTools })
  expect(BrowserWindow.instances).toHaveLength(1)
  return BrowserWindow.instances[0] as BrowserWindow
}

test('the window is isolated, sandboxed and Node-free, with our preload and no DevTools; it loads app://parley', () => {
  const window = openWindow()
  expect(window.options.webPreferences).toEqual({
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    webSecurity: true,
    devTools: false,
  })
  expect(window.options.show).toBe(false)
  expect(window.loadURL).toHaveBeenCalledWith('app://parley/index.html')
})

test('DevTools only when allowed', () => {
  expect(openWindow(true).options.webPreferences).toMatchObject({ devTools: true })
})

test('in development the renderer comes from the dev server', () => {
  createMainWindow({ title: 'Parley', preloadPath, renderer: { kind: 'url', url: 'http://localhost:5173/' }, devTools: true })
  expect(BrowserWindow.instances[0]?.loadURL).toHaveBeenCalledWith('http://localhost:5173/')
})

test('navigation away from the renderer and webviews are blocked', () => {
  const { webContents } = openWindow()
  for (const url of ['https://example.com/', 'file:///etc/passwd', 'javascript:alert(1)']) {
    const event = { preventDefault: vi.fn() }
    webContents.emit('will-navigate', event, url)
    expect(event.preventDefault).toHaveBeenCalledOnce()
  }
  const attach = { preventDefault: vi.fn() }
  webContents.emit('will-attach-webview', attach, {}, {})
  expect(attach.preventDefault).toHaveBeenCalledOnce()
  expect(shell.openExternal).not.toHaveBeenCalled()
})

test('new windows are always denied; only http(s) links open in the browser', () => {
  const handler = openWindow().webContents.windowOpenHandler
  expect(handler).not.toBeNull()
  const open = (url: string): unknown => handler?.({ url })

  expect(open('https://example.com/a?b=c#d')).toEqual({ action: 'deny' })
  expect(open('HTTP://Example.com/x')).toEqual({ action: 'deny' })
  expect(shell.openExternal.mock.calls).toEqual([['https://example.com/a?b=c#d'], ['http://example.com/x']])

  shell.openExternal.mockClear()
  for (const url of ['javascript:alert(document.cookie)', 'file:///etc/passwd', 'parley://open', 'data:text/html,<b>x</b>', 'not a url', '']) {
    expect(open(url)).toEqual({ action: 'deny' })
  }
  expect(shell.openExternal).not.toHaveBeenCalled()
})

test('revealing a minimized window restores, shows and focuses it', () => {
  const window = openWindow()
  window.minimized = true
  revealWindow(window as unknown as Electron.BrowserWindow)
  expect(window.restore).toHaveBeenCalledOnce()
  expect(window.show).toHaveBeenCalled()
  expect(window.focus).toHaveBeenCalledOnce()
})

test('restored placement and maximized state; started minimized it stays hidden until revealed (and maximizes then)', () => {
  const placement = { bounds: { x: 40, y: 30, width: 1000, height: 700 }, maximized: true }
  createMainWindow({ title: 'Parley', preloadPath, renderer: { kind: 'app', directory: '/opt/parley/out/renderer' }, devTools: false, placement })
  const shown = BrowserWindow.instances[0] as BrowserWindow
  expect(shown.options).toMatchObject({ x: 40, y: 30, width: 1000, height: 700, show: false })
  shown.emit('ready-to-show')
  expect(shown.show).toHaveBeenCalledOnce()
  expect(shown.maximize).toHaveBeenCalledOnce()

  createMainWindow({ title: 'Parley', preloadPath, renderer: { kind: 'app', directory: '/opt/parley/out/renderer' }, devTools: false, placement, startHidden: true })
  const hidden = BrowserWindow.instances[1] as BrowserWindow
  hidden.emit('ready-to-show')
  expect(hidden.show).not.toHaveBeenCalled()
  expect(hidden.maximize).not.toHaveBeenCalled()
  revealWindow(hidden as unknown as Electron.BrowserWindow)
  hidden.emit('show')
  expect(hidden.visible).toBe(true)
  expect(hidden.maximize).toHaveBeenCalledOnce()
})
