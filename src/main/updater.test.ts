import type { EventEmitter } from 'node:events'
import { beforeEach, describe, expect, test, vi } from 'vitest'
import { resetFakeElectron } from '../../test/shell/fake-electron'
import type { UpdaterEvent } from './core/shell-port'
import { createUpdater, installingCloses, UNSUPPORTED, updateUnsupportedReason, type UpdaterHost } from './updater'

vi.mock('electron', () => import('../../test/shell/fake-electron'))

/** electron-updater's autoUpdater as far as the port uses it: an emitter with the calls recorded. */
const fake = vi.hoisted(() => {
  // vi.hoisted runs before imports: require the emitter here.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { EventEmitter: Emitter } = require('node:events') as { EventEmitter: typeof EventEmitter }
  class FakeAutoUpdater extends Emitter {
    autoDownload = false
    autoInstallOnAppQuit = false
    allowDowngrade = true
    logger: unknown = console
    setFeedURL = vi.fn()
    checkForUpdates = vi.fn(async (): Promise<{ downloadPromise?: Promise<unknown> } | null> => null)
    quitAndInstall = vi.fn()
  }
  return { autoUpdater: new FakeAutoUpdater(), touched: 0 }
})

vi.mock('electron-updater', () => ({
  default: {
    get autoUpdater() {
      fake.touched += 1
      return fake.autoUpdater
    },
  },
}))

const silent = { info: vi.fn(), warn: vi.fn(), error: vi.fn() }
const supported: UpdaterHost = { isPackaged: true, platform: 'linux', appImage: '/home/a/Parley.AppImage', hasUpdateConfig: true, macSigned: false }

beforeEach(() => {
  resetFakeElectron()
  fake.autoUpdater.removeAllListeners()
  fake.touched = 0
})

describe('where updates cannot work', () => {
  test.each<[string, Partial<UpdaterHost>, string | null]>([
    ['a development run', { isPackaged: false }, UNSUPPORTED.development],
    ['Linux, installed from a package (no APPIMAGE)', { appImage: undefined }, UNSUPPORTED.linuxPackage],
    ['Linux, AppImage', {}, null],
    ['macOS without a Developer ID signature', { platform: 'darwin', appImage: undefined }, UNSUPPORTED.macUnsigned],
    ['macOS, signed', { platform: 'darwin', appImage: undefined, macSigned: true }, null],
    ['Windows (an unsigned NSIS build still updates)', { platform: 'win32', appImage: undefined }, null],
    ['a build without app-update.yml', { platform: 'win32', hasUpdateConfig: false }, UNSUPPORTED.noUpdateConfig],
  ])('%s', (_name, host, reason) => {
    expect(updateUnsupportedReason({ ...supported, ...host })).toBe(reason)
  })

  test('the words the issue asks for', () => {
    expect(UNSUPPORTED.development).toMatch(/development build/)
    expect(UNSUPPORTED.linuxPackage).toMatch(/installed from a package: update it with your package manager or from the download page/)
    expect(UNSUPPORTED.macUnsigned).toMatch(/not signed/)
  })

  test('an unsupported port says why and never loads electron-updater', async () => {
    const port = await createUpdater(silent, { ...supported, isPackaged: false })
    expect(port.unsupportedReason).toBe(UNSUPPORTED.development)
    await port.check()
    port.setFeedUrl('https://example.org/updates/')
    port.quitAndInstall()
    expect(fake.touched).toBe(0)
  })

  test('in this test process (not packaged) the real host check says development build', async () => {
    const port = await createUpdater(silent)
    expect(port.unsupportedReason).toBe(UNSUPPORTED.development)
  })
})

