/**
 * The whole shell once, as Electron would run it — only the `electron` module
 * is fake (the binary cannot run here); the core is the real one, in a
 * temporary appData directory, with no server: startup must not need the
 * network.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import { app, BrowserWindow, ipcMain, resetFakeElectron, Tray } from '../../test/shell/fake-electron'
import { IPC_EVENT_CHANNEL, ipcCallNames, ipcChannel } from '../shared/ipc'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let appData: string
let window: BrowserWindow
/** When the profile's userData was set and the single-instance lock taken (vitest clears mocks before each test). */
let startup: { setUserData: number; lock: number }

beforeAll(async () => {
  resetFakeElectron()
  appData = mkdtempSync(join(tmpdir(), 'parley-shell-'))
  app.paths.set('appData', appData)
  vi.stubEnv('PARLEY_PROFILE', 'smoke')
  Object.assign(process.versions, { electron: '45.6.1' })
  await import('./index')
  await vi.waitFor(() => expect(BrowserWindow.instances).toHaveLength(1), { timeout: 10_000 })
  window = BrowserWindow.instances[0] as BrowserWindow
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

test('after ready: one locked-down window with the preload, a handler per call, a tray', () => {
  expect(window.options.webPreferences).toMatchObject({ contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true })
  expect(String((window.options.webPreferences as { preload: string }).preload)).toMatch(/[/\\]preload[/\\]index\.cjs$/)
  expect(ipcMain.handlers.size).toBe(ipcCallNames.length)
  expect(Tray.instances).toHaveLength(1)
})

test('calls from the window reach the real core; bad ones are refused', async () => {
  expect(await call('getSession')).toEqual({ ok: true, value: { serverUrl: 'http://127.0.0.1:8787', user: null } })
  expect(await call('getAppInfo')).toMatchObject({ ok: true, value: { name: 'Parley', version: '0.0.0-test', locale: 'en-US' } })
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

test('quitting waits for the shell and the core to stop, then quits', async () => {
  app.quit()
  expect(app.quitted).toBe(false)
  await vi.waitFor(() => expect(app.quitted).toBe(true))
  expect(ipcMain.handlers.size).toBe(0)
  expect(Tray.instances[0]?.destroy).toHaveBeenCalledOnce()
})
