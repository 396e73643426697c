/**
 * The total unread count outside the window: the dock or launcher badge on
 * macOS and Linux (`app.setBadgeCount`; on Linux through the LauncherEntry
 * API, which needs package.json's `desktopName` to name the installed
 * .desktop file), an overlay on the taskbar button on Windows, where
 * `setBadgeCount` does nothing (unread-badge.ts draws it); and the tray
 * icon's tooltip (and its title on macOS), with a small menu to open the
 * window or quit.
 */
import { app, Menu, nativeImage, Tray, type BrowserWindow } from 'electron'
import { shellLog } from './log'
import { badgeBitmap, badgeLabel } from './unread-badge'

const log = shellLog('tray')

export interface UnreadIndicatorOptions {
  appName: string
  iconPath: string
  /** The window whose taskbar button carries the count on Windows (null before it exists). */
  window(): BrowserWindow | null
  openWindow(): void
  quit(): void
}

export interface UnreadIndicator {
  setCount(count: number): void
  /** Show the current count on a window that appeared after it was set. */
  windowChanged(): void
  dispose(): void
}

export function createUnreadIndicator(options: UnreadIndicatorOptions): UnreadIndicator {
  const tray = createTray(options)
  let disposed = false
  let unread = 0
  const showBadge = (): void => {
    if (process.platform !== 'win32') {
      app.setBadgeCount(unread)
      return
    }
    const window = options.window()
    if (window === null || window.isDestroyed()) return
    if (unread === 0) {
      window.setOverlayIcon(null, '')
      return
    }
    const { data, width, height, scaleFactor } = badgeBitmap(badgeLabel(unread))
    window.setOverlayIcon(nativeImage.createFromBitmap(data, { width, height, scaleFactor }), `${options.appName} — ${unread} unread`)
  }
  const indicator: UnreadIndicator = {
    setCount(count) {
      if (disposed) return
      unread = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0
      showBadge()
      if (tray === null) return
      tray.setToolTip(unread > 0 ? `${options.appName} — ${unread} unread` : options.appName)
      if (process.platform === 'darwin') tray.setTitle(unread > 0 ? String(unread) : '')
    },
    windowChanged() {
      if (!disposed) showBadge()
    },
    dispose() {
      if (disposed) return
      disposed = true
      unread = 0
      showBadge()
      tray?.destroy()
    },
  }
  indicator.setCount(0)
  return indicator
}

function createTray(options: UnreadIndicatorOptions): Tray | null {
  try {
    const size = process.platform === 'linux' ? 24 : 16
    const icon = nativeImage.createFromPath(options.iconPath)
    const tray = new Tray(icon.isEmpty() ? icon : icon.resize({ width: size, height: size }))
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: `Open ${options.appName}`, click: () => options.openWindow() },
        { type: 'separator' },
        { label: 'Quit', click: () => options.quit() },
      ]),
    )
    // macOS opens the menu on click; elsewhere a click on the icon brings the window back.
    if (process.platform !== 'darwin') tray.on('click', () => options.openWindow())
    return tray
  } catch (err) {
    log.warn({ err: String(err) }, 'no tray icon on this desktop; the unread count shows only as a badge')
    return null
  }
}
