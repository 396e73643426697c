/**
 * The whole shell once, as Electron would run it packaged — only the
 * `electron` module is fake (the binary cannot run here); the core is the
 * real one, in a temporary appData directory, with no server: startup must
 * not need the network.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { app, BrowserWindow, ipcMain, Menu, protocol, resetFakeElectron, Tray } from '../../test/shell/fake-electron'
import { IPC_EVENT_CHANNEL, ipcCallNames, ipcChannel } from '../shared/ipc'
import { CONTENT_SECURITY_POLICY } from './content-security-policy'
import type * as CoreModule from './core'
import type * as HeapTrimmerModule from './heap-trimmer'

vi.mock('electron', () => import('../../test/shell/fake-electron'))
// The real core, with the options the shell creates it with noted.
const created = vi.hoisted(() => ({ options: [] as unknown[] }))
vi.mock('./core', async (importOriginal) => {
  const actual = await importOriginal<typeof CoreModule>()
  return {
    ...actual,
    createCore: (...args: Parameters<typeof actual.createCore>) => {
      created.options.push(args[0])
      return actual.createCore(...args)
    },
  }
})

// The real heap trimmer, its starts and stops counted.
const trimming = vi.hoisted(() => ({ started: 0, stopped: 0 }))
vi.mock('./heap-trimmer', async (importOriginal) => {
  const actual = await importOriginal<typeof HeapTrimmerModule>()
  return {
    ...actual,
    startHeapTrimmer: (...args: Parameters<typeof actual.startHeapTrimmer>) => {
      trimming.started++
      const trimmer = actual.startHeapTrimmer(...args)
      return {
        get trims() {
          return trimmer.trims
        },
        stop: () => {
          trimming.stopped++
          trimmer.stop()
        },
      }
    },
  }
})

let appData: string
let window: BrowserWindow
/** When the profile's userData was set and the single-instance lock taken (vitest clears mocks before each test). */
let startup: { setUserData: number; lock: number }
let stdout: string[]
/** What the window loaded and the menus set at startup (vitest clears mocks before each test). */
let loaded: string[]
let menus: string
/** The parley:// registration at startup. */
let protocolClients: unknown[][]

beforeAll(async () => {
  resetFakeElectron()
  appData = mkdtempSync(join(tmpdir(), 'parley-shell-'))
  app.paths.set('appData', appData)
  app.paths.set('logs', join(appData, 'logs'))
  app.isPackaged = true
  Object.assign(process, { resourcesPath: join(appData, 'resources') })
  vi.stubEnv('PARLEY_PROFILE', 'smoke')
  // Honoured in development only: an installed app must not load, and trust, what this says.
  vi.stubEnv('ELECTRON_RENDERER_URL', 'https://evil.example/')
  Object.assign(process.versions, { electron: '45.6.1' })
  stdout = []
  const write = process.stdout.write.bind(process.stdout)
  vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    stdout.push(String(chunk))
    return (write as (chunk: string | Uint8Array, ...rest: unknown[]) => boolean)(chunk, ...rest)
  })
  await import('./index')
  await vi.waitFor(() => expect(BrowserWindow.instances).toHaveLength(1), { timeout: 10_000 })
  window = BrowserWindow.instances[0] as BrowserWindow
  loaded = window.loadURL.mock.calls.map(([url]) => url)
  menus = JSON.stringify(Menu.setApplicationMenu.mock.calls)
  protocolClients = app.setAsDefaultProtocolClient.mock.calls.map((args) => [...args])
  startup = {
    setUserData: app.setPath.mock.invocationCallOrder[0] ?? Infinity,
    lock: app.requestSingleInstanceLock.mock.invocationCallOrder[0] ?? -Infinity,
  }
})

afterAll(() => {
  vi.unstubAllEnvs()
  rmSync(appData, { recursive: true, force: true })
})

async function call(name: (typeof ipcCallNames)[number], args?: unknown): Promise<unknown> {
  const handler = ipcMain.handlers.get(ipcChannel(name))
  return handler?.({ sender: window.webContents, senderFrame: window.webContents.mainFrame }, args)
}

test('the profile gets its own userData before the single-instance lock is taken', () => {
  expect(app.getPath('userData')).toBe(join(appData, 'Parley-smoke'))
  expect(startup.setUserData).toBeLessThan(startup.lock)
})

test('app:// is registered as privileged before ready and serves the renderer with its policy; the window loads it', async () => {
  expect(protocol.privileged.map(({ scheme }) => scheme)).toEqual(['app'])
  expect(loaded).toEqual(['app://parley/index.html'])
  const document = await protocol.handlers.get('app')?.(new Request('app://parley/index.html'))
  expect(document?.status).toBe(200)
  expect(document?.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY)
})

