/**
 * The app's updates end to end, without the Electron binary (docs/design.md
 * §7.9): the real electron-updater (AppImageUpdater, generic provider) under
 * the shell's port (src/main/updater.ts), driven by the core's state machine,
 * against the /updates/ folder of a real Parley server process whose
 * RELEASES_DIR holds a generated release.
 *
 * electron-updater needs `electron`, narrowly: `app` (version, name, paths,
 * isPackaged, whenReady, quit and its `quit` event), `net.request` for its
 * HTTP (here Node's http, which answers the same way), `session.fromPartition`
 * and `autoUpdater` (an emitter it signals before quitting). It requires the
 * module from CommonJS, which vi.mock does not reach, so the same stub is
 * also put in Node's require cache under `electron`'s path; vi.mock gives it
 * to src/main/updater.ts. APPIMAGE names a temporary file, so the AppImage
 * path runs; its downloads land in XDG_CACHE_HOME.
 */
import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import https from 'node:https'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test, vi } from 'vitest'
import type { UpdateStatus } from '../../../src/shared/ipc'
import { cleanupCoreDirs, recordingServices, startCore, type TestCore } from '../../helpers/core'
import { writeFakeRelease } from '../../helpers/releases'
import { PASSWORD } from '../../helpers/rest'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

const electron = vi.hoisted(() => {
  const paths: Record<string, string> = {}
  const quit = { calls: 0 }
  return { paths, quit }
})

/** Just what electron-updater and src/main/updater.ts touch. */
function electronStub() {
  const app = Object.assign(new EventEmitter(), {
    isPackaged: true,
    getVersion: () => '1.0.0',
    getName: () => 'Parley',
    getPath: (name: string) => electron.paths[name] ?? join(tmpdir(), 'parley-updates-unexpected', name),
    getAppPath: () => electron.paths.app,
    getSystemLocale: () => 'en-US',
    whenReady: () => Promise.resolve(),
    quit: () => void (electron.quit.calls += 1),
    relaunch: () => undefined,
  })
  return {
    app,
    net: {
      // Electron's net.request takes Node's request options plus `session` and `redirect`; its answers look like Node's.
      request({ session: _session, redirect: _redirect, ...options }: http.RequestOptions & { session?: unknown; redirect?: string }) {
        return (options.protocol === 'https:' ? https : http).request(options)
      },
    },
    session: { fromPartition: () => ({}) },
    autoUpdater: new EventEmitter(),
  }
}

const stub = vi.hoisted(() => ({ value: null as ReturnType<typeof electronStub> | null }))
vi.mock('electron', () => {
  stub.value ??= electronStub()
  return { ...stub.value, default: stub.value }
})

const VERSION = '1.2.0'
const APPIMAGE_NAME = `Parley-${VERSION}-linux-x86_64.AppImage`
const root = mkdtempSync(join(tmpdir(), 'parley-updates-'))
const releasesDir = join(root, 'releases')
const appImage = join(root, 'Parley-1.0.0-linux-x86_64.AppImage')
const oldAppImage = Buffer.from('#!/bin/sh\necho "Parley 1.0.0"\n')
const saved = { APPIMAGE: process.env.APPIMAGE, XDG_CACHE_HOME: process.env.XDG_CACHE_HOME, resourcesPath: process.resourcesPath }

let server: ServerProcess
let alice: TestCore
const seen: UpdateStatus[] = []

beforeAll(async () => {
  for (const dir of ['releases', 'data', 'userData', 'cache', 'resources', 'app']) mkdirSync(join(root, dir), { recursive: true })
  Object.assign(electron.paths, { userData: join(root, 'userData'), app: join(root, 'app'), exe: join(root, 'parley') })
  stub.value ??= electronStub()
  const require = createRequire(import.meta.url)
  const electronPath = require.resolve('electron')
  require.cache[electronPath] = { id: electronPath, filename: electronPath, loaded: true, exports: stub.value } as NodeJS.Module

  // The installed AppImage, as the AppImage runtime announces it.
  writeFileSync(appImage, oldAppImage)
  chmodSync(appImage, 0o755)
  process.env.APPIMAGE = appImage
  process.env.XDG_CACHE_HOME = join(root, 'cache')
  // What electron-builder writes into a packaged app's resources when `publish` is set.
  writeFileSync(join(root, 'resources', 'app-update.yml'), 'provider: generic\nurl: https://example.invalid/updates/\nupdaterCacheDirName: parley-updater\n')
  Object.defineProperty(process, 'resourcesPath', { value: join(root, 'resources'), configurable: true, writable: true })

  server = await spawnServer({ DATA_DIR: join(root, 'data'), RELEASES_DIR: releasesDir })
  const { createUpdater } = await import('../../../src/main/updater')
  const log = { info: () => undefined, warn: () => undefined, error: () => undefined }
  const updater = await createUpdater(log)
  expect(updater.unsupportedReason).toBeNull()
  alice = await startCore(server.url, { services: { ...recordingServices(), updater } })
  // Checks come from the test, not from the schedule.
  await alice.core.updateSettings({ autoUpdate: false })
  await alice.core.register({ serverUrl: server.url, username: `upd${process.pid.toString(36)}`, password: PASSWORD })
  alice.core.on('update', (status) => seen.push(status))
}, 60_000)

