/**
 * The baseline: what fan-out costs with nothing but the `ws` package. A bare
 * WebSocketServer (no compression, no per-socket state beyond ws's own) and a
 * plain node:http endpoint; each POST body ({name, data, channels}, as the
 * `pusher` SDK sends it) is parsed and the same frame text Parley would build
 * is sent to every socket. Just enough of the Pusher handshake (established,
 * subscription_succeeded, pong) for the same load generators to drive it.
 * Prints "Baseline listening on http://127.0.0.1:<port>" when ready.
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'

const sockets = new Set<WebSocket>()
let nextSocketId = 1

const http = createServer((req, res) => {
  const chunks: Buffer[] = []
  req.on('data', (chunk: Buffer) => chunks.push(chunk))
  req.on('end', () => {
    const event = JSON.parse(Buffer.concat(chunks).toString()) as { name: string; data: string; channels: string[] }
    for (const channel of event.channels) {
      const frame = JSON.stringify({ event: event.name, channel, data: event.data })
      for (const ws of sockets) ws.send(frame)
    }
    res.writeHead(200, { 'content-type': 'application/json' }).end('{}')
  })
})

const wss = new WebSocketServer({ server: http, perMessageDeflate: false, clientTracking: false })
wss.on('connection', (ws) => {
  sockets.add(ws)
  ws.on('close', () => sockets.delete(ws))
  ws.on('error', () => ws.terminate())
  ws.on('message', (raw) => {
    const frame = JSON.parse(raw.toString()) as { event: string; data?: { channel?: string } }
    if (frame.event === 'pusher:subscribe') {
      ws.send(JSON.stringify({ event: 'pusher_internal:subscription_succeeded', channel: frame.data?.channel, data: '{}' }))
    } else if (frame.event === 'pusher:ping') {
      ws.send(JSON.stringify({ event: 'pusher:pong', data: '{}' }))
    }
  })
  const established = JSON.stringify({ socket_id: `1.${nextSocketId++}`, activity_timeout: 30 })
  ws.send(JSON.stringify({ event: 'pusher:connection_established', data: established }))
})

// Fastify's default, so both servers keep the publisher's connections alike.
http.keepAliveTimeout = 72_000
http.listen(0, '127.0.0.1', () => {
  console.log(`Baseline listening on http://127.0.0.1:${(http.address() as AddressInfo).port}`)
})
process.on('SIGTERM', () => process.exit(0))
