/**
 * A raw `ws` client speaking Pusher protocol v7 by hand, as cheap per frame as
 * possible so that the load generator is not what gets measured: handshake,
 * public subscription, answers to server pings, everything else to `onEvent`.
 */
import WebSocket from 'ws'

export interface PusherFrame {
  event: string
  channel?: string
  data?: unknown
}

const STEP_TIMEOUT_MS = 15_000

export function pusherUrl(port: number, key: string): string {
  return `ws://127.0.0.1:${port}/app/${key}?protocol=7&client=js&version=8.6.0&flash=false`
}

export class PusherSocket {
  private awaiting: { event: string; resolve: () => void; reject: (err: Error) => void } | null = null
  private readonly ws: WebSocket

  private constructor(
    url: string,
    private readonly onEvent: (frame: PusherFrame) => void,
    onClose: (code: number) => void,
  ) {
    this.ws = new WebSocket(url, { perMessageDeflate: false })
    this.ws.on('message', (raw) => this.receive(raw.toString()))
    this.ws.on('error', (err) => this.fail(err))
    this.ws.on('close', (code) => {
      this.fail(new Error(`closed with ${code}`))
      onClose(code)
    })
  }

  /** Connect and wait for `pusher:connection_established`. */
  static async open(
    url: string,
    onEvent: (frame: PusherFrame) => void = () => undefined,
    onClose: (code: number) => void = () => undefined,
  ): Promise<PusherSocket> {
    const socket = new PusherSocket(url, onEvent, onClose)
    await socket.expect('pusher:connection_established')
    return socket
  }

  /** Subscribe to a public channel and wait for `pusher_internal:subscription_succeeded`. */
  async subscribe(channel: string): Promise<void> {
    const succeeded = this.expect('pusher_internal:subscription_succeeded')
    this.send({ event: 'pusher:subscribe', data: { channel } })
    await succeeded
  }

  close(): void {
    this.ws.terminate()
  }

  private send(frame: PusherFrame): void {
    this.ws.send(JSON.stringify(frame))
  }

  private expect(event: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => this.fail(new Error(`no ${event} within ${STEP_TIMEOUT_MS} ms`)), STEP_TIMEOUT_MS)
      this.awaiting = {
        event,
        resolve: () => {
          clearTimeout(timer)
          resolve()
        },
        reject: (err) => {
          clearTimeout(timer)
          reject(err)
        },
      }
    })
  }

  private fail(err: Error): void {
    const awaiting = this.awaiting
    this.awaiting = null
    awaiting?.reject(err)
  }

  private receive(text: string): void {
    const frame = JSON.parse(text) as PusherFrame
    if (frame.event === this.awaiting?.event) {
      const awaiting = this.awaiting
      this.awaiting = null
      awaiting.resolve()
    } else if (frame.event === 'pusher:ping') {
      this.send({ event: 'pusher:pong', data: {} })
    } else if (frame.event === 'pusher:error' || frame.event === 'pusher:subscription_error') {
      this.fail(new Error(`${frame.event}: ${JSON.stringify(frame.data)}`))
    } else {
      this.onEvent(frame)
    }
  }
}

/** Run `open(i)` for i = 0…count−1 with at most `batch` under way at once. */
export async function openInBatches<T>(count: number, batch: number, open: (index: number) => Promise<T>): Promise<T[]> {
  const opened: T[] = []
  let next = 0
  const lane = async (): Promise<void> => {
    while (next < count) opened.push(await open(next++))
  }
  await Promise.all(Array.from({ length: Math.min(batch, count) }, lane))
  return opened
}
