/** The desktop core's entry: `createCore(options)` and the types its hosts need. (Tests and benchmarks: testing.ts.) */
import { Core } from './core'
import type { CoreOptions } from './core-api'
import type { CoreLog } from './log'

/** Start the core: restores the saved session (if any) and connects in the background. */
export async function createCore(options: CoreOptions, log?: CoreLog): Promise<Core> {
  const core = new Core(options, log)
  await core.restoreSession()
  return core
}

export { Core }
export type { CoreOptions, CoreTiming, ParleyCore } from './core-api'
export type { NotificationRequest, ShellServices, ShellSignals, TokenVault } from './shell-port'
