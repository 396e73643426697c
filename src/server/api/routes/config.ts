import type { FastifyInstance } from 'fastify'
import type { ConfigResponse } from '../../../shared/api'
import type { ApiContext } from '../context'

/**
 * How a client reaches the realtime layer. With the embedded server, the
 * WebSocket is on the host and port the client already used for this request.
 */
export function configRoutes(ctx: ApiContext) {
  return async (app: FastifyInstance) => {
    app.get('/api/config', async (request): Promise<ConfigResponse> => {
      const { config } = ctx.realtime
      if (!ctx.realtime.embedded) return config
      const port = request.port ?? (request.protocol === 'https' ? 443 : 80)
      return {
        ...config,
        pusher: { ...config.pusher, wsHost: request.hostname, wsPort: port, forceTLS: request.protocol === 'https' },
      }
    })
  }
}