test('packaged: no DevTools, a minimal menu without them, and logs in a file under app.getPath("logs"), none on stdout', () => {
  expect(window.options.webPreferences).toMatchObject({ devTools: false })
  expect(menus).toContain('editMenu')
  expect(menus).not.toContain('toggleDevTools')
  const log = join(appData, 'logs', 'main-smoke.log')
  expect(existsSync(log)).toBe(true)
  expect(readFileSync(log, 'utf8')).toMatch(/"name":"parley-(shell|core)"/)
  expect(stdout.filter((chunk) => chunk.includes('"name":"parley-'))).toEqual([])
})

test('after ready: one locked-down window with the preload, a handler per call, a tray', () => {
  expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
  expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/)
  expect(ipcMain.handlers.size).toBe(ipcCallNames.length)
  expect(Tray.instances).toHaveLength(1)
})

test('the core paints the cache before a saved sign-in connects: it is created holding for the first paint', () => {
  expect(created.options).toHaveLength(1)
  expect(created.options[0]).toMatchObject({ awaitFirstPaint: true })
})

test('the core’s process gives back what a burst of work took: the heap trimmer runs', () => {
  expect(trimming).toEqual({ started: 1, stopped: 0 })
})

test('calls from the window reach the real core; bad ones are refused', async () => {
  expect(await call('getSession')).toEqual({ ok: true, value: { serverUrl: 'http://127.0.0.1:8787', user: null } })
  expect(await call('getAppInfo')).toMatchObject({ ok: true, value: { name: 'Parley', version: '0.0.0-test', locale: 'en-US', tokenStorage: 'keyring' } })
  expect(await call('login', { serverUrl: 'javascript:alert(1)', username: 'a', password: 'b' })).toMatchObject({
    ok: false,
    error: { code: 'bad_request' },
  })
})

test('window focus goes into the core and comes back to the renderer as an event', async () => {
  window.emit('focus')
  expect(window.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, { event: 'windowFocus', payload: { focused: true } })
  expect(await call('getWindowState')).toEqual({ ok: true, value: { focused: true } })
})

test('parley:// links: registered; a second instance brings the window forward and its link reaches the renderer', async () => {
  expect(protocolClients).toEqual([['parley']])
  window.hide()
  app.emit('second-instance', {}, ['/opt/Parley/parley', 'parley://conversation/c1'], '/')
  expect(window.visible).toBe(true)
  // The renderer has not asked yet: the link waits for it, once.
  expect(await call('takeDeepLink')).toEqual({ ok: true, value: { kind: 'conversation', conversationId: 'c1' } })
  expect(await call('takeDeepLink')).toEqual({ ok: true, value: null })
  app.emit('second-instance', {}, ['/opt/Parley/parley', 'parley://message/c1/9'], '/')
  expect(window.webContents.send).toHaveBeenCalledWith(IPC_EVENT_CHANNEL, { event: 'deepLink', payload: { kind: 'message', conversationId: 'c1', seq: 9 } })
  app.emit('second-instance', {}, ['/opt/Parley/parley', 'parley://settings'], '/')
  expect(window.webContents.send.mock.calls.filter(([, message]) => (message as { event: string }).event === 'deepLink')).toHaveLength(1)
})

test('the shell’s own words follow the language setting at once: the menu’s "Check for Updates…", the tray’s menu', async () => {
  const tray = Tray.instances[0] as Tray
  const trayMenu = () => ((tray.setContextMenu.mock.lastCall?.[0] as { template: { label?: string }[] }).template ?? []).flatMap((item) => item.label ?? [])
  expect(await call('updateSettings', { language: 'zh-CN' })).toMatchObject({ ok: true })
  expect(JSON.stringify(Menu.setApplicationMenu.mock.lastCall)).toContain('检查更新…')
  expect(trayMenu()).toEqual(['打开 Parley', '退出'])
  expect(await call('updateSettings', { language: 'system' })).toMatchObject({ ok: true })
  expect(JSON.stringify(Menu.setApplicationMenu.mock.lastCall)).toContain('Check for Updates…')
  expect(trayMenu()).toEqual(['Open Parley', 'Quit'])
})

test('closing the window keeps Parley in the tray (the default on Windows and Linux)', () => {
  if (process.platform === 'darwin') return
  window.close()
  expect(window.isDestroyed()).toBe(false)
  expect(window.visible).toBe(false)
})

test('quitting waits for the shell and the core to stop, then quits', async () => {
  app.quit()
  expect(app.quitted).toBe(false)
  await vi.waitFor(() => expect(app.quitted).toBe(true))
  expect(ipcMain.handlers.size).toBe(0)
  expect(Tray.instances[0]?.destroy).toHaveBeenCalledOnce()
  expect(trimming).toEqual({ started: 1, stopped: 1 })
})
