import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { app, resetFakeElectron } from '../../test/shell/fake-electron'
import { findDeepLink, listenForDeepLinks, type DeepLinks } from './deep-links'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const platform = Object.getOwnPropertyDescriptor(process, 'platform')
const argv = process.argv
let revealed: number
let opened: string[]
let links: DeepLinks | null

function listen(os: NodeJS.Platform, args: string[] = ['/opt/Parley/parley']): DeepLinks {
  Object.defineProperty(process, 'platform', { value: os })
  process.argv = args
  links = listenForDeepLinks({ reveal: () => revealed++ })
  return links
}

const openUrl = (url: string): { preventDefault: ReturnType<typeof vi.fn> } => {
  const event = { preventDefault: vi.fn() }
  app.emit('open-url', event, url)
  return event
}

beforeEach(() => {
  resetFakeElectron()
  revealed = 0
  opened = []
  links = null
})
afterEach(() => {
  links?.dispose()
  process.argv = argv
  if (platform) Object.defineProperty(process, 'platform', platform)
})

test('finds the parley:// argument among Chromium switches, in any case', () => {
  expect(findDeepLink(['C:\\Parley\\Parley.exe', '--allow-file-access-from-files', 'parley://conversation/c1'])).toBe('parley://conversation/c1')
  expect(findDeepLink(['/usr/bin/parley', 'PARLEY://message/c1/2'])).toBe('PARLEY://message/c1/2')
  expect(findDeepLink(['/usr/bin/parley', '--profile', 'bob'])).toBeNull()
})

test('an installed app registers itself as the handler of parley://', () => {
  app.isPackaged = true
  listen('linux')
  expect(app.setAsDefaultProtocolClient).toHaveBeenCalledExactlyOnceWith('parley')
})

test('in development on Windows the registration starts Electron with the app entry as its argument', () => {
  app.isPackaged = false
  listen('win32', ['C:\\dev\\node_modules\\electron\\dist\\electron.exe', 'out\\main\\index.js'])
  const [scheme, path, args] = app.setAsDefaultProtocolClient.mock.calls[0] ?? []
  expect(scheme).toBe('parley')
  expect(path).toBe(process.execPath)
  expect(args).toHaveLength(1)
  expect(args?.[0]).toMatch(/out[\\/]main[\\/]index\.js$/)
})

test('a second instance: the first comes to the front and gets the link from its argv', () => {
  const deepLinks = listen('win32')
  deepLinks.deliverTo((url) => opened.push(url) > 0)
  app.emit('second-instance', {}, ['C:\\Parley\\Parley.exe', '--flag', 'parley://message/c1/42'], 'C:\\')
  expect(revealed).toBe(1)
  expect(opened).toEqual(['parley://message/c1/42'])
  // Started again without a link: only the window.
  app.emit('second-instance', {}, ['C:\\Parley\\Parley.exe'], 'C:\\')
  expect(revealed).toBe(2)
  expect(opened).toHaveLength(1)
})

test('macOS open-url before ready waits for the core, in order; later ones go at once', () => {
  const deepLinks = listen('darwin')
  const early = openUrl('parley://conversation/c1')
  expect(early.preventDefault).toHaveBeenCalled()
  openUrl('parley://conversation/c2')
  expect(opened).toEqual([])
  deepLinks.deliverTo((url) => opened.push(url) > 0)
  expect(opened).toEqual(['parley://conversation/c1', 'parley://conversation/c2'])
  openUrl('parley://conversation/c3')
  expect(opened).toEqual(['parley://conversation/c1', 'parley://conversation/c2', 'parley://conversation/c3'])
})

test('a link in argv at first start is delivered once the core exists', () => {
  const deepLinks = listen('linux', ['/opt/Parley/parley', 'parley://invite?server=https%3A%2F%2Fchat.example.org&code=abcdefgh12'])
  expect(opened).toEqual([])
  deepLinks.deliverTo((url) => opened.push(url) > 0)
  expect(opened).toEqual(['parley://invite?server=https%3A%2F%2Fchat.example.org&code=abcdefgh12'])
})

test('disposed: links are no longer taken', () => {
  const deepLinks = listen('linux')
  deepLinks.deliverTo((url) => opened.push(url) > 0)
  deepLinks.dispose()
  links = null
  app.emit('second-instance', {}, ['/opt/Parley/parley', 'parley://conversation/c1'], '/')
  expect(opened).toEqual([])
})
