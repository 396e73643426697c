/**
 * A TCP proxy in front of a server that a test can cut, blackhole and restore.
 * - cut: destroy every open link (the peer sees a reset) and refuse new ones;
 * - blackhole: keep links open but drop every byte both ways — a half-open
 *   network, as after sleep or a dead Wi-Fi, with no FIN and no RST. When one
 *   end gives up on a link meanwhile, the other end is not told;
 * - restore: forward again. Links one end gave up on during the blackhole are
 *   reset now, as the first packet to reach the forgotten end would do.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export type ProxyMode = 'pass' | 'blackhole' | 'cut'

interface Link {
  client: Socket
  upstream: Socket
  /** One end closed while blackholed; the other end still believes in the link. */
  halfDead: boolean
}

export class TcpProxy {
  private server: Server | null = null
  private readonly links = new Set<Link>()
  mode: ProxyMode = 'pass'
  port = 0

  constructor(
    private readonly targetPort: number,
    private readonly targetHost = '127.0.0.1',
  ) {}

  async start(port = 0): Promise<number> {
    this.server = createServer((client) => this.onClient(client))
    await new Promise<void>((resolve, reject) => {
      this.server?.once('error', reject)
      this.server?.listen(port, '127.0.0.1', () => resolve())
    })
    const address = this.server.address()
    this.port = typeof address === 'object' && address ? address.port : 0
    return this.port
  }

  private onClient(client: Socket): void {
    if (this.mode === 'cut') {
      client.destroy()
      return
    }
    const upstream = connect(this.targetPort, this.targetHost)
    const link: Link = { client, upstream, halfDead: false }
    this.links.add(link)
    const forward = (from: Socket, to: Socket) => {
      from.on('data', (chunk) => {
        if (this.mode === 'pass') to.write(chunk)
      })
    }
    forward(client, upstream)
    forward(upstream, client)
    const close = (side: Socket) => {
      if (this.mode === 'blackhole') {
        link.halfDead = true
        side.destroy()
        return
      }
      this.links.delete(link)
      client.destroy()
      upstream.destroy()
    }
    for (const side of [client, upstream]) {
      side.on('error', () => close(side))
      side.on('close', () => close(side))
    }
  }

  get openLinks(): number {
    return this.links.size
  }

  blackhole(): void {
    this.mode = 'blackhole'
  }

  cut(): void {
    this.mode = 'cut'
    for (const { client, upstream } of this.links) {
      client.resetAndDestroy()
      upstream.resetAndDestroy()
    }
    this.links.clear()
  }

  restore(): void {
    this.mode = 'pass'
    for (const link of [...this.links]) {
      if (!link.halfDead) continue
      this.links.delete(link)
      link.client.resetAndDestroy()
      link.upstream.resetAndDestroy()
    }
  }

  async stop(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
