import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { app, BrowserWindow, Menu, nativeImage, resetFakeElectron, Tray } from '../../test/shell/fake-electron'
import { badgeBitmap, BADGE_SIZE, withUnreadCount } from './unread-badge'
import { createUnreadIndicator, trayStrings, type UnreadIndicator } from './unread-indicator'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const platform = Object.getOwnPropertyDescriptor(process, 'platform')
let opened: number
let quit: number
let window: BrowserWindow | null
let language: string

function indicatorOn(os: NodeJS.Platform): { indicator: UnreadIndicator; tray: Tray } {
  Object.defineProperty(process, 'platform', { value: os })
  const indicator = createUnreadIndicator({
    appName: 'Parley',
    iconPath: '/opt/parley/resources/icon.png',
    window: () => window as unknown as Electron.BrowserWindow | null,
    openWindow: () => opened++,
    quit: () => quit++,
    strings: () => trayStrings(language, 'en-US'),
  })
  return { indicator, tray: Tray.instances[0] as Tray }
}

beforeEach(() => {
  resetFakeElectron()
  opened = 0
  quit = 0
  window = null
  language = 'system'
})
afterEach(() => {
  if (platform) Object.defineProperty(process, 'platform', platform)
})

test('the unread count goes to the badge and the tray tooltip', () => {
  const { indicator, tray } = indicatorOn('linux')
  indicator.setCount(3)
  expect(app.setBadgeCount).toHaveBeenLastCalledWith(3)
  expect(tray.setToolTip).toHaveBeenLastCalledWith('Parley — 3 unread')
  indicator.setCount(0)
  expect(app.setBadgeCount).toHaveBeenLastCalledWith(0)
  expect(tray.setToolTip).toHaveBeenLastCalledWith('Parley')
  indicator.setCount(-2)
  expect(app.setBadgeCount).toHaveBeenLastCalledWith(0)
  expect(tray.setTitle).not.toHaveBeenCalled()
})

test('on macOS the count is also the tray title', () => {
  const { indicator, tray } = indicatorOn('darwin')
  indicator.setCount(12)
  expect(tray.setTitle).toHaveBeenLastCalledWith('12')
  indicator.setCount(0)
  expect(tray.setTitle).toHaveBeenLastCalledWith('')
})

test('the tray menu opens the window or quits; a click on the icon opens the window', () => {
  const { tray } = indicatorOn('win32')
  const template = Menu.buildFromTemplate.mock.calls[0]?.[0] as { label?: string; click?: () => void }[]
  expect(template.filter((item) => item.label).map((item) => item.label)).toEqual(['Open Parley', 'Quit'])
  template.find((item) => item.label === 'Open Parley')?.click?.()
  template.find((item) => item.label === 'Quit')?.click?.()
  tray.emit('click')
  expect({ opened, quit }).toEqual({ opened: 2, quit: 1 })
})

test('dispose clears the badge and removes the tray', () => {
  const { indicator, tray } = indicatorOn('linux')
  indicator.setCount(5)
  indicator.dispose()
  expect(app.setBadgeCount).toHaveBeenLastCalledWith(0)
  expect(tray.destroy).toHaveBeenCalledOnce()
  indicator.setCount(7)
  expect(app.setBadgeCount).toHaveBeenLastCalledWith(0)
})

test('on Windows, where setBadgeCount does nothing, the count is an overlay on the taskbar button', () => {
  const { indicator } = indicatorOn('win32')
  indicator.setCount(4)
  // No window yet: shown once it exists.
  window = new BrowserWindow({})
  indicator.windowChanged()
  expect(window.setOverlayIcon).toHaveBeenLastCalledWith(expect.objectContaining({ width: BADGE_SIZE, height: BADGE_SIZE, scaleFactor: 2 }), 'Parley — 4 unread')
  expect(nativeImage.createFromBitmap.mock.lastCall?.[0]).toEqual(badgeBitmap('4').data)
  indicator.setCount(120)
  expect(nativeImage.createFromBitmap.mock.lastCall?.[0]).toEqual(badgeBitmap('99+').data)
  indicator.setCount(0)
  expect(window.setOverlayIcon).toHaveBeenLastCalledWith(null, '')
  indicator.setCount(2)
  indicator.dispose()
  expect(window.setOverlayIcon).toHaveBeenLastCalledWith(null, '')
  expect(app.setBadgeCount).not.toHaveBeenCalled()
})

