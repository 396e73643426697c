/**
 * A TCP proxy in front of a server that a test can cut, blackhole, slow down
 * and restore.
 * - cut: destroy every open link (the peer sees a reset) and refuse new ones;
 * - blackhole: keep links open but let no byte through either way — a
 *   half-open network, as after sleep or a dead Wi-Fi, with no FIN and no RST.
 *   When one end gives up on a link meanwhile, the other end is not told;
 * - latency(ms): forward every chunk `ms` later than it arrived, in order (a
 *   latency spike; 0 ends it). Independent of the mode: a slow link can also be
 *   blackholed;
 * - failHttp: plain HTTP requests fail (their connection is reset as soon as
 *   a request arrives; open keep-alive connections are reset now) while
 *   WebSocket links keep working — a reverse proxy or load balancer hiccup;
 * - cutHttpAfter(bytes): the next plain HTTP link that sends more than
 *   `bytes` toward the server is reset there, once — an upload cut mid-stream;
 * - restore: forward again, without extra latency or HTTP failures. Links one end gave up on
 *   during the blackhole are reset now, as the first packet to reach the
 *   forgotten end would do. On the others the bytes held back during the
 *   blackhole arrive now, in order — as TCP retransmits them when a short
 *   outage ends before anyone gave up; a byte stream never has a hole.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'

export type ProxyMode = 'pass' | 'blackhole' | 'cut'

/** One direction of a link: chunks in arrival order, each with the time it may be forwarded. */
interface Pipe {
  to: Socket
  queue: { chunk: Buffer | 'close'; due: number }[]
  timer: NodeJS.Timeout | null
}

interface Link {
  client: Socket
  upstream: Socket
  pipes: Pipe[]
  /** One end closed while blackholed; the other end still believes in the link. */
  halfDead: boolean
  closed: boolean
  /** From the first bytes the client sent: a WebSocket upgrade or plain HTTP (null: nothing sent yet). */
  kind: 'http' | 'websocket' | null
  /** Bytes the client sent so far. */
  sent: number
}

export class TcpProxy {
  private server: Server | null = null
  private readonly links = new Set<Link>()
  mode: ProxyMode = 'pass'
  /** Extra delay for every chunk, in ms (see `latency`). */
  delayMs = 0
  /** Plain HTTP requests fail (see `failHttp`). */
  httpFailing = false
  port = 0
  /** Connections accepted so far (refused ones in `cut` mode included). */
  accepted = 0
  /** See `cutHttpAfter`: the threshold, and who waits for the cut. */
  private httpCut: { bytes: number; done: () => void; baseline: Map<Link, number> } | null = null

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
    this.accepted++
    if (this.mode === 'cut') {
      client.destroy()
      return
    }
    const upstream = connect(this.targetPort, this.targetHost)
    const toUpstream: Pipe = { to: upstream, queue: [], timer: null }
    const toClient: Pipe = { to: client, queue: [], timer: null }
    const link: Link = { client, upstream, pipes: [toUpstream, toClient], halfDead: false, closed: false, kind: null, sent: 0 }
    this.links.add(link)
    const forward = (from: Socket, pipe: Pipe) => {
      from.on('data', (chunk: Buffer) => {
        if (link.kind === null && from === client) {
          link.kind = /\r\nupgrade:\s*websocket/i.test(chunk.toString('latin1')) ? 'websocket' : 'http'
        }
        if (link.kind === 'http' && this.httpFailing) {
          this.closeLink(link, true)
          return
        }
        if (from === client) link.sent += chunk.length
        if (from === client && link.kind === 'http' && this.httpCut !== null && link.sent - (this.httpCut.baseline.get(link) ?? 0) > this.httpCut.bytes) {
          const { done } = this.httpCut
          this.httpCut = null
          this.closeLink(link, true)
          done()
          return
        }
        pipe.queue.push({ chunk, due: Date.now() + this.delayMs })
        this.pump(link, pipe)
      })
    }
    forward(client, toUpstream)
    forward(upstream, toClient)
    const close = (side: Socket) => {
      if (link.closed) return
      if (this.mode === 'blackhole') {
        link.halfDead = true
        side.destroy()
        return
      }
      // What this side sent before it closed still reaches the other side first.
      const onward = side === client ? toUpstream : toClient
      if (onward.queue.length > 0 && onward.queue.at(-1)?.chunk !== 'close') {
        onward.queue.push({ chunk: 'close', due: 0 })
        this.pump(link, onward)
        return
      }
      if (onward.queue.length === 0) this.closeLink(link)
    }
    for (const side of [client, upstream]) {
      side.on('error', () => close(side))
      side.on('close', () => close(side))
    }
  }

  /** Forward what is due, in order; wait for the rest. Nothing moves unless the mode is `pass`. */
  private pump(link: Link, pipe: Pipe): void {
    if (link.closed || this.mode !== 'pass') return
    if (pipe.timer !== null) {
      clearTimeout(pipe.timer)
      pipe.timer = null
    }
    const now = Date.now()
    for (let head = pipe.queue[0]; head !== undefined; head = pipe.queue[0]) {
      if (head.due > now) {
        pipe.timer = setTimeout(() => {
          pipe.timer = null
          this.pump(link, pipe)
        }, head.due - now)
        return
      }
      pipe.queue.shift()
      if (head.chunk === 'close') {
        this.closeLink(link)
        return
      }
      if (!pipe.to.destroyed) pipe.to.write(head.chunk)
    }
  }

  private closeLink(link: Link, reset = false): void {
    if (!link.closed) {
      link.closed = true
      for (const pipe of link.pipes) {
        if (pipe.timer !== null) clearTimeout(pipe.timer)
        pipe.timer = null
        pipe.queue.length = 0
      }
    }
    this.links.delete(link)
    if (reset) {
      link.client.resetAndDestroy()
      link.upstream.resetAndDestroy()
    } else {
      link.client.destroy()
      link.upstream.destroy()
    }
  }

  get openLinks(): number {
    return this.links.size
  }

  blackhole(): void {
    this.mode = 'blackhole'
  }

  /** Delay every chunk by `ms` from now on (0: no extra delay). Chunks already waiting keep their time. */
  latency(ms: number): void {
    this.delayMs = Math.max(0, ms)
  }

  /** Plain HTTP requests fail from now on (connections reset); WebSocket links are untouched. `restore` ends it. */
  failHttp(): void {
    this.httpFailing = true
    for (const link of [...this.links]) if (link.kind === 'http') this.closeLink(link, true)
  }

  /** Reset the next plain HTTP link once it has sent more than `bytes` toward the server from now on; resolves when that happened. */
  cutHttpAfter(bytes: number): Promise<void> {
    const baseline = new Map([...this.links].map((link) => [link, link.sent]))
    return new Promise((resolve) => (this.httpCut = { bytes, done: resolve, baseline }))
  }

  cut(): void {
    this.mode = 'cut'
    for (const link of [...this.links]) this.closeLink(link, true)
    this.links.clear()
  }

  restore(): void {
    this.mode = 'pass'
    this.delayMs = 0
    this.httpFailing = false
    for (const link of [...this.links]) {
      if (link.halfDead) this.closeLink(link, true)
      else link.pipes.forEach((pipe) => this.pump(link, pipe))
    }
  }

  async stop(): Promise<void> {
    this.cut()
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()))
  }
}
