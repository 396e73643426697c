/**
 * The one way a link leaves the app: http(s) URLs open in the user's browser;
 * anything else (javascript:, file:, custom schemes) is refused.
 */
import { shell } from 'electron'
import { shellLog } from './log'

const log = shellLog('links')

export function isHttpUrl(candidate: string): boolean {
  try {
    const { protocol } = new URL(candidate)
    return protocol === 'http:' || protocol === 'https:'
  } catch {
    return false
  }
}

/** Opens `url` in the default browser when it is http(s); returns whether it did. */
export function openHttpExternally(url: string): boolean {
  if (!isHttpUrl(url)) return false
  shell.openExternal(new URL(url).href).catch((err: unknown) => log.warn({ err: String(err) }, 'the browser could not open a link'))
  return true
}
