/**
 * "Launch at login" (the `launchAtLogin` setting). macOS and Windows have
 * login items (`app.setLoginItemSettings`); Linux has none in Electron, so
 * there Parley writes, or removes, an XDG autostart entry,
 * `$XDG_CONFIG_HOME/autostart/parley.desktop` (~/.config/autostart), which
 * every freedesktop session starts at login.
 */
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { app } from 'electron'
import { shellLog } from './log'

const log = shellLog('login-item')

export const AUTOSTART_FILE = 'parley.desktop'

/** The autostart folder of the XDG Base Directory spec. */
export function autostartDirectory(env: NodeJS.ProcessEnv, home: string): string {
  const configHome = env.XDG_CONFIG_HOME !== undefined && env.XDG_CONFIG_HOME.startsWith('/') ? env.XDG_CONFIG_HOME : join(home, '.config')
  return join(configHome, 'autostart')
}

/**
 * The autostart entry (Desktop Entry Specification 1.5) that starts
 * `command` with `args`. The Exec value quotes every argument, escaping what
 * the spec reserves inside quotes, and doubles `%` so no field code expands.
 */
export function autostartEntry({ name, command, args = [] }: { name: string; command: string; args?: readonly string[] }): string {
  const quote = (arg: string): string => `"${arg.replace(/[\\"`$]/g, (char) => `\\${char}`).replace(/%/g, '%%')}"`
  const exec = [command, ...args].map(quote).join(' ')
  const line = (text: string): string => text.replace(/[\r\n]/g, ' ')
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Version=1.5',
    `Name=${line(name)}`,
    `Exec=${line(exec).replace(/\\/g, '\\\\')}`,
    'Terminal=false',
    'X-GNOME-Autostart-enabled=true',
    '',
  ].join('\n')
}

export interface LoginItemOptions {
  appName: string
  /** The profile's switch, so the login start opens the same profile (`--profile NAME`), or none. */
  args?: readonly string[]
}

/** Turn launching at login on or off for this OS. Failures are logged, never thrown (a setting must not crash the app). */
export function applyLaunchAtLogin(enabled: boolean, options: LoginItemOptions): void {
  try {
    if (process.platform === 'linux') {
      applyAutostartEntry(enabled, options)
      return
    }
    app.setLoginItemSettings({ openAtLogin: enabled, ...(options.args && options.args.length > 0 ? { args: [...options.args] } : {}) })
  } catch (err) {
    log.warn({ err: String(err), enabled }, 'could not change launching at login')
  }
}

function applyAutostartEntry(enabled: boolean, options: LoginItemOptions): void {
  const directory = autostartDirectory(process.env, homedir())
  const path = join(directory, AUTOSTART_FILE)
  if (!enabled) {
    rmSync(path, { force: true })
    return
  }
  // An AppImage runs from a temporary mount: the entry must start the image itself.
  const command = process.env.APPIMAGE ?? process.execPath
  mkdirSync(directory, { recursive: true })
  writeFileSync(path, autostartEntry({ name: options.appName, command, args: options.args }), { mode: 0o644 })
}
