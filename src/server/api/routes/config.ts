import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ConfigResponse } from '../../../shared/api'
import type { ApiContext } from '../context'

type Endpoint = Pick<ConfigResponse['pusher'], 'wsHost' | 'wsPort' | 'forceTLS' | 'sameOrigin'>

/**
 * How a client reaches the realtime layer. With the embedded server, the
 * WebSocket is on this same server: at PUBLIC_URL when it is set; else, for a
 * request from a trusted proxy (TRUST_PROXY), where the proxy says the client
 * asked to go; else "where you sent this request" (`sameOrigin`) — right behind
 * any TCP-level forwarding — with the address the request arrived on for
 * clients that ignore it. A Host header is never echoed back on its own say-so:
 * it is whatever the client, or a page that tricked a browser into asking,
 * chose to send.
 */
export function configRoutes(ctx: ApiContext) {
  const endpoint = (request: FastifyRequest): Endpoint => {
    const { publicUrl } = ctx.realtime
    if (publicUrl !== undefined) {
      const tls = publicUrl.protocol === 'https:'
      return { wsHost: publicUrl.hostname, wsPort: publicUrl.port === '' ? (tls ? 443 : 80) : Number(publicUrl.port), forceTLS: tls }
    }
    if (ctx.realtime.trustsPeer(request.raw)) {
      const tls = request.protocol === 'https'
      return { wsHost: request.hostname, wsPort: request.port ?? (tls ? 443 : 80), forceTLS: tls }
    }
    const { localAddress = '127.0.0.1', localPort = 80 } = request.raw.socket
    return { wsHost: hostForUrl(localAddress), wsPort: localPort, forceTLS: false, sameOrigin: true }
  }

  return async (app: FastifyInstance) => {
    app.get('/api/config', async (request): Promise<ConfigResponse> => {
      const config = { ...ctx.realtime.config, limits: { maxUploadBytes: ctx.attachments.maxUploadBytes } }
      if (!ctx.realtime.embedded) return config
      return { ...config, pusher: { ...config.pusher, ...endpoint(request) } }
    })
  }
}

/** A local socket address as a URL host: IPv4-mapped addresses unwrapped, IPv6 in brackets. */
function hostForUrl(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice('::ffff:'.length)
  return address.includes(':') ? `[${address}]` : address
}
