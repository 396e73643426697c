/**
 * Real clients for integration tests: pusher-js (Node build) authorised by the
 * real `pusher` SDK, the SDK itself for the HTTP API, and raw `ws` sockets for
 * what those clients never do (garbage frames, silence, forged auth).
 */
import Pusher from 'pusher'
import PusherClient from 'pusher-js'
import type { Channel, Options } from 'pusher-js'
import WebSocket from 'ws'
import type { TestServer } from './server'

export function sdkFor(server: TestServer, overrides: Partial<Pusher.Options> = {}): Pusher {
  return new Pusher({
    appId: server.realtime.app.id,
    key: server.realtime.app.key,
    secret: server.realtime.app.secret,
    host: '127.0.0.1',
    port: String(server.port),
    useTLS: false,
    ...overrides,
  } as Pusher.Options)
}

export interface ClientIdentity {
  userId: string
  userInfo?: Record<string, unknown>
  watchlist?: string[]
}

/**
 * A pusher-js client whose channel and user authorisation is signed by the
 * `pusher` SDK with the server's secret, as an app server would.
 */
export function pusherClient(server: TestServer, identity?: ClientIdentity, options: Partial<Options> = {}): PusherClient {
  const sdk = sdkFor(server)
  return new PusherClient(server.realtime.app.key, {
    cluster: 'local',
    wsHost: server.wsHost,
    wsPort: server.wsPort,
    forceTLS: false,
    enabledTransports: ['ws'],
    disableStats: true,
    channelAuthorization: {
      transport: 'ajax',
      endpoint: 'unused',
      customHandler: ({ socketId, channelName }, callback) => {
        try {
          const presenceData = channelName.startsWith('presence-')
            ? { user_id: identity?.userId ?? 'anonymous', user_info: identity?.userInfo ?? {} }
            : undefined
          callback(null, sdk.authorizeChannel(socketId, channelName, presenceData))
        } catch (err) {
          callback(err as Error, null)
        }
      },
    },
    userAuthentication: {
      transport: 'ajax',
      endpoint: 'unused',
      customHandler: ({ socketId }, callback) => {
        try {
          const auth = sdk.authenticateUser(socketId, {
            id: identity?.userId ?? 'anonymous',
            ...(identity?.userInfo ? { user_info: identity.userInfo } : {}),
            ...(identity?.watchlist ? { watchlist: identity.watchlist } : {}),
          })
          callback(null, auth as { auth: string; user_data: string })
        } catch (err) {
          callback(err as Error, null)
        }
      },
    },
    ...options,
  })
}

export function connected(client: PusherClient, timeoutMs = 5_000): Promise<string> {
  return new Promise((resolve, reject) => {
    if (client.connection.state === 'connected') return resolve(client.connection.socket_id)
    const timer = setTimeout(() => reject(new Error(`not connected, state ${client.connection.state}`)), timeoutMs)
    client.connection.bind('connected', () => {
      clearTimeout(timer)
      resolve(client.connection.socket_id)
    })
  })
}

export function subscribed(client: PusherClient, channelName: string, timeoutMs = 5_000): Promise<Channel> {
  return new Promise((resolve, reject) => {
    const channel = client.subscribe(channelName)
    if (channel.subscribed) return resolve(channel)
    const timer = setTimeout(() => reject(new Error(`not subscribed to ${channelName}`)), timeoutMs)
    channel.bind('pusher:subscription_succeeded', () => {
      clearTimeout(timer)
      resolve(channel)
    })
    channel.bind('pusher:subscription_error', (error: unknown) => {
      clearTimeout(timer)
      reject(Object.assign(new Error(`subscription to ${channelName} failed`), { detail: error }))
    })
  })
}

/** Resolve with the next `event` on `channel` (data), or reject after a timeout. */
export function nextEvent<T = unknown>(channel: Channel, event: string, timeoutMs = 5_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      channel.unbind(event, handler)
      reject(new Error(`no ${event} on ${channel.name} within ${timeoutMs} ms`))
    }, timeoutMs)
    const handler = (data: T): void => {
      clearTimeout(timer)
      channel.unbind(event, handler)
      resolve(data)
    }
    channel.bind(event, handler)
  })
}

/** A raw WebSocket speaking the protocol by hand, collecting every frame it receives. */
export class RawSocket {
  readonly frames: { event: string; channel?: string; data?: unknown; user_id?: string }[] = []
  closeCode: number | null = null
  readonly ws: WebSocket
  private waiters: { match: (f: RawSocket['frames'][number]) => boolean; resolve: (f: RawSocket['frames'][number]) => void }[] = []
  private closeWaiters: ((code: number) => void)[] = []

  constructor(url: string, options: WebSocket.ClientOptions = {}) {
    this.ws = new WebSocket(url, options)
    this.ws.on('error', () => undefined)
    this.ws.on('message', (raw) => {
      const frame = JSON.parse(raw.toString()) as RawSocket['frames'][number]
      if (typeof frame.data === 'string') {
        try {
          frame.data = JSON.parse(frame.data)
        } catch {
          // keep the string
        }
      }
      this.frames.push(frame)
      this.waiters = this.waiters.filter((waiter) => {
        if (!waiter.match(frame)) return true
        waiter.resolve(frame)
        return false
      })
    })
    this.ws.on('close', (code) => {
      this.closeCode = code
      this.closeWaiters.forEach((resolve) => resolve(code))
    })
  }

  static url(server: TestServer, key = server.realtime.app.key, query = 'protocol=7&client=js&version=8.6.0&flash=false') {
    return `ws://127.0.0.1:${server.port}/app/${key}?${query}`
  }

  /** Connect and wait for connection_established; resolves with the socket id. */
  static async open(server: TestServer, options: WebSocket.ClientOptions = {}): Promise<{ socket: RawSocket; socketId: string }> {
    const socket = new RawSocket(RawSocket.url(server), options)
    const established = await socket.waitFor((f) => f.event === 'pusher:connection_established')
    return { socket, socketId: (established.data as { socket_id: string }).socket_id }
  }

  send(frame: unknown): void {
    this.ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame))
  }

  waitFor(match: (frame: RawSocket['frames'][number]) => boolean, timeoutMs = 5_000): Promise<RawSocket['frames'][number]> {
    const seen = this.frames.find(match)
    if (seen) return Promise.resolve(seen)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('frame not received in time')), timeoutMs)
      this.waiters.push({
        match,
        resolve: (frame) => {
          clearTimeout(timer)
          resolve(frame)
        },
      })
    })
  }

  /** Wait for the next frame matching, ignoring ones already received. */
  waitForNext(match: (frame: RawSocket['frames'][number]) => boolean, timeoutMs = 5_000): Promise<RawSocket['frames'][number]> {
    const already = this.frames.length
    return this.waitFor((frame) => this.frames.indexOf(frame) >= already && match(frame), timeoutMs)
  }

  closed(timeoutMs = 5_000): Promise<number> {
    if (this.closeCode !== null) return Promise.resolve(this.closeCode)
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('socket not closed in time')), timeoutMs)
      this.closeWaiters.push((code) => {
        clearTimeout(timer)
        resolve(code)
      })
    })
  }

  close(): void {
    this.ws.close()
  }
}
