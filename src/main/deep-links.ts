/**
 * parley:// links from the OS (docs/desktop.md, "Deep links"): the app
 * registers as the scheme's handler, and links arrive three ways — in
 * process.argv at first start (Windows, Linux), in the argv of a second
 * instance that the single-instance lock turned away (`second-instance`;
 * the first instance also comes to the front), and on macOS as `open-url`,
 * which can fire before `ready` (the app was started by the link). Links that
 * arrive before the core exists wait; the core validates them
 * (`openDeepLink`) and keeps one for the renderer while it loads.
 *
 * The Linux desktop entry's `%U` and `x-scheme-handler/parley` MimeType come
 * from electron-builder.yml (`protocols`).
 */
import { resolve } from 'node:path'
import { app } from 'electron'
import { shellLog } from './log'

export const DEEP_LINK_SCHEME = 'parley'

const log = shellLog('deep-links')

/** The parley:// argument of a command line, if any (the OS passes the link as one argument, among Chromium's switches). */
export function findDeepLink(argv: readonly string[]): string | null {
  return argv.find((arg) => /^parley:/i.test(arg)) ?? null
}

export interface DeepLinksOptions {
  /** Bring the window to the front (a second instance was started). */
  reveal(): void
}

export interface DeepLinks {
  /** The core is up: links kept so far go to it, and every later one at once. */
  deliverTo(open: (url: string) => boolean): void
  dispose(): void
}

/**
 * Call before `ready` (macOS sends the start link as `open-url` early) and
 * after the single-instance lock was taken.
 */
export function listenForDeepLinks(options: DeepLinksOptions): DeepLinks {
  registerProtocolClient()
  const waiting: string[] = []
  let open: ((url: string) => boolean) | null = null
  const route = (url: string): void => {
    if (open === null) waiting.push(url)
    else open(url)
  }
  const onSecondInstance = (_event: unknown, argv: string[]): void => {
    options.reveal()
    const url = findDeepLink(argv)
    if (url !== null) route(url)
  }
  const onOpenUrl = (event: { preventDefault(): void }, url: string): void => {
    event.preventDefault()
    options.reveal()
    route(url)
  }
  app.on('second-instance', onSecondInstance)
  app.on('open-url', onOpenUrl)
  const atStart = findDeepLink(process.argv)
  if (atStart !== null) waiting.push(atStart)
  return {
    deliverTo(next) {
      open = next
      for (const url of waiting.splice(0)) next(url)
    },
    dispose() {
      app.off('second-instance', onSecondInstance)
      app.off('open-url', onOpenUrl)
    },
  }
}

/**
 * Make Parley the handler of parley:// links. In development on Windows the
 * executable is Electron itself, so the registration names the app's entry
 * script as its argument (Electron's documented form for `defaultApp`).
 */
function registerProtocolClient(): void {
  const devEntry = process.argv[1]
  const registered =
    !app.isPackaged && process.platform === 'win32' && devEntry !== undefined
      ? app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME, process.execPath, [resolve(devEntry)])
      : app.setAsDefaultProtocolClient(DEEP_LINK_SCHEME)
  if (!registered) log.warn({}, 'could not register as the handler of parley:// links')
}
