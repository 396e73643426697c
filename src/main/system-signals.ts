/**
 * Feeds what only Electron knows into the core (docs/design.md §7): window focus
 * (read receipts and notifications depend on it), wake-up from sleep or
 * screen unlock (a socket that slept is not trusted), and network changes.
 * Electron's main process has no online/offline event, so `net.isOnline()` is
 * polled, and checked at once after every wake-up.
 */
import { net, powerMonitor, type BrowserWindow } from 'electron'
import type { ShellSignals } from './core/shell-port'

export const NETWORK_POLL_MS = 5_000

export function watchSystemSignals(core: ShellSignals, window: BrowserWindow, networkPollMs = NETWORK_POLL_MS): () => void {
  let focused: boolean | null = null
  const reportFocus = (now: boolean): void => {
    if (focused === now) return
    focused = now
    core.windowFocusChanged(now)
  }
  const onFocus = (): void => reportFocus(true)
  const onBlur = (): void => reportFocus(false)
  // A minimized or hidden window is never focused, whatever the platform's blur events say.
  window.on('focus', onFocus)
  window.on('blur', onBlur)
  window.on('minimize', onBlur)
  window.on('hide', onBlur)
  reportFocus(window.isFocused())

  let online = net.isOnline()
  const checkNetwork = (): void => {
    const now = net.isOnline()
    if (now === online) return
    online = now
    core.networkChanged(now)
  }
  const onWake = (): void => {
    core.systemResumed()
    checkNetwork()
  }
  powerMonitor.on('resume', onWake)
  powerMonitor.on('unlock-screen', onWake)
  const poll = setInterval(checkNetwork, networkPollMs)

  return () => {
    clearInterval(poll)
    powerMonitor.removeListener('resume', onWake)
    powerMonitor.removeListener('unlock-screen', onWake)
    if (window.isDestroyed()) return
    window.removeListener('focus', onFocus)
    window.removeListener('blur', onBlur)
    window.removeListener('minimize', onBlur)
    window.removeListener('hide', onBlur)
  }
}
