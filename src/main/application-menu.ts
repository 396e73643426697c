/**
 * What the packaged app offers beyond the window itself. Electron's default
 * menu carries Reload, Force Reload and Toggle Developer Tools; Parley sets a
 * minimal menu instead — the app menu (macOS), Edit (so copy and paste
 * shortcuts work on macOS), View (zoom, full screen) and Window — and adds
 * reloading and DevTools only where DevTools are allowed.
 *
 * DevTools: always in development; in a packaged app only when it is started
 * with `--devtools`, the documented way for support to look inside
 * (docs/desktop.md). Otherwise the window's `devTools` preference is off, so
 * no shortcut or menu can open them.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'

export const DEVTOOLS_SWITCH = '--devtools'

export function devToolsAllowed(isPackaged: boolean, argv: readonly string[]): boolean {
  return !isPackaged || argv.includes(DEVTOOLS_SWITCH)
}

export interface ApplicationMenuOptions {
  appName: string
  platform: NodeJS.Platform
  devTools: boolean
}

export function applicationMenuTemplate({ appName, platform, devTools }: ApplicationMenuOptions): MenuItemConstructorOptions[] {
  const view: MenuItemConstructorOptions[] = [
    { role: 'resetZoom' },
    { role: 'zoomIn' },
    { role: 'zoomOut' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
    ...(devTools ? [{ type: 'separator' as const }, { role: 'reload' as const }, { role: 'forceReload' as const }, { role: 'toggleDevTools' as const }] : []),
  ]
  const first: MenuItemConstructorOptions =
    platform === 'darwin'
      ? {
          label: appName,
          submenu: [
            { role: 'about' },
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        }
      : { role: 'fileMenu' }
  return [first, { role: 'editMenu' }, { label: 'View', submenu: view }, { role: 'windowMenu' }]
}

export function setApplicationMenu(options: ApplicationMenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(options)))
}
