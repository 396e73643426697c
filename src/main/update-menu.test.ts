import { beforeEach, expect, test, vi } from 'vitest'
import { fakeCore, type FakeCore } from '../../test/shell/fake-core'
import { app, BrowserWindow, dialog, resetFakeElectron } from '../../test/shell/fake-electron'
import type { UpdateStatus } from '../shared/ipc'
import { applicationMenuStrings, applicationMenuTemplate } from './application-menu'
import { checkForUpdatesFromMenu } from './update-menu'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const en = applicationMenuStrings('en', 'en-US')

const status = (patch: Partial<UpdateStatus>): UpdateStatus => ({
  state: 'idle',
  currentVersion: '1.0.0',
  version: null,
  progress: null,
  error: null,
  lastCheckedAt: null,
  ...patch,
})

let core: FakeCore
let window: BrowserWindow
const reveal = vi.fn()
const log = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
const options = (language = 'en') => ({ core: () => core, window: () => window as unknown as Electron.BrowserWindow, reveal, language: () => language, log })
const box = () => dialog.showMessageBox.mock.calls[0]?.[1] as { message: string; detail: string; buttons: string[] } | undefined

beforeEach(() => {
  resetFakeElectron()
  reveal.mockClear()
  core = fakeCore()
  window = new BrowserWindow({})
})

test('the menu item: in the app menu on macOS, under Help elsewhere, only when offered', () => {
  const click = vi.fn()
  type Item = { label?: string; role?: string; submenu?: Item[]; click?: () => void }
  const find = (items: Item[]): Item | undefined =>
    items.flatMap((item) => [item, ...(item.submenu ?? [])]).find((item) => item.label === 'Check for Updates…')
  const mac = applicationMenuTemplate({ appName: 'Parley', text: en, platform: 'darwin', devTools: false, checkForUpdates: click }) as Item[]
  expect(mac[0]?.submenu?.some((item) => item.label === 'Check for Updates…')).toBe(true)
  expect(mac.some((item) => item.role === 'help')).toBe(false)
  for (const platform of ['linux', 'win32'] as const) {
    const template = applicationMenuTemplate({ appName: 'Parley', text: en, platform, devTools: false, checkForUpdates: click }) as Item[]
    expect(template.at(-1)).toMatchObject({ role: 'help', submenu: [{ label: 'Check for Updates…' }] })
  }
  find(mac)?.click?.()
  expect(click).toHaveBeenCalledOnce()
  expect(find(applicationMenuTemplate({ appName: 'Parley', text: en, platform: 'linux', devTools: false }) as Item[])).toBeUndefined()
})

test('reveals the window, checks, and says so when Parley is up to date', async () => {
  core.behaviour.checkForUpdates = () => status({ state: 'checking' })
  const done = checkForUpdatesFromMenu(options())
  await vi.waitFor(() => expect(core.listenerCount()).toBe(1))
  core.emit('update', status({ state: 'checking' }))
  core.emit('update', status({ state: 'up-to-date' }))
  await done
  expect(reveal).toHaveBeenCalledOnce()
  expect(core.calls.map((call) => call.name)).toEqual(['checkForUpdates'])
  expect(box()).toMatchObject({ message: 'Parley is up to date', detail: 'Version 1.0.0 is the newest.' })
  expect(core.listenerCount()).toBe(0)
})

test('a ready update offers "Restart to update", and installs only when the user picks it', async () => {
  core.behaviour.checkForUpdates = () => status({ state: 'ready', version: '1.1.0' })
  dialog.showMessageBox.mockResolvedValueOnce({ response: 1, checkboxChecked: false })
  await checkForUpdatesFromMenu(options())
  expect(box()).toMatchObject({ message: 'Parley 1.1.0 is ready', buttons: ['Restart to update', 'Later'] })
  expect(core.calls.map((call) => call.name)).toEqual(['checkForUpdates'])
  dialog.showMessageBox.mockResolvedValueOnce({ response: 0, checkboxChecked: false })
  await checkForUpdatesFromMenu(options())
  expect(core.calls.map((call) => call.name)).toEqual(['checkForUpdates', 'checkForUpdates', 'installUpdate'])
})

test('why a check cannot happen, in Chinese when that is the language', async () => {
  core.behaviour.checkForUpdates = () => status({ state: 'unsupported', error: 'This is a development build: it does not update itself.' })
  await checkForUpdatesFromMenu(options('zh-CN'))
  expect(box()).toMatchObject({ message: '无法检查更新', detail: 'This is a development build: it does not update itself.' })
  app.getSystemLocale.mockReturnValueOnce('zh-TW')
  dialog.showMessageBox.mockClear()
  core.behaviour.checkForUpdates = () => status({ state: 'downloading', version: '1.1.0' })
  await checkForUpdatesFromMenu(options('system'))
  expect(box()?.message).toBe('正在下载 Parley 1.1.0')
})
