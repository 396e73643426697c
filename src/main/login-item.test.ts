import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import { app, resetFakeElectron } from '../../test/shell/fake-electron'
import { applyLaunchAtLogin, autostartDirectory, autostartEntry } from './login-item'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

const platform = Object.getOwnPropertyDescriptor(process, 'platform')
let configHome: string

beforeEach(() => {
  resetFakeElectron()
  configHome = mkdtempSync(join(tmpdir(), 'parley-autostart-'))
  vi.stubEnv('XDG_CONFIG_HOME', configHome)
  vi.stubEnv('APPIMAGE', undefined)
})
afterEach(() => {
  vi.unstubAllEnvs()
  rmSync(configHome, { recursive: true, force: true })
  if (platform) Object.defineProperty(process, 'platform', platform)
})

const on = (os: NodeJS.Platform): void => void Object.defineProperty(process, 'platform', { value: os })

test('the autostart entry starts the app, every argument quoted and escaped per the Desktop Entry spec', () => {
  expect(autostartEntry({ name: 'Parley', command: '/opt/Parley/parley', args: ['--profile', 'bob'] })).toBe(
    [
      '[Desktop Entry]',
      'Type=Application',
      'Version=1.5',
      'Name=Parley',
      'Exec="/opt/Parley/parley" "--profile" "bob"',
      'Terminal=false',
      'X-GNOME-Autostart-enabled=true',
      '',
    ].join('\n'),
  )
  const odd = autostartEntry({ name: 'Par\nley', command: '/home/a "b"/$HOME/100%/x\\y' })
  expect(odd).toContain('Name=Par ley\n')
  // Quoting escapes " $ \ with a backslash; the string value then doubles each backslash; % is doubled.
  expect(odd).toContain('Exec="/home/a \\\\"b\\\\"/\\\\$HOME/100%%/x\\\\\\\\y"\n')
})

test('the autostart folder follows XDG_CONFIG_HOME when it is absolute, else ~/.config', () => {
  expect(autostartDirectory({ XDG_CONFIG_HOME: '/x/config' }, '/home/ann')).toBe('/x/config/autostart')
  expect(autostartDirectory({ XDG_CONFIG_HOME: 'relative' }, '/home/ann')).toBe('/home/ann/.config/autostart')
  expect(autostartDirectory({}, '/home/ann')).toBe('/home/ann/.config/autostart')
})

test('Linux: on writes ~/.config/autostart/parley.desktop for this executable (the AppImage itself when there is one); off removes it', () => {
  on('linux')
  const path = join(configHome, 'autostart', 'parley.desktop')
  applyLaunchAtLogin(true, { appName: 'Parley', args: [] })
  expect(readFileSync(path, 'utf8')).toContain(`Exec="${process.execPath}"`)
  vi.stubEnv('APPIMAGE', '/home/ann/Apps/Parley.AppImage')
  applyLaunchAtLogin(true, { appName: 'Parley', args: ['--profile', 'work'] })
  expect(readFileSync(path, 'utf8')).toContain('Exec="/home/ann/Apps/Parley.AppImage" "--profile" "work"')
  applyLaunchAtLogin(false, { appName: 'Parley' })
  expect(existsSync(path)).toBe(false)
  // Off again: nothing to remove, no error.
  applyLaunchAtLogin(false, { appName: 'Parley' })
  expect(app.setLoginItemSettings).not.toHaveBeenCalled()
})

test('macOS and Windows: a login item, with the profile switch when there is one', () => {
  on('darwin')
  applyLaunchAtLogin(true, { appName: 'Parley', args: [] })
  expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true })
  on('win32')
  applyLaunchAtLogin(true, { appName: 'Parley', args: ['--profile', 'work'] })
  expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: true, args: ['--profile', 'work'] })
  applyLaunchAtLogin(false, { appName: 'Parley' })
  expect(app.setLoginItemSettings).toHaveBeenLastCalledWith({ openAtLogin: false })
  expect(existsSync(join(configHome, 'autostart'))).toBe(false)
})

test('a failure is logged, not thrown', () => {
  on('win32')
  app.setLoginItemSettings.mockImplementationOnce(() => {
    throw new Error('denied')
  })
  expect(() => applyLaunchAtLogin(true, { appName: 'Parley' })).not.toThrow()
})
