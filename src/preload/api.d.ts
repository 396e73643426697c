/**
 * `window.parley` as the renderer sees it: the bridge typed by the IPC
 * contract. A call that fails rejects with an `Error` whose message is
 * `[<code>] <message>` (contextBridge drops custom error properties; see
 * src/preload/bridge-error.ts).
 */
import type { ParleyBridge } from '../shared/ipc'

declare global {
  interface Window {
    parley: ParleyBridge
  }
}

export type { ParleyBridge }
