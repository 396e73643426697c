import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { app, BrowserWindow, resetFakeElectron } from '../../test/shell/fake-electron'
import { defaultSettings, type Settings } from '../shared/settings'
import { startsHidden, startTrayLife, type TrayLife } from './tray-life'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const platform = Object.getOwnPropertyDescriptor(process, 'platform')
let quitting: boolean
let hasTray: boolean
let life: TrayLife | null
let configHome: string

beforeEach(() => {
  resetFakeElectron()
  quitting = false
  hasTray = true
  life = null
  configHome = mkdtempSync(join(tmpdir(), 'parley-tray-life-'))
  vi.stubEnv('XDG_CONFIG_HOME', configHome)
})
afterEach(() => {
  life?.dispose()
  vi.unstubAllEnvs()
  rmSync(configHome, { recursive: true, force: true })
  if (platform) Object.defineProperty(process, 'platform', platform)
})

function start(os: NodeJS.Platform, settings: Partial<Settings> = {}, installed = true): BrowserWindow {
  Object.defineProperty(process, 'platform', { value: os })
  const window = new BrowserWindow({})
  window.visible = true
  life = startTrayLife({
    window: window as unknown as Electron.BrowserWindow,
    settings: { ...defaultSettings, ...settings },
    hasTray: () => hasTray,
    quitting: () => quitting,
    loginItem: { enabled: installed, appName: 'Parley', args: [] },
  })
  return window
}

test('Windows and Linux, close to tray on (the default): closing hides the window and the app keeps running', () => {
  for (const os of ['win32', 'linux'] as const) {
    const window = start(os)
    window.close()
    expect(window.hide, os).toHaveBeenCalledOnce()
    expect(window.isDestroyed(), os).toBe(false)
    expect(window.isVisible(), os).toBe(false)
    life?.dispose()
  }
})

test('close to tray off, or no tray on this desktop: closing closes (and the app quits with its last window)', () => {
  const window = start('win32', { closeToTray: false })
  window.close()
  expect(window.hide).not.toHaveBeenCalled()
  expect(window.isDestroyed()).toBe(true)
  life?.dispose()
  hasTray = false
  const trayless = start('linux')
  trayless.close()
  expect(trayless.isDestroyed()).toBe(true)
})

test('the setting changes at run time', () => {
  const window = start('linux', { closeToTray: false })
  life?.settingsChanged({ ...defaultSettings, closeToTray: true })
  window.close()
  expect(window.isDestroyed()).toBe(false)
  expect(window.hide).toHaveBeenCalledOnce()
})

test('macOS keeps its habit whatever the setting: the window hides, the app stays in the dock', () => {
  const window = start('darwin', { closeToTray: false })
  window.close()
  expect(window.hide).toHaveBeenCalledOnce()
  expect(window.isDestroyed()).toBe(false)
})

test('Quit (tray, app menu, Cmd+Q) really quits: the window closes for real', () => {
  for (const os of ['win32', 'linux', 'darwin'] as const) {
    const window = start(os)
    quitting = true
    window.close()
    expect(window.hide, os).not.toHaveBeenCalled()
    expect(window.isDestroyed(), os).toBe(true)
    life?.dispose()
    quitting = false
  }
})

test('start minimized: hidden only where the window can come back (a tray, or the dock on macOS)', () => {
  expect(startsHidden({ startMinimized: true }, 'win32', true)).toBe(true)
  expect(startsHidden({ startMinimized: true }, 'linux', false)).toBe(false)
  expect(startsHidden({ startMinimized: true }, 'darwin', false)).toBe(true)
  expect(startsHidden({ startMinimized: false }, 'win32', true)).toBe(false)
})

test('launch at login follows the setting at start and when it changes; not in development', () => {
  start('win32', { launchAtLogin: true })
  expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true })
  life?.settingsChanged({ ...defaultSettings, launchAtLogin: true, theme: 'dark' })
  expect(app.setLoginItemSettings).toHaveBeenCalledOnce()
  life?.settingsChanged({ ...defaultSettings, launchAtLogin: false })
  expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false })
  life?.dispose()
  app.setLoginItemSettings.mockClear()
  start('win32', { launchAtLogin: true }, false)
  expect(app.setLoginItemSettings).not.toHaveBeenCalled()
})
