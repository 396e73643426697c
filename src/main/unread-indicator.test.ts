import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { app, Menu, resetFakeElectron, Tray } from '../../test/shell/fake-electron'
import { createUnreadIndicator, type UnreadIndicator } from './unread-indicator'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const platform = Object.getOwnPropertyDescriptor(process, 'platform')
let opened: number
let quit: number

function indicatorOn(os: NodeJS.Platform): { indicator: UnreadIndicator; tray: Tray } {
  Object.defineProperty(process, 'platform', { value: os })
  const indicator = createUnreadIndicator({
    appName: 'Parley',
    iconPath: '/opt/parley/resources/icon.png',
    openWindow: () => opened++,
    quit: () => quit++,
  })
  return { indicator, tray: Tray.instances[0] as Tray }
}

beforeEach(() => {
  resetFakeElectron()
  opened = 0
  quit = 0
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
