/**
 * Idle connections (a worker process): opens `count` raw Pusher sockets, each
 * completing the handshake and subscribing to one public channel, reports
 * ready, then holds them (answering pings) until the orchestrator stops it.
 */
import { runWorker, tellParent, workerConfig } from '../../test/kit/worker'
import { openInBatches, PusherSocket } from '../fanout/pusher-socket'

export interface IdleConnectionsConfig {
  url: string
  count: number
  connectBatch: number
  /** Public channel every connection subscribes to. */
  channel: string
}

export type IdleConnectionsMessage = { type: 'ready'; opened: number }

runWorker(async () => {
  const config = workerConfig<IdleConnectionsConfig>()
  const sockets = await openInBatches(config.count, config.connectBatch, async () => {
    const socket = await PusherSocket.open(config.url)
    await socket.subscribe(config.channel)
    return socket
  })
  tellParent({ type: 'ready', opened: sockets.length } satisfies IdleConnectionsMessage)
  await new Promise<never>(() => {
    // Held open until SIGTERM or the orchestrator goes away.
  })
})
