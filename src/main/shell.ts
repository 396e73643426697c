/**
 * Starts the desktop app once Electron is ready: the renderer's protocol and
 * the menu, the core with the services it asks of the shell, the IPC
 * handlers, the window, and the signals fed back into the core. `stop()`
 * releases everything in reverse order and disposes the core last.
 */
import { join } from 'node:path'
import { app, session, type BrowserWindow } from 'electron'
import { serveRenderer } from './app-protocol'
import { applicationMenuStrings, devToolsAllowed, setApplicationMenu } from './application-menu'
import { createCore } from './core'
import type { ParleyCore } from './core/core-api'
import type { ShellServices } from './core/shell-port'
import { E2E_TIMING, e2eEnabled, installE2EHook, recordDeepLink } from './e2e-hook'
import { openHttpExternally } from './external-links'
import { createFileServices } from './file-services'
import { startHeapTrimmer } from './heap-trimmer'
import { forwardCoreEvents, registerIpcHandlers, windowSenderCheck } from './ipc'
import { coreLog, shellLog } from './log'
import { createMainWindow, revealWindow } from './main-window'
import { serveDevMedia } from './media-protocol'
import { ConversationNotifications } from './notifications'
import { rendererLocation } from './renderer-location'
import { restrictPermissions } from './renderer-session'
import { contextMenuStrings, installContextMenu } from './context-menu'
import { followSpellcheckSettings, spellcheckLanguagesOf } from './spellcheck'
import { watchSystemSignals } from './system-signals'
import { createTokenVault } from './token-vault'
import { createUnreadIndicator, trayStrings } from './unread-indicator'
import { checkForUpdatesFromMenu } from './update-menu'
import { createUpdater, installingCloses } from './updater'
import { defaultSettings } from '../shared/settings'
import { WindowStateFile } from './core/window-state/window-state'
import { startsHidden, startTrayLife } from './tray-life'
import { restoredPlacement, trackWindowState, zoomWindow } from './window-state'

const log = shellLog('shell')

/** How long quitting waits for the core to flush and close before giving up. */
const CORE_DISPOSE_TIMEOUT_MS = 5_000

export interface ShellConfig {
  appName: string
  /** Prefilled on the sign-in screen. */
  defaultServerUrl: string
  /** The app is quitting: closing the window then really closes it (tray-life.ts). */
  quitting(): boolean
  /** What a start at login passes so it opens the same profile (`--profile NAME`), or nothing. */
  profileArgs: readonly string[]
}

export interface Shell {
  readonly window: BrowserWindow
  reveal(): void
  /** A parley:// link from the OS, for the core to validate and route (deep-links.ts). */
  openDeepLink(url: string): boolean
  stop(): Promise<void>
}

