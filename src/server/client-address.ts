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

type TrustFunction = (address: string, hop: number) => boolean

function trustFunction(trustProxy: TrustProxy): TrustFunction | null {
  if (trustProxy === false || (Array.isArray(trustProxy) && trustProxy.length === 0)) return null
  return trustProxy === true ? () => true : proxyAddr.compile(trustProxy)
}

/** The client address of `req` under `trustProxy` (config.trustProxy). */
export function clientAddressResolver(trustProxy: TrustProxy): (req: IncomingMessage) => string {
  const trusted = trustFunction(trustProxy)
  return (req) => {
    const peer = req.socket.remoteAddress
    if (peer === undefined) return 'unknown'
    return trusted === null ? peer : proxyAddr(req, trusted)
  }
}

/** Whether `req` came straight from a proxy TRUST_PROXY trusts (so its X-Forwarded-* headers count). */
export function trustedPeerCheck(trustProxy: TrustProxy): (req: IncomingMessage) => boolean {
  const trusted = trustFunction(trustProxy)
  return (req) => {
    const peer = req.socket.remoteAddress
    return trusted !== null && peer !== undefined && trusted(peer, 0)
  }
}
