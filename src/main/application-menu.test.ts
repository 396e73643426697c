import { beforeEach, expect, test, vi } from 'vitest'
import { Menu, resetFakeElectron } from '../../test/shell/fake-electron'
import { applicationMenuStrings, applicationMenuTemplate, devToolsAllowed, setApplicationMenu } from './application-menu'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const en = applicationMenuStrings('en', 'en-US')

beforeEach(resetFakeElectron)

interface Item {
  role?: string
  label?: string
  submenu?: Item[]
}
const roles = (items: Item[]): string[] => items.flatMap((item) => [...(item.role ? [item.role] : []), ...roles(item.submenu ?? [])])

test('DevTools: always in development, in a packaged app only with --devtools', () => {
  expect(devToolsAllowed(false, ['electron', '.'])).toBe(true)
  expect(devToolsAllowed(true, ['/opt/Parley/parley'])).toBe(false)
  expect(devToolsAllowed(true, ['/opt/Parley/parley', '--devtools'])).toBe(true)
  expect(devToolsAllowed(true, ['/opt/Parley/parley', '--devtools=1'])).toBe(false)
})

test('a minimal menu replaces the default one: no reload or DevTools unless DevTools are allowed', () => {
  for (const platform of ['linux', 'win32', 'darwin'] as const) {
    const locked = roles(applicationMenuTemplate({ appName: 'Parley', text: en, platform, devTools: false }) as Item[])
    expect(locked, platform).toEqual(expect.arrayContaining(['editMenu', 'zoomIn', 'windowMenu']))
    expect(locked.filter((role) => ['reload', 'forceReload', 'toggleDevTools'].includes(role)), platform).toEqual([])
    const open = roles(applicationMenuTemplate({ appName: 'Parley', text: en, platform, devTools: true }) as Item[])
    expect(open, platform).toEqual(expect.arrayContaining(['reload', 'forceReload', 'toggleDevTools']))
  }
  expect(roles(applicationMenuTemplate({ appName: 'Parley', text: en, platform: 'darwin', devTools: false }) as Item[])).toEqual(expect.arrayContaining(['about', 'hide', 'quit']))
  expect(roles(applicationMenuTemplate({ appName: 'Parley', text: en, platform: 'win32', devTools: false }) as Item[])).toContain('fileMenu')
})

test('setApplicationMenu installs it', () => {
  setApplicationMenu({ appName: 'Parley', text: en, platform: 'linux', devTools: false })
  expect(Menu.setApplicationMenu).toHaveBeenCalledOnce()
  expect(roles(Menu.setApplicationMenu.mock.calls[0]?.[0]?.template as Item[])).not.toContain('toggleDevTools')
})

test('with the window-state zoom: Ctrl/Cmd + = (and +, and the keypad), -, 0 in the View menu, in Parley’s steps', () => {
  const zoomed: number[] = []
  const template = applicationMenuTemplate({ appName: 'Parley', text: en, platform: 'linux', devTools: false, zoom: (direction) => zoomed.push(direction) })
  const view = (template.find((item) => item.label === 'View')?.submenu ?? []) as { label?: string; role?: string; accelerator?: string; visible?: boolean; click?: () => void }[]
  expect(view.map((item) => item.role).filter(Boolean)).not.toContain('zoomIn')
  const byKey = (accelerator: string) => view.find((item) => item.accelerator === accelerator)
  expect(byKey('CmdOrCtrl+=')?.label).toBe('Zoom In')
  expect(byKey('CmdOrCtrl+Plus')?.visible).toBe(false)
  for (const key of ['CmdOrCtrl+=', 'CmdOrCtrl+Plus', 'CmdOrCtrl+numadd', 'CmdOrCtrl+-', 'CmdOrCtrl+numsub', 'CmdOrCtrl+0']) byKey(key)?.click?.()
  expect(zoomed).toEqual([1, 1, 1, -1, -1, 0])
})

test('Parley’s labels follow the language setting (system: the OS locale): Check for Updates…, View and zoom in Chinese', () => {
  interface Labelled {
    label?: string
    role?: string
    visible?: boolean
    submenu?: Labelled[]
  }
  const labels = (items: Labelled[]): string[] => items.flatMap((item) => [...(item.label && item.visible !== false ? [item.label] : []), ...labels(item.submenu ?? [])])
  const options = { appName: 'Parley', devTools: false, zoom: () => undefined, checkForUpdates: () => undefined }
  const zh = applicationMenuStrings('zh-CN', 'en-US')
  expect(labels(applicationMenuTemplate({ ...options, platform: 'win32', text: zh }) as Labelled[])).toEqual(['查看', '实际大小', '放大', '缩小', '检查更新…'])
  expect(labels(applicationMenuTemplate({ ...options, platform: 'darwin', text: zh }) as Labelled[])).toEqual(['Parley', '检查更新…', '查看', '实际大小', '放大', '缩小'])
  expect(labels(applicationMenuTemplate({ ...options, platform: 'linux', text: en }) as Labelled[])).toEqual(['View', 'Actual Size', 'Zoom In', 'Zoom Out', 'Check for Updates…'])
  expect(applicationMenuStrings('system', 'zh-Hans-CN')).toBe(zh)
  expect(applicationMenuStrings('system', 'de-DE')).toBe(en)
  expect(applicationMenuStrings('en', 'zh-CN')).toBe(en)
})
