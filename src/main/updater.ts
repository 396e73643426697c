/**
 * The app's updater for the core (UpdaterPort, docs/design.md §7.9):
 * electron-updater's `autoUpdater` with the generic provider, pointed by the
 * core at a feed (`<server>/updates/` or the configured address). Its events
 * become `UpdaterEvent`s; the core decides when to check and what to show.
 *
 * - Found updates download in the background (`autoDownload`).
 * - "Restart to update" is `quitAndInstall(silent, run after)`: the installer
 *   runs without questions and Parley starts again on the new version.
 * - `autoInstallOnAppQuit` stays on: a downloaded update is also installed
 *   when the user quits Parley themselves. That is not a restart — nothing
 *   closes under the user — and it saves the update from waiting for a
 *   "Restart to update" nobody clicks (docs/desktop.md#updates).
 *
 * Where updates cannot work the port says why and never touches
 * electron-updater: a development run, a Linux install from a package (the
 * package manager updates it), a macOS app without a Developer ID signature
 * (Squirrel.Mac installs only signed updates), a build made without update
 * information (electron-builder writes app-update.yml only with `publish`).
 *
 * electron-updater is CommonJS whose `autoUpdater` export is a getter Node's
 * ESM loader cannot see, so it comes through the default import.
 */
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { app } from 'electron'
import electronUpdater, { type AppUpdater, type ProgressInfo, type UpdateInfo } from 'electron-updater'
import type { UpdaterEvent, UpdaterPort } from './core/shell-port'
import { shellLog, type ShellLog } from './log'

/** What decides whether this copy of Parley can update itself. */
export interface UpdaterHost {
  isPackaged: boolean
  platform: NodeJS.Platform
  /** Linux: the AppImage's own path (set by the AppImage runtime); unset for a deb or a run from a folder. */
  appImage: string | undefined
  /** electron-builder's `<resources>/app-update.yml` is there (it writes it only for builds with `publish`). */
  hasUpdateConfig: boolean
  /** macOS: the app carries a Developer ID signature. */
  macSigned: boolean
}

export const UNSUPPORTED = {
  development: 'This is a development build: it does not update itself.',
  linuxPackage: 'Parley was installed from a package: update it with your package manager or from the download page.',
  macUnsigned: 'This copy of Parley is not signed, and macOS installs updates only for signed apps: get new versions from the download page.',
  noUpdateConfig: 'This build of Parley was made without update information: get new versions from the download page.',
} as const

export function updateUnsupportedReason(host: UpdaterHost): string | null {
  if (!host.isPackaged) return UNSUPPORTED.development
  if (host.platform === 'linux' && (host.appImage === undefined || host.appImage === '')) return UNSUPPORTED.linuxPackage
  if (host.platform === 'darwin' && !host.macSigned) return UNSUPPORTED.macUnsigned
  if (!host.hasUpdateConfig) return UNSUPPORTED.noUpdateConfig
  return null
}

/** This process, as updates see it. */
export async function currentUpdaterHost(): Promise<UpdaterHost> {
  const isPackaged = app.isPackaged
  return {
    isPackaged,
    platform: process.platform,
    appImage: process.env.APPIMAGE,
    hasUpdateConfig: isPackaged && existsSync(join(process.resourcesPath, 'app-update.yml')),
    macSigned: process.platform === 'darwin' && isPackaged ? await hasDeveloperIdSignature(join(app.getPath('exe'), '..', '..', '..')) : false,
  }
}

/** The shell's UpdaterPort: over electron-updater where updates can work, else one that only says why not. */
export async function createUpdater(log: ShellLog = shellLog('updater'), host?: UpdaterHost): Promise<UpdaterPort> {
  const reason = updateUnsupportedReason(host ?? (await currentUpdaterHost()))
  if (reason !== null) {
    log.info({ reason }, 'updates unsupported')
    return unsupportedUpdater(reason)
  }
  return updaterPort(electronUpdater.autoUpdater, log)
}

/** An UpdaterPort over an electron-updater instance (the app's `autoUpdater`; the integration test's own). */
export function updaterPort(updater: AppUpdater, log: ShellLog): UpdaterPort {
  updater.logger = {
    info: (message?: unknown) => log.info({}, `electron-updater: ${String(message)}`),
    warn: (message?: unknown) => log.warn({}, `electron-updater: ${String(message)}`),
    // Its error lines carry whole stacks; the core logs the failure in words.
    error: (message?: unknown) => log.warn({}, `electron-updater: ${String(message).split('\n', 1)[0] ?? ''}`),
  }
  updater.autoDownload = true
  updater.autoInstallOnAppQuit = true
  updater.allowDowngrade = false

  const listeners = new Set<(event: UpdaterEvent) => void>()
  const emit = (event: UpdaterEvent): void => {
    for (const listener of [...listeners]) listener(event)
  }
  updater.on('checking-for-update', () => emit({ type: 'checking' }))
  updater.on('update-available', (info: UpdateInfo) => emit({ type: 'available', version: info.version }))
  updater.on('update-not-available', () => emit({ type: 'not-available' }))
  updater.on('download-progress', (progress: ProgressInfo) =>
    emit({ type: 'progress', percent: progress.percent, transferred: progress.transferred, total: progress.total, bytesPerSecond: progress.bytesPerSecond }),
  )
  updater.on('update-downloaded', (info: UpdateInfo) => emit({ type: 'downloaded', version: info.version }))
  updater.on('error', (error: Error) => emit({ type: 'error', message: error.message }))

  return {
    unsupportedReason: null,
    setFeedUrl(url) {
      updater.setFeedURL({ provider: 'generic', url })
    },
    async check() {
      const result = await updater.checkForUpdates()
      // The download goes on in the background; its failure arrives as the `error` event.
      result?.downloadPromise?.catch(() => undefined)
    },
    quitAndInstall() {
      updater.quitAndInstall(true, true)
    },
    on(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
  }
}

function unsupportedUpdater(reason: string): UpdaterPort {
  return {
    unsupportedReason: reason,
    setFeedUrl: () => undefined,
    check: async () => undefined,
    quitAndInstall: () => undefined,
    on: () => () => undefined,
  }
}

/** Whether the app bundle is signed with a Developer ID (ad-hoc signatures, as on unsigned arm64 builds, have no team). */
function hasDeveloperIdSignature(bundle: string): Promise<boolean> {
  return new Promise((resolve) => {
    execFile('codesign', ['-dv', '--verbose=2', bundle], { timeout: 10_000 }, (err, _stdout, stderr) => {
      resolve(err === null && /^TeamIdentifier=(?!not set)\S+/m.test(String(stderr)))
    })
  })
}

/**
 * The updater, telling the shell before it installs (and so quits), so that
 * closing the window then really closes it: on macOS Electron closes the
 * windows before it quits for an update, and close-to-tray would only hide them.
 */
export function installingCloses(updater: UpdaterPort, beforeInstall: () => void): UpdaterPort {
  return {
    get unsupportedReason() {
      return updater.unsupportedReason
    },
    setFeedUrl: (url) => updater.setFeedUrl(url),
    check: () => updater.check(),
    quitAndInstall: () => {
      beforeInstall()
      updater.quitAndInstall()
    },
    on: (listener) => updater.on(listener),
  }
}
