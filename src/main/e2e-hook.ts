/**
 * For the `electron` e2e project only (PARLEY_E2E=1): records the
 * notifications the app shows and lets the test click one, the links it
 * opens in the browser, and each parley:// link the shell handed the core
 * with the core's answer, through a
 * global the test reads with `electronApplication.evaluate`; also shortens
 * the heartbeat and back-off like the harness does. Off in normal use.
 */
import type { CoreTiming } from './core/core-api'
import type { NotificationRequest, ShellServices } from './core/shell-port'

export interface E2EHook {
  notifications: NotificationRequest[]
  clickNotification(conversationId: string): void
  /** Every link the shell passed to the core (`openDeepLink`), and whether the core took it as a Parley link. */
  deepLinks: { url: string; opened: boolean }[]
  /** Every link the app opened in the browser (`openExternal`). */
  openedLinks: string[]
}

const installed = (): E2EHook | undefined => (globalThis as { __parleyE2E?: E2EHook }).__parleyE2E

export const e2eEnabled = (): boolean => process.env.PARLEY_E2E === '1'

export const E2E_TIMING: Partial<CoreTiming> = {
  pongTimeoutMs: 1_500,
  wakeCheckMs: 1_500,
  connectTimeoutMs: 4_000,
  backoffBaseMs: 200,
  backoffCapMs: 2_000,
  outboxBaseMs: 200,
  outboxCapMs: 2_000,
}

/** Wrap the services so every notification and every link opened in the browser is also recorded; install the global hook. */
export function installE2EHook(services: ShellServices, click: (conversationId: string) => void): ShellServices {
  const hook: E2EHook = { notifications: [], clickNotification: click, deepLinks: [], openedLinks: [] }
  ;(globalThis as { __parleyE2E?: E2EHook }).__parleyE2E = hook
  return {
    ...services,
    showNotification(request) {
      hook.notifications.push(request)
      services.showNotification(request)
    },
    openExternal(url) {
      hook.openedLinks.push(url)
      services.openExternal(url)
    },
  }
}

/** Passes the core's answer to a link through, noting it where the hook is installed. */
export function recordDeepLink(url: string, opened: boolean): boolean {
  installed()?.deepLinks.push({ url, opened })
  return opened
}
