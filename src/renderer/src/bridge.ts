/**
 * The renderer's only door to the app: `window.parley`, the typed API the
 * preload builds from src/shared/ipc.ts. Store actions (store/*.ts) call it;
 * components call the actions, never this. A call that fails rejects with an
 * Error that lib/call-error.ts decodes.
 */
import type { ParleyBridge } from '../../shared/ipc'

export function parley(): ParleyBridge {
  return window.parley
}
