/**
 * The Electron shell's entry: profile, logs and single-instance lock, the
 * app:// scheme (which must be registered before ready), app lifecycle, and
 * a clean quit. It is the only part of the desktop app that imports
 * `electron` (with the small modules beside it); everything else lives in
 * src/main/core.
 */
import { app, dialog } from 'electron'
import { registerAppScheme } from './app-protocol'
import { listenForDeepLinks } from './deep-links'
import { logToFile, logToStdout, shellLog } from './log'
import { chooseProfile, userDataDirFor } from './profile'
import { startShell, type Shell } from './shell'

const APP_NAME = 'Parley'
/** Windows shows notifications only for an app with a user model id (electron-builder's appId when packaged). */
const APP_USER_MODEL_ID = 'app.parley.desktop'
const DEFAULT_SERVER_URL = process.env.PARLEY_SERVER_URL ?? 'http://127.0.0.1:8787'

const log = shellLog('app')

function main(): void {
  const profile = chooseProfile(process.argv, process.env)
  if (!profile.ok) {
    console.error(`parley: ${profile.error}`)
    app.exit(2)
    return
  }
  app.setName(APP_NAME)
  // Before the lock: the lock lives in userData, so each profile has its own.
  app.setPath('userData', userDataDirFor(app.getPath('appData'), APP_NAME, profile.name))
  // A packaged app has no stdout (log.ts): a file per profile in <userData>/logs (Linux, Windows) or ~/Library/Logs/Parley (macOS).
  if (app.isPackaged) logToFile(app.getPath('logs'), profile.name === null ? 'main.log' : `main-${profile.name}.log`)
  else logToStdout()
  log.info({ version: app.getVersion(), electron: process.versions.electron, platform: process.platform, arch: process.arch, profile: profile.name }, 'starting')
  if (!app.requestSingleInstanceLock()) {
    app.quit()
    return
  }
  registerAppScheme()
  if (process.platform === 'win32') app.setAppUserModelId(APP_USER_MODEL_ID)

  let shell: Shell | null = null
  let quit: 'running' | 'stopping' | 'stopped' = 'running'

  // A second instance (its parley:// link, if any) and macOS's open-url, which may come before ready.
  const deepLinks = listenForDeepLinks({ reveal: () => shell?.reveal() })
  app.on('activate', () => shell?.reveal())
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit()
  })
  // Quitting waits for the core to flush the outbox and close the database.
  app.on('before-quit', (event) => {
    if (quit === 'stopped') return
    event.preventDefault()
    if (quit === 'stopping') return
    quit = 'stopping'
    void (shell?.stop() ?? Promise.resolve()).finally(() => {
      quit = 'stopped'
      app.quit()
    })
  })
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => app.quit())

  app
    .whenReady()
    .then(async () => {
      // Closing the window hides it in the tray, or on macOS keeps the app in the dock, until it quits (tray-life.ts).
      shell = await startShell({
        appName: APP_NAME,
        defaultServerUrl: DEFAULT_SERVER_URL,
        quitting: () => quit !== 'running',
        profileArgs: profile.name === null ? [] : ['--profile', profile.name],
      })
      const started = shell
      deepLinks.deliverTo((url) => started.openDeepLink(url))
    })
    .catch((err: unknown) => {
      const message = err instanceof Error ? err.message : String(err)
      log.error({ err: message }, 'Parley could not start')
      dialog.showErrorBox(`${APP_NAME} could not start`, message)
      app.quit()
    })
}

main()
