/**
 * Who a request comes from, by one rule for the REST api and the WebSocket
 * server alike. With TRUST_PROXY unset, the socket's peer. With TRUST_PROXY,
 * X-Forwarded-For is read right to left for as long as each hop is a trusted
 * proxy, exactly as fastify reads it for `request.ip` (it uses the same
 * library), so a per-address limit counts the user, not the proxy, and a
 * client that is not a trusted proxy cannot pick its own address.
 */
import type { IncomingMessage } from 'node:http'
import proxyAddr from '@fastify/proxy-addr'

export type TrustProxy = boolean | string[]

/** The client address of `req` under `trustProxy` (config.trustProxy). */
export function clientAddressResolver(trustProxy: TrustProxy): (req: IncomingMessage) => string {
  const peer = (req: IncomingMessage): string => req.socket.remoteAddress ?? 'unknown'
  if (trustProxy === false || (Array.isArray(trustProxy) && trustProxy.length === 0)) return peer
  const trusted = trustProxy === true ? () => true : proxyAddr.compile(trustProxy)
  return (req) => (req.socket.remoteAddress === undefined ? 'unknown' : proxyAddr(req, trusted))
}
