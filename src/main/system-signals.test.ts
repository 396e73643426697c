import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { BrowserWindow, net, powerMonitor, resetFakeElectron } from '../../test/shell/fake-electron'
import { fakeCore, type FakeCore } from '../../test/shell/fake-core'
import { watchSystemSignals } from './system-signals'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

let window: BrowserWindow
let core: FakeCore
let stop: () => void

beforeEach(() => {
  resetFakeElectron()
  vi.useFakeTimers()
  window = new BrowserWindow({})
  core = fakeCore()
  stop = watchSystemSignals(core, window as unknown as Electron.BrowserWindow, 5_000)
})
afterEach(() => {
  stop()
  vi.useRealTimers()
})

const signals = (): unknown[] => core.signals.map(({ name, args }) => [name, ...args])

test('focus and blur reach the core once per change; minimize and hide count as unfocused', () => {
  window.emit('focus')
  window.emit('focus')
  window.emit('blur')
  window.emit('minimize')
  window.emit('focus')
  window.emit('hide')
  expect(signals()).toEqual([
    ['windowFocusChanged', false],
    ['windowFocusChanged', true],
    ['windowFocusChanged', false],
    ['windowFocusChanged', true],
    ['windowFocusChanged', false],
  ])
})

test('resume and unlock-screen tell the core the system woke, and check the network at once', () => {
  core.signals.length = 0
  powerMonitor.emit('resume')
  net.isOnline.mockImplementation(() => false)
  powerMonitor.emit('unlock-screen')
  expect(signals()).toEqual([['systemResumed'], ['systemResumed'], ['networkChanged', false]])
})

test('the network is polled and only changes are reported', () => {
  core.signals.length = 0
  vi.advanceTimersByTime(15_000)
  expect(signals()).toEqual([])
  net.isOnline.mockImplementation(() => false)
  vi.advanceTimersByTime(5_000)
  vi.advanceTimersByTime(5_000)
  net.isOnline.mockImplementation(() => true)
  vi.advanceTimersByTime(5_000)
  expect(signals()).toEqual([
    ['networkChanged', false],
    ['networkChanged', true],
  ])
})

test('after dispose nothing reaches the core', () => {
  stop()
  core.signals.length = 0
  window.emit('focus')
  powerMonitor.emit('resume')
  net.isOnline.mockImplementation(() => false)
  vi.advanceTimersByTime(60_000)
  expect(signals()).toEqual([])
  expect(powerMonitor.listenerCount('resume')).toBe(0)
  expect(window.listenerCount('focus')).toBe(0)
})
