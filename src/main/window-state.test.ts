import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { BrowserWindow, resetFakeElectron, screen } from '../../test/shell/fake-electron'
import { WindowStateFile } from './core/window-state/window-state'
import { restoredPlacement, trackWindowState, zoomWindow } from './window-state'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let dir: string
const laptop = { id: 1, bounds: { x: 0, y: 0, width: 1440, height: 900 }, workArea: { x: 0, y: 0, width: 1440, height: 877 } }
const external = { id: 2, bounds: { x: 1440, y: 0, width: 2560, height: 1440 }, workArea: { x: 1440, y: 0, width: 2560, height: 1400 } }

beforeEach(() => {
  resetFakeElectron()
  dir = mkdtempSync(join(tmpdir(), 'parley-window-'))
})
afterEach(() => {
  vi.useRealTimers()
  rmSync(dir, { recursive: true, force: true })
})

const saved = (): unknown => JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))
const asElectron = (window: BrowserWindow): Electron.BrowserWindow => window as unknown as Electron.BrowserWindow

test('the window is saved when it stops moving (debounced) and when it closes, and reopens there', () => {
  vi.useFakeTimers()
  screen.displays = [laptop, external]
  const file = new WindowStateFile(dir)
  const window = new BrowserWindow({})
  const stop = trackWindowState(asElectron(window), file)
  window.bounds = { x: 1600, y: 100, width: 1200, height: 800 }
  window.emit('move')
  window.emit('resize')
  expect(() => saved()).toThrow()
  vi.advanceTimersByTime(500)
  expect(saved()).toEqual({ bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: false, zoomFactor: 1 })
  window.bounds = { x: 1700, y: 120, width: 1200, height: 800 }
  window.maximized = true
  window.emit('close', { preventDefault: () => undefined })
  expect(saved()).toMatchObject({ bounds: { x: 1700, y: 120 }, maximized: true })
  stop()
  expect(restoredPlacement(new WindowStateFile(dir))).toEqual({ bounds: { x: 1700, y: 120, width: 1200, height: 800 }, maximized: true })
})

test('saved on a monitor that has been unplugged: centred on the primary one at the saved size, clamped to it', () => {
  const file = new WindowStateFile(dir)
  file.update({ bounds: { x: 1600, y: 100, width: 1200, height: 800 }, maximized: false })
  screen.displays = [laptop]
  expect(restoredPlacement(file)).toEqual({ bounds: { x: 120, y: 39, width: 1200, height: 800 }, maximized: false })
  file.update({ bounds: { x: 1600, y: 100, width: 2400, height: 1300 } })
  expect(restoredPlacement(file).bounds).toEqual({ x: 0, y: 0, width: 1440, height: 877 })
})

test('zoom: steps within 50 %–300 %, saved, and applied to every page the window loads', () => {
  const file = new WindowStateFile(dir)
  const window = new BrowserWindow({})
  const stop = trackWindowState(asElectron(window), file)
  zoomWindow(asElectron(window), file, 1)
  zoomWindow(asElectron(window), file, 1)
  expect(window.webContents.zoomFactor).toBe(1.25)
  expect(saved()).toMatchObject({ zoomFactor: 1.25 })
  for (let step = 0; step < 20; step++) zoomWindow(asElectron(window), file, 1)
  expect(window.webContents.zoomFactor).toBe(3)
  for (let step = 0; step < 20; step++) zoomWindow(asElectron(window), file, -1)
  expect(window.webContents.zoomFactor).toBe(0.5)
  // Ctrl+wheel comes as zoom-changed: the same steps.
  window.webContents.emit('zoom-changed', {}, 'in')
  expect(window.webContents.zoomFactor).toBe(0.67)
  zoomWindow(asElectron(window), file, 0)
  expect(window.webContents.zoomFactor).toBe(1)
  file.update({ zoomFactor: 1.5 })
  window.webContents.emit('did-finish-load')
  expect(window.webContents.setZoomFactor).toHaveBeenLastCalledWith(1.5)
  expect(new WindowStateFile(dir).current.zoomFactor).toBe(1.5)
  stop()
  zoomWindow(null, file, 1)
})
