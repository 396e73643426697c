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
 *
 * Parley's own labels (View, the zoom items, "Check for Updates…") follow the
 * app's language (`applicationMenuStrings`); the shell sets the menu again
 * when it changes. Electron names the role items itself.
 */
import { Menu, type MenuItemConstructorOptions } from 'electron'
import { shellStrings } from './shell-locale'

const STRINGS = {
  en: {
    view: 'View',
    actualSize: 'Actual Size',
    zoomIn: 'Zoom In',
    zoomOut: 'Zoom Out',
    checkForUpdates: 'Check for Updates…',
  },
  'zh-CN': {
    view: '查看',
    actualSize: '实际大小',
    zoomIn: '放大',
    zoomOut: '缩小',
    checkForUpdates: '检查更新…',
  },
} as const

export type ApplicationMenuStrings = (typeof STRINGS)[keyof typeof STRINGS]

/** 'en', 'zh-CN' or 'system' (the language setting), with the OS locale for 'system'. */
export function applicationMenuStrings(language: string, systemLocale: string): ApplicationMenuStrings {
  return shellStrings<ApplicationMenuStrings>(STRINGS, language, systemLocale)
}

export const DEVTOOLS_SWITCH = '--devtools'

export function devToolsAllowed(isPackaged: boolean, argv: readonly string[]): boolean {
  return !isPackaged || argv.includes(DEVTOOLS_SWITCH)
}

export interface ApplicationMenuOptions {
  appName: string
  platform: NodeJS.Platform
  devTools: boolean
  /** The window's zoom, kept across starts (window-state.ts): +1 in, −1 out, 0 back to 100 %. Without it, Electron's zoom roles. */
  zoom?: (direction: -1 | 0 | 1) => void
  /** "Check for Updates…": the app menu on macOS, Help elsewhere (update-menu.ts). */
  checkForUpdates?: () => void
  /** The labels, in the app's language. */
  text: ApplicationMenuStrings
}

/**
 * Zoom items with Parley's own steps and limits: Ctrl/Cmd + `=` (and `+`,
 * which is Shift+= on most layouts, and the keypad's), `-`, `0`. The extra
 * accelerators are hidden items that still work.
 */
function zoomItems(zoom: (direction: -1 | 0 | 1) => void, text: ApplicationMenuStrings): MenuItemConstructorOptions[] {
  const hidden = (accelerator: string, direction: -1 | 1): MenuItemConstructorOptions => ({
    label: direction > 0 ? text.zoomIn : text.zoomOut,
    accelerator,
    visible: false,
    acceleratorWorksWhenHidden: true,
    click: () => zoom(direction),
  })
  return [
    { label: text.actualSize, accelerator: 'CmdOrCtrl+0', click: () => zoom(0) },
    { label: text.zoomIn, accelerator: 'CmdOrCtrl+=', click: () => zoom(1) },
    hidden('CmdOrCtrl+Plus', 1),
    hidden('CmdOrCtrl+numadd', 1),
    { label: text.zoomOut, accelerator: 'CmdOrCtrl+-', click: () => zoom(-1) },
    hidden('CmdOrCtrl+numsub', -1),
  ]
}

export function applicationMenuTemplate({ appName, platform, devTools, zoom, checkForUpdates, text }: ApplicationMenuOptions): MenuItemConstructorOptions[] {
  const updates: MenuItemConstructorOptions[] = checkForUpdates === undefined ? [] : [{ label: text.checkForUpdates, click: () => checkForUpdates() }]
  const view: MenuItemConstructorOptions[] = [
    ...(zoom === undefined ? [{ role: 'resetZoom' as const }, { role: 'zoomIn' as const }, { role: 'zoomOut' as const }] : zoomItems(zoom, text)),
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
            ...updates,
            { type: 'separator' },
            { role: 'hide' },
            { role: 'hideOthers' },
            { role: 'unhide' },
            { type: 'separator' },
            { role: 'quit' },
          ],
        }
      : { role: 'fileMenu' }
  const help: MenuItemConstructorOptions[] = platform !== 'darwin' && updates.length > 0 ? [{ role: 'help', submenu: updates }] : []
  return [first, { role: 'editMenu' }, { label: text.view, submenu: view }, { role: 'windowMenu' }, ...help]
}

export function setApplicationMenu(options: ApplicationMenuOptions): void {
  Menu.setApplicationMenu(Menu.buildFromTemplate(applicationMenuTemplate(options)))
}
