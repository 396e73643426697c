/**
 * The app's single window, locked down per docs/design.md §9: isolated, sandboxed
 * renderer with no Node, no navigation away from the app and no new windows —
 * http(s) links go to the user's browser instead. DevTools only where
 * `devTools` says so (application-menu.ts: development, or a packaged app
 * started with --devtools).
 */
import { BrowserWindow, type WebContents } from 'electron'
import { DEFAULT_SIZE, MIN_SIZE } from './core/window-state/window-state'
import { openHttpExternally } from './external-links'
import { shellLog } from './log'
import { rendererEntryUrl, type RendererLocation } from './renderer-location'
import type { WindowPlacement } from './window-state'

const log = shellLog('window')

export interface MainWindowOptions {
  title: string
  /** The bundled preload, `out/preload/index.cjs`. */
  preloadPath: string
  renderer: RendererLocation
  /** Whether DevTools can be opened in this window at all. */
  devTools: boolean
  /** Window icon (Linux, Windows). */
  iconPath?: string
  /** Where it opens and whether maximized (window-state.ts); else the default size, centred. */
  placement?: WindowPlacement
  /** Created hidden, in the tray (the startMinimized setting); it shows when revealed. */
  startHidden?: boolean
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    ...(options.placement?.bounds ?? DEFAULT_SIZE),
    minWidth: MIN_SIZE.width,
    minHeight: MIN_SIZE.height,
    title: options.title,
    show: false,
    ...(options.iconPath && process.platform !== 'darwin' ? { icon: options.iconPath } : {}),
    webPreferences: {
      preload: options.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      devTools: options.devTools,
    },
  })
  // maximize() also shows a hidden window: a window that starts in the tray is maximized when it first shows.
  if (options.placement?.maximized === true) {
    if (options.startHidden === true) window.once('show', () => window.maximize())
    else window.once('ready-to-show', () => window.maximize())
  }
  if (options.startHidden !== true) window.once('ready-to-show', () => window.show())
  lockDownNavigation(window.webContents)
  window.loadURL(rendererEntryUrl(options.renderer)).catch((err: unknown) => log.error({ err: String(err) }, 'the renderer did not load'))
  return window
}

/** The renderer never navigates; every attempt to open a window is denied, http(s) links open in the browser. */
export function lockDownNavigation(contents: WebContents): void {
  contents.on('will-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(({ url }) => {
    openHttpExternally(url)
    return { action: 'deny' }
  })
}

/** Brings the window to the front, also from the tray or a notification. */
export function revealWindow(window: BrowserWindow): void {
  if (window.isDestroyed()) return
  if (window.isMinimized()) window.restore()
  window.show()
  window.focus()
}