/** A 24×24 transparent icon, as nativeImage would load icon.png. */
function loadedIcon(): void {
  const size = 24
  const image = {
    isEmpty: () => false,
    resize: () => image,
    getSize: () => ({ width: size, height: size }),
    toBitmap: () => Buffer.alloc(size * size * 4),
  }
  nativeImage.createFromPath.mockImplementationOnce(() => image as never)
}

const RED = [0x25, 0x30, 0xd9, 0xff]
const WHITE = [0xff, 0xff, 0xff, 0xff]
const pixel = (image: { buffer: Buffer; width: number }, x: number, y: number): number[] => [...image.buffer.subarray((y * image.width + x) * 4, (y * image.width + x) * 4 + 4)]

test('Windows and Linux trays have no badge: the count is drawn on the tray icon while something is unread, 99+ past 99', () => {
  loadedIcon()
  const { indicator, tray } = indicatorOn('linux')
  expect(tray.setImage).not.toHaveBeenCalled()
  const blank = Buffer.alloc(24 * 24 * 4)
  const shown = () => tray.setImage.mock.lastCall?.[0] as { buffer: Buffer; width: number; height: number }

  indicator.setCount(3)
  expect(tray.setToolTip).toHaveBeenLastCalledWith('Parley — 3 unread')
  expect(shown()).toMatchObject({ width: 24, height: 24 })
  expect(shown().buffer).toEqual(withUnreadCount(blank, 24, 24, '3'))
  // A red disc top right with a white "3" in it (its top row: x 19–21, y 1), the rest of the icon untouched.
  expect(pixel(shown(), 18, 3)).toEqual(RED)
  expect([19, 20, 21].map((x) => pixel(shown(), x, 1))).toEqual([WHITE, WHITE, WHITE])
  expect(pixel(shown(), 2, 20)).toEqual([0, 0, 0, 0])

  indicator.setCount(3)
  expect(tray.setImage).toHaveBeenCalledOnce()
  indicator.setCount(42)
  expect(shown().buffer).toEqual(withUnreadCount(blank, 24, 24, '42'))
  indicator.setCount(1500)
  expect(shown().buffer).toEqual(withUnreadCount(blank, 24, 24, '99+'))
  indicator.setCount(120)
  expect(tray.setImage).toHaveBeenCalledTimes(3)
  indicator.setCount(0)
  expect(tray.setImage).toHaveBeenCalledTimes(4)
  expect(tray.setImage.mock.lastCall?.[0]).toBe(tray.image)
  expect(indicator.hasTray()).toBe(true)
})

test('on macOS the icon stays as it is (a template image; the count is the title)', () => {
  loadedIcon()
  const { indicator, tray } = indicatorOn('darwin')
  indicator.setCount(8)
  expect(tray.setImage).not.toHaveBeenCalled()
})

test('the tooltip, the tray menu and the taskbar overlay’s description follow the language setting (system: the OS locale)', () => {
  language = 'zh-CN'
  const { indicator, tray } = indicatorOn('win32')
  window = new BrowserWindow({})
  const menuLabels = () => ((tray.setContextMenu.mock.lastCall?.[0] as { template: { label?: string }[] }).template ?? []).flatMap((item) => item.label ?? [])
  expect(menuLabels()).toEqual(['打开 Parley', '退出'])
  indicator.setCount(3)
  expect(tray.setToolTip).toHaveBeenLastCalledWith('Parley — 3 条未读')
  expect(window.setOverlayIcon).toHaveBeenLastCalledWith(expect.anything(), 'Parley — 3 条未读')

  language = 'en'
  indicator.languageChanged()
  expect(menuLabels()).toEqual(['Open Parley', 'Quit'])
  expect(tray.setToolTip).toHaveBeenLastCalledWith('Parley — 3 unread')
  expect(window.setOverlayIcon).toHaveBeenLastCalledWith(expect.anything(), 'Parley — 3 unread')
  // The new menu's items still work.
  const template = (tray.setContextMenu.mock.lastCall?.[0] as { template: { label?: string; click?: () => void }[] }).template
  template.find((item) => item.label === 'Quit')?.click?.()
  expect(quit).toBe(1)

  expect(trayStrings('system', 'zh-Hans-CN').quit).toBe('退出')
  expect(trayStrings('system', 'de-DE').quit).toBe('Quit')
})

test('no tray on this desktop: hasTray says so (closing then quits, and the app does not start hidden)', () => {
  Menu.buildFromTemplate.mockImplementationOnce(() => {
    throw new Error('no StatusNotifier host')
  })
  const { indicator } = indicatorOn('linux')
  expect(indicator.hasTray()).toBe(false)
  indicator.setCount(2)
  expect(app.setBadgeCount).toHaveBeenLastCalledWith(2)
})
