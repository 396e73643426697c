/**
 * Memory per idle connection against one freshly started server: its RSS
 * (VmRSS from /proc, read from outside) once it has started and settled, then
 * again `settleMs` after `connections` sockets completed the handshake and
 * subscribed to one public channel. A GC cannot be forced from outside, so
 * garbage left by the handshakes may still count: the figure is an upper bound.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { residentKb } from '../../test/kit/proc-stats'
import { forkWorker, nextMessage, stopProcess } from '../../test/kit/processes'
import type { IdleConnectionsConfig, IdleConnectionsMessage } from './idle-connections'
import type { BenchOptions } from './options'
import type { RunningServer } from './servers'

const IDLE_CHANNEL = 'bench-idle'
/** Wait after start-up before the first reading, for lazy start-up work to finish. */
const STARTUP_SETTLE_MS = 2_000

export interface ConnectionMemoryResult {
  connections: number
  rssBeforeKb: number
  rssAfterKb: number
  kbPerConnection: number
}

export async function runConnectionMemory(server: RunningServer, options: BenchOptions): Promise<ConnectionMemoryResult> {
  await sleep(STARTUP_SETTLE_MS)
  const rssBeforeKb = residentKb(server.server.pid)
  const config: IdleConnectionsConfig = {
    url: server.server.wsUrl,
    count: options.connections,
    connectBatch: options.connectBatch,
    channel: IDLE_CHANNEL,
  }
  const holder = forkWorker(new URL('./idle-connections.ts', import.meta.url), config)
  try {
    const ready = await nextMessage<IdleConnectionsMessage, 'ready'>(holder, 'ready', 120_000)
    await sleep(options.settleMs)
    const rssAfterKb = residentKb(server.server.pid)
    return {
      connections: ready.opened,
      rssBeforeKb,
      rssAfterKb,
      kbPerConnection: (rssAfterKb - rssBeforeKb) / ready.opened,
    }
  } finally {
    await stopProcess(holder)
  }
}
