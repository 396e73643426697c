/**
 * The total unread count outside the window: the dock/launcher badge where
 * the platform has one, and the tray icon's tooltip (and its title on macOS),
 * with a small menu to open the window or quit.
 */
import { app, Menu, nativeImage, Tray } from 'electron'
import { shellLog } from './log'

const log = shellLog('tray')

export interface UnreadIndicatorOptions {
  appName: string
  iconPath: string
  openWindow(): void
  quit(): void
}

export interface UnreadIndicator {
  setCount(count: number): void
  dispose(): void
}

export function createUnreadIndicator(options: UnreadIndicatorOptions): UnreadIndicator {
  const tray = createTray(options)
  let disposed = false
  const indicator: UnreadIndicator = {
    setCount(count) {
      if (disposed) return
      const unread = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0
      // Supported on macOS and on Linux desktops with a Unity launcher; a no-op elsewhere.
      app.setBadgeCount(unread)
      if (tray === null) return
      tray.setToolTip(unread > 0 ? `${options.appName} — ${unread} unread` : options.appName)
      if (process.platform === 'darwin') tray.setTitle(unread > 0 ? String(unread) : '')
    },
    dispose() {
      if (disposed) return
      disposed = true
      app.setBadgeCount(0)
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
