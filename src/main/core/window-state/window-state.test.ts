import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { DEFAULT_SIZE, nextZoom, placeWindow, WindowStateFile } from './window-state'

const laptop = { x: 0, y: 0, width: 1440, height: 877 }
/** A second monitor to the right of the laptop, since unplugged in some tests. */
const external = { x: 1440, y: 0, width: 2560, height: 1400 }

test('saved bounds on a monitor that is still there are kept, also across two monitors', () => {
  expect(placeWindow({ x: 100, y: 50, width: 1000, height: 700 }, [laptop], laptop)).toEqual({ x: 100, y: 50, width: 1000, height: 700 })
  const straddling = { x: 1000, y: 100, width: 1200, height: 800 }
  expect(placeWindow(straddling, [laptop, external], laptop)).toEqual(straddling)
})

test('on a monitor that is gone: centred on the primary display at the saved size', () => {
  expect(placeWindow({ x: 2000, y: 200, width: 1000, height: 600 }, [laptop], laptop)).toEqual({ x: 220, y: 139, width: 1000, height: 600 })
})

test('a window bigger than the primary display is clamped to it', () => {
  expect(placeWindow({ x: 1500, y: 0, width: 2400, height: 1300 }, [laptop], laptop)).toEqual({ x: 0, y: 0, width: 1440, height: 877 })
})

test('mostly off-screen counts as gone; half on screen stays', () => {
  const mostlyOff = { x: -900, y: 100, width: 1000, height: 600 }
  expect(placeWindow(mostlyOff, [laptop], laptop)).toEqual({ x: 220, y: 139, width: 1000, height: 600 })
  const halfOn = { x: -500, y: 100, width: 1000, height: 600 }
  expect(placeWindow(halfOn, [laptop], laptop)).toEqual(halfOn)
})

test('nothing saved: the default size, centred on the primary display (which need not be at 0,0)', () => {
  const primary = { x: -1920, y: 0, width: 1920, height: 1040 }
  expect(placeWindow(null, [primary, laptop], primary)).toEqual({ x: -1920 + 410, y: 160, ...DEFAULT_SIZE })
})

test('zoom steps stay within 50 %–300 %; 0 resets', () => {
  expect(nextZoom(1, 1)).toBe(1.1)
  expect(nextZoom(1, -1)).toBe(0.9)
  expect(nextZoom(3, 1)).toBe(3)
  expect(nextZoom(0.5, -1)).toBe(0.5)
  expect(nextZoom(1.2, 1)).toBe(1.25)
  expect(nextZoom(1.2, -1)).toBe(1.1)
  expect(nextZoom(2.5, 0)).toBe(1)
})

let dir: string | null = null
afterEach(() => {
  if (dir !== null) rmSync(dir, { recursive: true, force: true })
  dir = null
})

test('window-state.json: defaults when missing or unreadable; changes are written and read back', () => {
  dir = mkdtempSync(join(tmpdir(), 'parley-window-state-'))
  expect(new WindowStateFile(dir).current).toEqual({ bounds: null, maximized: false, zoomFactor: 1 })
  const file = new WindowStateFile(dir)
  file.update({ bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: true })
  file.update({ zoomFactor: 1.25 })
  expect(new WindowStateFile(dir).current).toEqual({ bounds: { x: 10, y: 20, width: 900, height: 600 }, maximized: true, zoomFactor: 1.25 })
  // Out of limits: refused, the file keeps what it had.
  file.update({ zoomFactor: 9 })
  expect(JSON.parse(readFileSync(join(dir, 'window-state.json'), 'utf8'))).toMatchObject({ zoomFactor: 1.25 })
  writeFileSync(join(dir, 'window-state.json'), '{"bounds": "everywhere"')
  expect(new WindowStateFile(dir).current).toEqual({ bounds: null, maximized: false, zoomFactor: 1 })
})
