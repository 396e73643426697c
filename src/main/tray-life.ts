/**
 * Parley's life beside the window (the settings `closeToTray`,
 * `startMinimized`, `launchAtLogin`):
 *
 * - Closing the window on Windows and Linux hides it in the tray while
 *   `closeToTray` is on (and there is a tray to come back from); with it
 *   off, closing quits. macOS keeps its own habit whatever the setting: the
 *   window hides, the app stays in the dock and the menu bar until Cmd+Q.
 *   Quitting — the tray's or the app menu's Quit, Cmd+Q, a signal — always
 *   quits: the window then closes for real.
 * - Starting minimized: the window is created hidden (there must be a tray
 *   to bring it back, or macOS's dock).
 * - Launching at login follows the setting at start and whenever it changes
 *   (login-item.ts); only an installed app registers itself.
 */
import type { BrowserWindow } from 'electron'
import type { Settings } from '../shared/settings'
import { applyLaunchAtLogin } from './login-item'
import { shellLog } from './log'

const log = shellLog('tray-life')

/** Whether the window starts hidden: asked for, and something to bring it back from. */
export function startsHidden(settings: Pick<Settings, 'startMinimized'>, platform: NodeJS.Platform, hasTray: boolean): boolean {
  return settings.startMinimized && (platform === 'darwin' || hasTray)
}

export interface TrayLifeOptions {
  window: BrowserWindow
  /** The settings at start; later ones come through `settingsChanged`. */
  settings: Settings
  hasTray(): boolean
  /** The app is quitting: the window may close for real. */
  quitting(): boolean
  /** Whether this app may register itself to start at login (an installed one), and with which arguments. */
  loginItem: { enabled: boolean; appName: string; args: readonly string[] }
}

export interface TrayLife {
  settingsChanged(settings: Settings): void
  dispose(): void
}

export function startTrayLife(options: TrayLifeOptions): TrayLife {
  let settings = options.settings
  const onClose = (event: { preventDefault(): void }): void => {
    if (options.quitting()) return
    const keep = process.platform === 'darwin' || (settings.closeToTray && options.hasTray())
    if (!keep) return
    event.preventDefault()
    options.window.hide()
  }
  options.window.on('close', onClose)

  let launchAtLogin: boolean | null = null
  const applyLoginItem = (): void => {
    if (settings.launchAtLogin === launchAtLogin) return
    launchAtLogin = settings.launchAtLogin
    if (!options.loginItem.enabled) {
      log.info({ launchAtLogin }, 'launching at login is for an installed app; not registered in development')
      return
    }
    applyLaunchAtLogin(launchAtLogin, { appName: options.loginItem.appName, args: options.loginItem.args })
  }
  applyLoginItem()

  return {
    settingsChanged(next) {
      settings = next
      applyLoginItem()
    },
    dispose() {
      options.window.off('close', onClose)
    },
  }
}
