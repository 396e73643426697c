import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { ConfigResponse } from '../../../shared/api'
import type { ApiContext } from '../context'

interface Place {
  wsHost: string
  wsPort: number
  forceTLS: boolean
  sameOrigin?: true
}

/**
 * Where this server is, for a request: PUBLIC_URL when it is set; else, for a
 * request from a trusted proxy (TRUST_PROXY), where the proxy says the client
 * asked to go; else the address the request arrived on (`sameOrigin`) — right
 * behind any TCP-level forwarding. A Host header is never echoed back on its
 * own say-so: it is whatever the client, or a page that tricked a browser into
 * asking, chose to send.
 */
function whereFrom(publicUrl: URL | undefined, ctx: ApiContext, request: FastifyRequest, believeProxy = true): Place {
  if (publicUrl !== undefined) {
    const tls = publicUrl.protocol === 'https:'
    return { wsHost: publicUrl.hostname, wsPort: publicUrl.port === '' ? (tls ? 443 : 80) : Number(publicUrl.port), forceTLS: tls }
  }
  if (believeProxy && ctx.realtime.trustsPeer(request.raw)) {
    const tls = request.protocol === 'https'
    return { wsHost: request.hostname, wsPort: request.port ?? (tls ? 443 : 80), forceTLS: tls }
  }
  const { localAddress = '127.0.0.1', localPort = 80 } = request.raw.socket
  return { wsHost: hostForUrl(localAddress), wsPort: localPort, forceTLS: false, sameOrigin: true }
}

/**
 * This server's origin as clients should name it (invite links): worked out
 * as the WebSocket endpoint of GET /api/config is, from the accounts'
 * public URL (PUBLIC_URL).
 */
export function serverOrigin(ctx: ApiContext, request: FastifyRequest): string {
  const origin = ({ wsHost, wsPort, forceTLS }: Place) => `${forceTLS ? 'https' : 'http'}://${wsHost}:${wsPort}`
  const told = origin(whereFrom(ctx.accounts.publicUrl, ctx, request))
  // A forwarded host that is no host at all: the address the request arrived on instead.
  return new URL(URL.canParse(told) ? told : origin(whereFrom(undefined, ctx, request, false))).origin
}

/**
 * How a client reaches the realtime layer, and what this server accepts. With
 * the embedded server, the WebSocket is on this same server (whereFrom).
 */
export function configRoutes(ctx: ApiContext) {
  // Whether ctx.userChannel names the encrypted per-user channel (external service with PUSHER_ENCRYPTION_MASTER_KEY).
  const encryptedUserChannel = ctx.userChannel('0').startsWith('private-encrypted-')
  return async (app: FastifyInstance) => {
    app.get('/api/config', async (request): Promise<ConfigResponse> => {
      const config: ConfigResponse = {
        ...ctx.realtime.config,
        limits: { maxUploadBytes: ctx.attachments.maxUploadBytes },
        registration: ctx.accounts.registration,
        ...(encryptedUserChannel ? { encryptedUserChannel: true } : {}),
      }
      if (!ctx.realtime.embedded) return config
      return { ...config, pusher: { ...config.pusher, ...whereFrom(ctx.realtime.publicUrl, ctx, request) } }
    })
  }
}

/** A local socket address as a URL host: IPv4-mapped addresses unwrapped, IPv6 in brackets. */
function hostForUrl(address: string): string {
  if (address.startsWith('::ffff:') && address.includes('.')) return address.slice('::ffff:'.length)
  return address.includes(':') ? `[${address}]` : address
}
