/**
 * The receiving user as the desktop app is: a real pusher-js client,
 * configured from GET /api/config, subscribed to its `private-user-{id}`
 * channel through the real /api/pusher/auth endpoint with its bearer token.
 * Senders announce each measured message (clientId, time just before the
 * POST); the arrival of its `message.created` gives one send→receive sample.
 * Every arrival is also timed, so a window's delivery rate can be compared
 * with its send rate.
 */
import PusherClient from 'pusher-js'
import { Events, userChannel, type MessageCreatedEvent } from '../../src/shared/channels'
import type { RestClient } from './rest-client'

const CONNECT_TIMEOUT_MS = 10_000

export interface Delivery {
  latenciesMs: number[]
  /** Measured messages whose event had not arrived when the drain time ran out. */
  missing: number
  /** `message.created` events (any message) that arrived inside the window, per second. */
  receivedPerSec: number
  /** How long after the window's last send was answered its last measured event arrived; 0 if none was late. */
  backlogMs: number
}

export class Receiver {
  private readonly pending = new Map<string, number>()
  private latencies: number[] = []
  private arrivals: number[] = []
  private lastExpectedArrival = 0
  private drained: (() => void) | null = null

  private constructor(private readonly client: PusherClient) {}

  static async connect(rest: RestClient, baseUrl: string, token: string, userId: string): Promise<Receiver> {
    const { pusher: config, activityTimeout } = await rest.config()
    const client = new PusherClient(config.key, {
      cluster: config.cluster,
      wsHost: config.wsHost,
      wsPort: config.wsPort,
      forceTLS: config.forceTLS,
      enabledTransports: ['ws'],
      disableStats: true,
      activityTimeout: activityTimeout * 1000,
      channelAuthorization: {
        endpoint: `${baseUrl}/api/pusher/auth`,
        transport: 'ajax',
        headers: { Authorization: `Bearer ${token}` },
      },
    })
    const receiver = new Receiver(client)
    const channel = client.subscribe(userChannel(userId))
    channel.bind(Events.messageCreated, (event: MessageCreatedEvent) => receiver.arrived(event.message.clientId))
    try {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('pusher-js did not subscribe in time')), CONNECT_TIMEOUT_MS)
        channel.bind('pusher:subscription_succeeded', () => {
          clearTimeout(timer)
          resolve()
        })
        channel.bind('pusher:subscription_error', (error: unknown) => {
          clearTimeout(timer)
          reject(new Error(`subscription refused: ${JSON.stringify(error)}`))
        })
      })
    } catch (err) {
      client.disconnect()
      throw err
    }
    return receiver
  }

  /** A measured message is about to be POSTed. */
  expect(clientId: string, startedAt: number): void {
    this.pending.set(clientId, startedAt)
  }

  /**
   * Called once the window's last send was answered: waits up to `drainMs` for
   * the expected events, then hands over what the window delivered and
   * forgets the rest.
   */
  async collect(drainMs: number, window: { startedAt: number; endedAt: number }): Promise<Delivery> {
    const collectedAt = performance.now()
    if (this.pending.size > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, drainMs)
        this.drained = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.drained = null
    }
    const inWindow = this.arrivals.filter((at) => at >= window.startedAt && at < window.endedAt).length
    const delivery = {
      latenciesMs: this.latencies,
      missing: this.pending.size,
      receivedPerSec: (inWindow * 1000) / (window.endedAt - window.startedAt),
      backlogMs: Math.max(0, this.lastExpectedArrival - collectedAt),
    }
    this.latencies = []
    this.arrivals = []
    this.pending.clear()
    return delivery
  }

  close(): void {
    this.client.disconnect()
  }

  private arrived(clientId: string): void {
    const now = performance.now()
    this.arrivals.push(now)
    const startedAt = this.pending.get(clientId)
    if (startedAt === undefined) return
    this.lastExpectedArrival = now
    this.latencies.push(now - startedAt)
    this.pending.delete(clientId)
    if (this.pending.size === 0) this.drained?.()
  }
}
