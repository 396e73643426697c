/**
 * The total unread count outside the window: the dock or launcher badge on
 * macOS and Linux (`app.setBadgeCount`; on Linux through the LauncherEntry
 * API, which needs package.json's `desktopName` to name the installed
 * .desktop file), an overlay on the taskbar button on Windows, where
 * `setBadgeCount` does nothing (unread-badge.ts draws it); and the tray
 * icon's tooltip ("Parley — 3 unread"; the count is also its title on
 * macOS) and, on Windows and Linux, whose trays have no badges, the count
 * drawn on the tray icon (unread-badge.ts, "99+" past 99); with a small menu
 * to open the window or quit. Its words follow the app's language
 * (`strings`; `languageChanged` when it changes).
 */
import { app, Menu, nativeImage, Tray, type BrowserWindow, type NativeImage } from 'electron'
import { shellLog } from './log'
import { shellStrings } from './shell-locale'
import { badgeBitmap, badgeLabel, withUnreadCount } from './unread-badge'

const log = shellLog('tray')

const STRINGS = {
  en: {
    unread: (appName: string, count: number) => `${appName} — ${count} unread`,
    open: (appName: string) => `Open ${appName}`,
    quit: 'Quit',
  },
  'zh-CN': {
    unread: (appName: string, count: number) => `${appName} — ${count} 条未读`,
    open: (appName: string) => `打开 ${appName}`,
    quit: '退出',
  },
} as const

export type TrayStrings = (typeof STRINGS)[keyof typeof STRINGS]

/** 'en', 'zh-CN' or 'system' (the language setting), with the OS locale for 'system'. */
export function trayStrings(language: string, systemLocale: string): TrayStrings {
  return shellStrings<TrayStrings>(STRINGS, language, systemLocale)
}

export interface UnreadIndicatorOptions {
  appName: string
  iconPath: string
  /** The window whose taskbar button carries the count on Windows (null before it exists). */
  window(): BrowserWindow | null
  openWindow(): void
  quit(): void
  /** The words in the app's language now. */
  strings(): TrayStrings
}

export interface UnreadIndicator {
  setCount(count: number): void
  /** Show the current count on a window that appeared after it was set. */
  windowChanged(): void
  /** The app's language changed: the tooltip, the menu and the overlay's description follow. */
  languageChanged(): void
  /** Whether there is a tray icon to bring the window back from (some Linux desktops have none). */
  hasTray(): boolean
  dispose(): void
}

/** The tray, its icon, and the icon's pixels to draw the count on (null where the icon did not load, and on macOS). */
interface CreatedTray {
  tray: Tray
  icon: NativeImage
  pixels: { bitmap: Buffer; width: number; height: number } | null
}

export function createUnreadIndicator(options: UnreadIndicatorOptions): UnreadIndicator {
  const created = createTray(options)
  const tray = created?.tray ?? null
  let disposed = false
  let unread = 0
  /** What the tray icon shows: '' the plain icon, else the label drawn on it. */
  let shownOnIcon = ''
  const showOnIcon = (): void => {
    if (created === null || created.pixels === null) return
    const label = unread > 0 ? badgeLabel(unread) : ''
    if (label === shownOnIcon) return
    shownOnIcon = label
    const { bitmap, width, height } = created.pixels
    created.tray.setImage(label === '' ? created.icon : nativeImage.createFromBitmap(withUnreadCount(bitmap, width, height, label), { width, height }))
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
    window.setOverlayIcon(nativeImage.createFromBitmap(data, { width, height, scaleFactor }), options.strings().unread(options.appName, unread))
  }
  const showInTray = (): void => {
    if (tray === null) return
    tray.setToolTip(unread > 0 ? options.strings().unread(options.appName, unread) : options.appName)
    if (process.platform === 'darwin') tray.setTitle(unread > 0 ? String(unread) : '')
    else showOnIcon()
  }
  const indicator: UnreadIndicator = {
    setCount(count) {
      if (disposed) return
      unread = Number.isFinite(count) && count > 0 ? Math.floor(count) : 0
      showBadge()
      showInTray()
    },
    windowChanged() {
      if (!disposed) showBadge()
    },
    languageChanged() {
      if (disposed) return
      if (tray !== null) setTrayMenu(tray, options)
      showBadge()
      showInTray()
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

function createTray(options: UnreadIndicatorOptions): CreatedTray | null {
  try {
    const size = process.platform === 'linux' ? 24 : 16
    const loaded = nativeImage.createFromPath(options.iconPath)
    const icon = loaded.isEmpty() ? loaded : loaded.resize({ width: size, height: size })
    const tray = new Tray(icon)
    setTrayMenu(tray, options)
    // macOS opens the menu on click; elsewhere a click on the icon brings the window back.
    if (process.platform !== 'darwin') tray.on('click', () => options.openWindow())
    return { tray, icon, pixels: process.platform === 'darwin' ? null : pixelsOf(icon) }
  } catch (err) {
    log.warn({ err: String(err) }, 'no tray icon on this desktop; the unread count shows only as a badge')
    return null
  }
}

function setTrayMenu(tray: Tray, options: UnreadIndicatorOptions): void {
  const text = options.strings()
  tray.setContextMenu(
    Menu.buildFromTemplate([
      { label: text.open(options.appName), click: () => options.openWindow() },
      { type: 'separator' },
      { label: text.quit, click: () => options.quit() },
    ]),
  )
}

function pixelsOf(icon: NativeImage): CreatedTray['pixels'] {
  if (icon.isEmpty()) return null
  const { width, height } = icon.getSize()
  const bitmap = icon.toBitmap()
  if (width === 0 || height === 0 || bitmap.length !== width * height * 4) return null
  return { bitmap, width, height }
}
