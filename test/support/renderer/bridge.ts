/**
 * A `window.parley` for the renderer's store tests, which run in Node (no
 * window): the calls a test gives, typed as the bridge's. Undo it with
 * `vi.unstubAllGlobals()`.
 */
import { vi } from 'vitest'
import type { ParleyBridge } from '../../../src/shared/ipc'

export function stubBridge(calls: Partial<ParleyBridge>): void {
  vi.stubGlobal('window', { parley: calls })
}
