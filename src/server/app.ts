/**
 * Builds one Parley server: a fastify app and the embedded realtime server on
 * the same HTTP server and port. `startServer` is what `npm run server` and the
 * tests call; `close()` shuts down gracefully (4200 to every socket first).
 */
import type { AddressInfo } from 'node:net'
import { fastify, LogController, type FastifyBaseLogger, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { ServerConfig } from './config'
import { loadCredentials } from './credentials'
import { httpApi } from './realtime/http-api'
import { RealtimeServer } from './realtime/server'
import { WebhookSender } from './realtime/webhooks'

export interface ParleyServer {
  /** `http://host:port` the server listens on. */
  url: string
  port: number
  fastify: FastifyInstance
  realtime: RealtimeServer
  webhooks: WebhookSender | null
  close(): Promise<void>
}

export async function startServer(config: ServerConfig, log: Logger): Promise<ParleyServer> {
  const app = loadCredentials(config.dataDir, config.pusher)
  const server = fastify({
    loggerInstance: log as FastifyBaseLogger,
    // The Pusher HTTP API is the publish hot path and health checks are noise.
    logController: new LogController({
      disableRequestLogging: (req) => req.url.startsWith('/apps/') || req.url === '/healthz',
    }),
    forceCloseConnections: true,
    return503OnClosing: true,
  })

  const realtime = new RealtimeServer({
    app,
    activityTimeoutSec: config.activityTimeoutSec,
    pongGraceMs: config.pongGraceMs,
    limits: Object.fromEntries(Object.entries(config.limits).filter(([, value]) => value !== undefined)),
    log: log.child({ module: 'realtime' }),
  })
  realtime.attach(server.server)

  const webhooks = config.webhookUrl
    ? new WebhookSender({ url: config.webhookUrl, app, log: log.child({ module: 'webhooks' }) })
    : null
  webhooks?.attach(realtime.hooks)

  server.get('/healthz', async () => ({ ok: true }))
  await server.register(httpApi, { realtime })

  await server.listen({ port: config.port, host: config.host })
  const address = server.server.address() as AddressInfo
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address

  let closing: Promise<void> | null = null
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    fastify: server,
    realtime,
    webhooks,
    close() {
      closing ??= (async () => {
        await realtime.close()
        webhooks?.close()
        await server.close()
      })()
      return closing
    },
  }
}