describe('over electron-updater', () => {
  test('background downloads; a downloaded update also installs when the user quits; no downgrades', async () => {
    const port = await createUpdater(silent, supported)
    expect(port.unsupportedReason).toBeNull()
    expect(fake.autoUpdater).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: false })
  })

  test('the feed is the generic provider at the given URL', async () => {
    const port = await createUpdater(silent, supported)
    port.setFeedUrl('https://chat.example.org/updates/')
    expect(fake.autoUpdater.setFeedURL).toHaveBeenCalledWith({ provider: 'generic', url: 'https://chat.example.org/updates/' })
  })

  test("electron-updater's events become UpdaterEvents", async () => {
    const port = await createUpdater(silent, supported)
    const events: UpdaterEvent[] = []
    const off = port.on((event) => events.push(event))
    const emitter = fake.autoUpdater as EventEmitter
    emitter.emit('checking-for-update')
    emitter.emit('update-available', { version: '1.2.0', files: [], path: '', sha512: '', releaseDate: '' })
    emitter.emit('download-progress', { total: 1000, delta: 10, transferred: 500, percent: 50, bytesPerSecond: 250 })
    emitter.emit('update-downloaded', { version: '1.2.0', downloadedFile: '/tmp/x', files: [], path: '', sha512: '', releaseDate: '' })
    emitter.emit('update-not-available', { version: '1.0.0' })
    emitter.emit('error', new Error('HttpError: 404'), 'Cannot check for updates: …')
    expect(events).toEqual([
      { type: 'checking' },
      { type: 'available', version: '1.2.0' },
      { type: 'progress', percent: 50, transferred: 500, total: 1000, bytesPerSecond: 250 },
      { type: 'downloaded', version: '1.2.0' },
      { type: 'not-available' },
      { type: 'error', message: 'HttpError: 404' },
    ])
    off()
    emitter.emit('checking-for-update')
    expect(events).toHaveLength(6)
  })

  test('check waits for the check, not for the download, and a failed download does not reject anywhere', async () => {
    const port = await createUpdater(silent, supported)
    const download = Promise.reject(new Error('download failed'))
    fake.autoUpdater.checkForUpdates.mockResolvedValueOnce({ downloadPromise: download })
    await expect(port.check()).resolves.toBeUndefined()
    // An unhandled rejection would fail this test run.
    await new Promise((resolve) => setImmediate(resolve))
  })

  test('a check that fails rejects (the core words it)', async () => {
    const port = await createUpdater(silent, supported)
    fake.autoUpdater.checkForUpdates.mockRejectedValueOnce(new Error('net::ERR_NAME_NOT_RESOLVED'))
    await expect(port.check()).rejects.toThrow('ERR_NAME_NOT_RESOLVED')
  })

  test('install is quit-and-install, silent, and starts Parley again', async () => {
    const port = await createUpdater(silent, supported)
    expect(fake.autoUpdater.quitAndInstall).not.toHaveBeenCalled()
    port.quitAndInstall()
    expect(fake.autoUpdater.quitAndInstall).toHaveBeenCalledWith(true, true)
  })

  test("its log lines go to the shell's log, errors without their stacks", async () => {
    await createUpdater(silent, supported)
    const logger = fake.autoUpdater.logger as { info(m: string): void; error(m: string): void }
    logger.info('Checking for update')
    logger.error('Error: boom\n    at somewhere')
    expect(silent.info).toHaveBeenCalledWith({}, 'electron-updater: Checking for update')
    expect(silent.warn).toHaveBeenCalledWith({}, 'electron-updater: Error: boom')
  })
})

describe('installingCloses', () => {
  test('says so before it installs; everything else passes through', async () => {
    const calls: string[] = []
    const inner = {
      unsupportedReason: null,
      setFeedUrl: (url: string) => calls.push(`feed ${url}`),
      check: async () => {
        calls.push('check')
      },
      quitAndInstall: () => calls.push('install'),
      on: () => () => undefined,
    }
    const port = installingCloses(inner, () => calls.push('closing for real'))
    port.setFeedUrl('http://x/updates/')
    await port.check()
    expect(calls).toEqual(['feed http://x/updates/', 'check'])
    port.quitAndInstall()
    expect(calls.slice(2)).toEqual(['closing for real', 'install'])
    expect(port.unsupportedReason).toBeNull()
  })
})
