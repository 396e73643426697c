/**
 * A message's way through the REST api to another user, as the desktop app
 * sees it: sender i POSTs /api/conversations/:id/messages to node i mod n;
 * receiver i is a real pusher-js client subscribed to its own
 * `private-user-{id}` channel (authorised by /api/pusher/auth) on node
 * i+1 mod n, the other node when there are two. Each pair has its own direct
 * conversation. Senders send at a fixed, light pace (latency, not
 * saturation); send→receive runs from just before the POST to the arrival of
 * `message.created`, both timed in this process.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { MESSAGE_BODY, nextClientId } from '../api/message'
import { Receiver } from '../api/receiver'
import { RestClient } from '../api/rest-client'
import type { NodeSet } from '../fanout/nodes'
import type { ScaleOptions } from './options'

interface Pair {
  rest: RestClient
  receiverRest: RestClient
  token: string
  conversationId: string
  receiver: Receiver
}

export interface RestRound {
  /** Measured messages sent, and the window's length. */
  sent: number
  windowMs: number
  /** POST → 201, per measured message. */
  postMs: number[]
  /** POST → `message.created` at the receiver, per measured message that arrived. */
  deliveryMs: number[]
  /** Measured messages whose event never arrived within the drain time. */
  missing: number
}

export class RestPairs {
  private constructor(private readonly pairs: Pair[]) {}

  /** Registers `senders` sender/receiver pairs (usernames start with `prefix`) and connects the receivers. */
  static async setup(set: NodeSet, senders: number, prefix: string): Promise<RestPairs> {
    const pairs: Pair[] = []
    const instance = new RestPairs(pairs)
    try {
      for (let i = 0; i < senders; i++) {
        const senderNode = set.nodes[i % set.nodes.length]
        const receiverNode = set.nodes[(i + 1) % set.nodes.length]
        if (senderNode === undefined || receiverNode === undefined) throw new Error('a setup without nodes')
        const rest = new RestClient(senderNode.url)
        const receiverRest = new RestClient(receiverNode.url)
        const sender = await rest.register(`${prefix}-s${i}`)
        const receiving = await rest.register(`${prefix}-r${i}`)
        const conversation = await rest.createConversation(sender.token, [receiving.user.id])
        const receiver = await Receiver.connect(receiverRest, receiverNode.url, receiving.token, receiving.user.id)
        pairs.push({ rest, receiverRest, token: sender.token, conversationId: conversation.id, receiver })
      }
    } catch (err) {
      instance.close()
      throw err
    }
    return instance
  }

  /** A warm-up and a measured window of sends, every pair each `sendIntervalMs`, staggered; then the drain. */
  async run(options: ScaleOptions): Promise<RestRound> {
    const base = performance.now()
    const windowStart = base + options.warmupMs
    const windowEnd = windowStart + options.durationMs
    const postMs: number[] = []
    const send = async (pair: Pair, index: number): Promise<void> => {
      for (let tick = 0; ; tick++) {
        const due = base + (tick + index / this.pairs.length) * options.sendIntervalMs
        if (due >= windowEnd) return
        const wait = due - performance.now()
        if (wait > 0) await sleep(wait)
        const startedAt = performance.now()
        const measured = due >= windowStart
        const clientId = nextClientId(index)
        if (measured) pair.receiver.expect(clientId, startedAt)
        await pair.rest.sendMessage(pair.token, pair.conversationId, clientId, MESSAGE_BODY)
        if (measured) postMs.push(performance.now() - startedAt)
      }
    }
    await Promise.all(this.pairs.map(send))
    const window = { startedAt: windowStart, endedAt: windowEnd }
    const deliveries = await Promise.all(this.pairs.map((pair) => pair.receiver.collect(options.drainMs, window)))
    return {
      sent: postMs.length,
      windowMs: options.durationMs,
      postMs,
      deliveryMs: deliveries.flatMap((delivery) => delivery.latenciesMs),
      missing: deliveries.reduce((total, delivery) => total + delivery.missing, 0),
    }
  }

  close(): void {
    for (const pair of this.pairs) {
      pair.receiver.close()
      pair.rest.close()
      pair.receiverRest.close()
    }
  }
}
