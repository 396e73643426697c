/**
 * Reading a WebSocket upgrade request (`GET /app/{key}?protocol=7`) without
 * ever throwing: its request line is whatever a client sent. Origin-form
 * targets (`/app/…`) are split by hand — `new URL('//x', base)` would read
 * `//x` as a host, and throws on `//[` — and the absolute form
 * (`http://host/app/…`, which HTTP/1.1 servers must accept) goes through URL
 * inside a try.
 */
import type { Duplex } from 'node:stream'

export interface UpgradeTarget {
  /** The app key (percent-decoded); undefined when the path is not `/app/{key}`. */
  key: string | undefined
  /** The `protocol` query parameter, or null when absent. */
  protocol: string | null
}

const APP_PATH = /^\/app\/([^/]+)\/?$/

/** The target of an upgrade request, or null when it cannot be parsed (answer 400). */
export function parseUpgradeTarget(requestTarget: string | undefined): UpgradeTarget | null {
  if (requestTarget === undefined) return null
  let path: string
  let query: string
  if (requestTarget.startsWith('/')) {
    const mark = requestTarget.indexOf('?')
    path = mark === -1 ? requestTarget : requestTarget.slice(0, mark)
    query = mark === -1 ? '' : requestTarget.slice(mark + 1)
  } else if (/^https?:\/\//i.test(requestTarget)) {
    try {
      const url = new URL(requestTarget)
      path = url.pathname
      query = url.search.slice(1)
    } catch {
      return null
    }
  } else {
    return null
  }
  const protocol = new URLSearchParams(query).get('protocol')
  const encodedKey = APP_PATH.exec(path)?.[1]
  if (encodedKey === undefined) return { key: undefined, protocol }
  try {
    return { key: decodeURIComponent(encodedKey), protocol }
  } catch {
    return null
  }
}

/** Answer an upgrade request that will not become a WebSocket, and close. */
export function refuseUpgrade(socket: Duplex, status: '400 Bad Request' | '404 Not Found' | '503 Service Unavailable'): void {
  if (!socket.writable) {
    socket.destroy()
    return
  }
  socket.end(`HTTP/1.1 ${status}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`)
}