afterAll(async () => {
  await alice?.stop()
  await server?.stop()
  cleanupCoreDirs()
  for (const [key, value] of Object.entries({ APPIMAGE: saved.APPIMAGE, XDG_CACHE_HOME: saved.XDG_CACHE_HOME })) {
    if (value === undefined) delete process.env[key]
    else process.env[key] = value
  }
  Object.defineProperty(process, 'resourcesPath', { value: saved.resourcesPath, configurable: true, writable: true })
  rmSync(root, { recursive: true, force: true })
})

async function settled(): Promise<UpdateStatus> {
  await vi.waitFor(
    async () => {
      const status = await alice.core.getUpdateStatus()
      expect(['checking', 'downloading']).not.toContain(status.state)
    },
    { timeout: 20_000, interval: 50 },
  )
  return alice.core.getUpdateStatus()
}

test('a server with no release: the check ends in error, in words', async () => {
  seen.length = 0
  const started = await alice.core.checkForUpdates()
  expect(started.state).toBe('checking')
  const status = await settled()
  expect(status).toMatchObject({ state: 'error', version: null })
  expect(status.error).toBe(`There is no release for this system at ${new URL(server.url).host} yet.`)
  expect(seen.map((s) => s.state)).toEqual(['checking', 'error'])
})

test("the signed-in server's release: checked, downloaded in the background with progress, ready — and never installed by itself", async () => {
  const release = writeFakeRelease(releasesDir, VERSION, ['latest-linux.yml'])
  const bytes = release.files.get(APPIMAGE_NAME)
  expect(bytes).toBeDefined()
  seen.length = 0

  await alice.core.checkForUpdates()
  const status = await settled()
  expect(status).toMatchObject({ state: 'ready', version: VERSION, progress: null, error: null })

  const states = seen.map((s) => s.state)
  expect(states[0]).toBe('checking')
  expect(states.at(-1)).toBe('ready')
  expect(states.slice(1, -1).every((state) => state === 'downloading')).toBe(true)
  const progress = seen.filter((s) => s.state === 'downloading').map((s) => s.progress)
  expect(progress.at(-1)).toMatchObject({ percent: 100, transferred: bytes?.length, total: bytes?.length })

  // The download: exactly the release's bytes, where electron-updater keeps a pending update.
  const downloaded = join(root, 'cache', 'parley-updater', 'pending', APPIMAGE_NAME)
  expect(existsSync(downloaded)).toBe(true)
  const file = readFileSync(downloaded)
  expect(file.equals(bytes as Buffer)).toBe(true)
  expect(createHash('sha512').update(file).digest('base64')).toBe(createHash('sha512').update(bytes as Buffer).digest('base64'))

  // Nothing installs by itself: the AppImage is untouched and nothing quit, a while later too.
  await new Promise((resolve) => setTimeout(resolve, 1_000))
  expect(readFileSync(appImage).equals(oldAppImage)).toBe(true)
  expect(electron.quit.calls).toBe(0)
  expect((await alice.core.getUpdateStatus()).state).toBe('ready')

  // Another check while an update waits for its restart changes nothing.
  expect((await alice.core.checkForUpdates()).state).toBe('ready')

  // "Restart to update" — the user's word — reaches electron-updater (stopped there: this process is no AppImage to replace).
  const { default: electronUpdater } = await import('electron-updater')
  const install = vi.spyOn(electronUpdater.autoUpdater, 'quitAndInstall').mockImplementation(() => undefined)
  await alice.core.installUpdate()
  expect(install).toHaveBeenCalledExactlyOnceWith(true, true)
}, 40_000)
