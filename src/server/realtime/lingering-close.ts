/**
 * A body over the limit is refused with 413 before it is read (at once when
 * Content-Length announces it, else as soon as the limit is passed). fastify
 * then answers with `Connection: close`, and Node closes a socket whose peer
 * is still sending: the kernel answers the unread bytes with a TCP reset,
 * which can destroy the 413 before the client has read it — the client sees
 * ECONNRESET or EPIPE instead of a clear error.
 *
 * Linger instead, as web servers do (nginx's lingering_close): keep the
 * connection, let Node read and discard the rest of the body (nothing is
 * buffered), and close it if that takes longer than `lingerMs`. The client
 * reads the 413 and stops sending; memory stays flat either way.
 */
import type { FastifyInstance } from 'fastify'

export const LINGER_MS = 2_000

export function lingerAfterEarlyRefusal(app: FastifyInstance, lingerMs = LINGER_MS): void {
  app.addHook('onSend', async (request, reply, payload) => {
    const req = request.raw
    if (reply.statusCode !== 413 || req.complete || reply.getHeader('connection') !== 'close') return payload
    reply.removeHeader('connection')
    const socket = req.socket
    const timer = setTimeout(() => {
      if (!req.complete) socket.destroy()
    }, lingerMs)
    timer.unref()
    socket.once('close', () => clearTimeout(timer))
    req.once('end', () => clearTimeout(timer))
    return payload
  })
}
