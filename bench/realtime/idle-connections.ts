/**
 * Idle connections (a worker process): opens `count` raw Pusher sockets, each
 * completing the handshake and subscribing to one public channel, reports
 * ready, then holds them (answering pings) until the orchestrator stops it.
 */
import { runWorker, tellParent, workerConfig, type IdleConnectionsConfig } from './messages'
import { openInBatches, PusherSocket } from './pusher-socket'

runWorker(async () => {
  const config = workerConfig<IdleConnectionsConfig>()
  const sockets = await openInBatches(config.count, config.connectBatch, async () => {
    const socket = await PusherSocket.open(config.url)
    await socket.subscribe(config.channel)
    return socket
  })
  tellParent({ type: 'ready', opened: sockets.length })
  await new Promise<never>(() => {
    // Held open until SIGTERM or the orchestrator goes away.
  })
})
