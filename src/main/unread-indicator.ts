/**
 * The total unread count outside the window: the dock or launcher badge on
 * macOS and Linux (`app.setBadgeCount`; on Linux through the LauncherEntry
 * API, which needs package.json's `desktopName` to name the installed
 * .desktop file), an overlay on the taskbar button on Windows, where
 * `setBadgeCount` does nothing (unread-badge.ts draws it); and the tray
 * icon's tooltip ("Parley — 3 unread"; the count is also its title on
 * macOS) and, on Windows and Linux, whose trays have no badges, a red dot on
 * the tray icon; with a small menu to open the window or quit.
 */
import { app, Menu, nativeImage, Tray, type BrowserWindow, type NativeImage } from 'electron'
import { shellLog } from './log'
import { badgeBitmap, badgeLabel, withUnreadDot } from './unread-badge'

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
  /** Whether there is a tray icon to bring the window back from (some Linux desktops have none). */
  hasTray(): boolean
  dispose(): void
}

export function createUnreadIndicator(options: UnreadIndicatorOptions): UnreadIndicator {
  const created = createTray(options)
  const tray = created?.tray ?? null
  let disposed = false
  let unread = 0
  let dotShown = false
  const showDot = (): void => {
    if (created === null || created.dotted === null || dotShown === unread > 0) return
    dotShown = unread > 0
    tray?.setImage(dotShown ? created.dotted : created.icon)
  }
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
      else showDot()
    },
    windowChanged() {
      if (!disposed) showBadge()
    },
    hasTray: () => tray !== null,
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

/** The tray, its icon, and the icon with the unread dot (null where the icon did not load). */
function createTray(options: UnreadIndicatorOptions): { tray: Tray; icon: NativeImage; dotted: NativeImage | null } | null {
  try {
    const size = process.platform === 'linux' ? 24 : 16
    const loaded = nativeImage.createFromPath(options.iconPath)
    const icon = loaded.isEmpty() ? loaded : loaded.resize({ width: size, height: size })
    const tray = new Tray(icon)
    tray.setContextMenu(
      Menu.buildFromTemplate([
        { label: `Open ${options.appName}`, click: () => options.openWindow() },
        { type: 'separator' },
        { label: 'Quit', click: () => options.quit() },
      ]),
    )
    // macOS opens the menu on click; elsewhere a click on the icon brings the window back.
    if (process.platform !== 'darwin') tray.on('click', () => options.openWindow())
    return { tray, icon, dotted: dottedIcon(icon) }
  } catch (err) {
    log.warn({ err: String(err) }, 'no tray icon on this desktop; the unread count shows only as a badge')
    return null
  }
}

function dottedIcon(icon: NativeImage): NativeImage | null {
  if (icon.isEmpty()) return null
  const { width, height } = icon.getSize()
  const bitmap = icon.toBitmap()
  if (width === 0 || height === 0 || bitmap.length !== width * height * 4) return null
  return nativeImage.createFromBitmap(withUnreadDot(bitmap, width, height), { width, height })
}
