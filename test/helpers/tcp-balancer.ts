/**
 * A round-robin TCP load balancer in front of several server nodes: each new
 * connection goes to the next backend that accepts it, so when a node dies its
 * clients reconnect to the others — as behind any real balancer.
 */
import { connect, createServer, type Server, type Socket } from 'node:net'

export class TcpBalancer {
  private server: Server | null = null
  private next = 0
  /** Open client and upstream sockets: stop() ends them (a keep-alive connection would hold close() for the server's 72 s). */
  private readonly sockets = new Set<Socket>()
  port = 0

  constructor(private readonly backends: number[]) {}

  async start(): Promise<number> {
    this.server = createServer((client) => this.route(client, 0))
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve))
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    return this.port
  }

  private route(client: Socket, tries: number): void {
    if (tries >= this.backends.length) {
      client.destroy()
      return
    }
    const port = this.backends[this.next++ % this.backends.length] as number
    const upstream = connect(port, '127.0.0.1')
    for (const socket of [client, upstream]) {
      this.sockets.add(socket)
      socket.once('close', () => this.sockets.delete(socket))
    }
    let established = false
    client.pause()
    upstream.once('connect', () => {
      established = true
      client.pipe(upstream)
      upstream.pipe(client)
      client.resume()
    })
    upstream.on('error', () => {
      if (!established) this.route(client, tries + 1)
      else client.destroy()
    })
    client.on('error', () => upstream.destroy())
    client.on('close', () => upstream.destroy())
    upstream.on('close', () => {
      if (established) client.destroy()
    })
  }

  async stop(): Promise<void> {
    const closed = new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
    for (const socket of this.sockets) socket.destroy()
    await closed
  }
}
