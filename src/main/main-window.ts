/**
 * The app's single window, locked down per docs/design.md §9: isolated, sandboxed
 * renderer with no Node, no navigation away from the app and no new windows —
 * http(s) links go to the user's browser instead. DevTools only where
 * `devTools` says so (application-menu.ts: development, or a packaged app
 * started with --devtools).
 */
import { BrowserWindow, type WebContents } from 'electron'
import { openHttpExternally } from './external-links'
import { shellLog } from './log'
import { rendererEntryUrl, type RendererLocation } from './renderer-location'

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
}

export function createMainWindow(options: MainWindowOptions): BrowserWindow {
  const window = new BrowserWindow({
    width: 1100,
    height: 720,
    minWidth: 720,
    minHeight: 480,
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
  window.once('ready-to-show', () => window.show())
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