export async function startShell(config: ShellConfig): Promise<Shell> {
  const disposers: (() => void)[] = []
  const resources = app.isPackaged ? process.resourcesPath : join(app.getAppPath(), 'resources')
  const iconPath = join(resources, 'icon.png')
  const renderer = rendererLocation({
    isPackaged: app.isPackaged,
    devUrl: process.env.ELECTRON_RENDERER_URL,
    directory: join(import.meta.dirname, '../renderer'),
  })
  const devTools = devToolsAllowed(app.isPackaged, process.argv)
  restrictPermissions(session.defaultSession)
  let window: BrowserWindow | null = null
  let core: ParleyCore | null = null
  let language = 'system'
  const media = (): ParleyCore | null => core
  disposers.push(renderer.kind === 'app' ? serveRenderer(renderer.directory, media) : serveDevMedia(renderer.url, media))
  const windowState = new WindowStateFile(app.getPath('userData'))
  const checkForUpdates = (): void =>
    void checkForUpdatesFromMenu({ core: () => core, window: () => window, reveal, language: () => language, log: shellLog('updater') })
  const setMenu = (): void =>
    setApplicationMenu({
      appName: config.appName,
      platform: process.platform,
      devTools,
      checkForUpdates,
      zoom: (direction) => zoomWindow(window, windowState, direction),
      text: applicationMenuStrings(language, app.getSystemLocale()),
    })
  setMenu()

  const reveal = (): void => {
    if (window !== null) revealWindow(window)
  }

  const notifications = new ConversationNotifications({
    iconPath,
    window: () => window,
    signals: { notificationClicked: (conversationId) => core?.notificationClicked(conversationId) },
  })
  disposers.push(() => notifications.dispose())
  const unread = createUnreadIndicator({
    appName: config.appName,
    iconPath,
    window: () => window,
    openWindow: reveal,
    quit: () => app.quit(),
    strings: () => trayStrings(language, app.getSystemLocale()),
  })
  disposers.push(() => unread.dispose())

  const tokenVault = createTokenVault(join(app.getPath('userData'), 'tokens'), shellLog('token-vault'))
  let installingUpdate = false
  const shellServices: ShellServices = {
    tokenVault,
    showNotification: (request) => notifications.show(request),
    closeNotification: (conversationId) => notifications.close(conversationId),
    setBadgeCount: (count) => unread.setCount(count),
    openExternal: (url) => {
      if (!openHttpExternally(url)) log.warn({}, 'refused to open a link that is not http(s)')
    },
    spellcheckLanguages: () => spellcheckLanguagesOf(session.defaultSession),
    ...createFileServices({ window: () => window, language: () => language }),
    updater: installingCloses(await createUpdater(shellLog('updater')), () => {
      installingUpdate = true
    }),
  }

  const services = e2eEnabled()
    ? installE2EHook(shellServices, (conversationId) => {
        reveal()
        core?.notificationClicked(conversationId)
      })
    : shellServices

  try {
    core = await createCore(
      {
        userDataDir: app.getPath('userData'),
        defaultServerUrl: config.defaultServerUrl,
        appInfo: {
          name: config.appName,
          version: app.getVersion(),
          platform: process.platform,
          locale: app.getSystemLocale(),
          tokenStorage: await tokenVault.protection(),
        },
        services,
        // The window paints the cache before a saved sign-in connects (released below when it starts hidden).
        awaitFirstPaint: true,
        ...(e2eEnabled() ? { timing: E2E_TIMING } : {}),
      },
      coreLog(),
    )
  } catch (err) {
    disposeAll(disposers)
    throw err
  }
  const startedCore = core
  // The core shares this process: what V8's young generation took in a burst of its work goes back once it is quiet (design §7.10).
  const heapTrimmer = startHeapTrimmer(shellLog('heap'))
  disposers.push(() => heapTrimmer.stop())
  // The shell's own words (menus, tray, dialogs) follow the language setting; until it is read, the OS's.
  const languageChanged = (next: string): void => {
    if (next === language) return
    language = next
    setMenu()
    unread.languageChanged()
  }
  languageChanged((await startedCore.getSettings(undefined).catch(() => null))?.language ?? 'system')
  disposers.push(startedCore.on('settings', (settings) => languageChanged(settings.language)))
  disposers.push(followSpellcheckSettings(startedCore, session.defaultSession, process.platform))
  const startSettings = (await startedCore.getSettings(undefined).catch(() => null)) ?? defaultSettings

  disposers.push(registerIpcHandlers(startedCore, windowSenderCheck(() => window, renderer)))
  disposers.push(forwardCoreEvents(startedCore, () => (window === null || window.isDestroyed() ? null : window.webContents)))
  const startHidden = startsHidden(startSettings, process.platform, unread.hasTray())
  // A hidden window paints nothing the user sees: a saved sign-in held for its first paint need not wait.
  if (startHidden) void startedCore.firstScreenPainted(undefined)
  const mainWindow = createMainWindow({
    title: config.appName,
    preloadPath: join(import.meta.dirname, '../preload/index.cjs'),
    renderer,
    devTools,
    iconPath,
    placement: restoredPlacement(windowState),
    startHidden,
  })
  window = mainWindow
  disposers.push(trackWindowState(mainWindow, windowState))
  const trayLife = startTrayLife({
    window: mainWindow,
    settings: startSettings,
    hasTray: () => unread.hasTray(),
    // Installing an update quits the app: on macOS Electron closes the windows first, which must not just hide them.
    quitting: () => installingUpdate || config.quitting(),
    loginItem: { enabled: app.isPackaged, appName: config.appName, args: config.profileArgs },
  })
  disposers.push(() => trayLife.dispose())
  disposers.push(startedCore.on('settings', (settings) => trayLife.settingsChanged(settings)))
  unread.windowChanged()
  mainWindow.webContents.on('render-process-gone', (_event, details) => {
    log.error({ reason: details.reason, exitCode: details.exitCode }, 'the renderer process is gone')
  })
  disposers.push(watchSystemSignals(startedCore, mainWindow))
  disposers.push(
    installContextMenu({ window: mainWindow, openExternal: (url) => services.openExternal(url), strings: () => contextMenuStrings(language, app.getSystemLocale()) }),
  )

  let stopping: Promise<void> | null = null
  return {
    window: mainWindow,
    reveal,
    openDeepLink: (url) => recordDeepLink(url, startedCore.openDeepLink(url)),
    stop() {
      stopping ??= (async () => {
        disposeAll(disposers)
        await disposeWithin(startedCore, CORE_DISPOSE_TIMEOUT_MS)
      })()
      return stopping
    },
  }
}

function disposeAll(disposers: (() => void)[]): void {
  for (const dispose of disposers.splice(0).reverse()) {
    try {
      dispose()
    } catch (err) {
      log.warn({ err: String(err) }, 'a shell part failed to stop')
    }
  }
}

async function disposeWithin(core: ParleyCore, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs)
  })
  try {
    const outcome = await Promise.race([core.dispose().then(() => 'disposed' as const), timeout])
    if (outcome === 'timeout') log.error({ timeoutMs }, 'the core did not stop in time; quitting anyway')
  } catch (err) {
    log.error({ err: String(err) }, 'the core failed to stop cleanly')
  } finally {
    clearTimeout(timer)
  }
}

