/**
 * Sends through REST against the server process: N registered senders (each
 * with their own token) and one receiver who is a member of every benchmark
 * conversation and listens with pusher-js. A scenario is a closed loop of
 * POST /api/conversations/:id/messages (stored, then published by the server)
 * measured for throughput and request latency, plus each measured message's
 * send→receive latency at the receiver and the rate events reached it.
 */
import { runClosedLoop, type LoadResult } from './closed-loop'
import { summarize, type LatencySummary } from '../../test/kit/latency'
import { MESSAGE_BODY, nextClientId } from './message'
import type { WindowUsage } from './meter'
import type { BenchOptions } from './options'
import { Receiver, type Delivery } from './receiver'
import { RestClient } from './rest-client'
import { conversationOf, type ConversationFixture, type Scenario } from './scenarios'
import type { ServerProcess } from '../../test/kit/server-process'

export interface RestResult {
  sends: LoadResult
  /** From the window's start until its last event was delivered: publishing that outlasted the window included. */
  untilDelivered: WindowUsage
  /** Send→receive at the receiver's pusher-js client. */
  delivery: LatencySummary & Omit<Delivery, 'latenciesMs'>
}

export class RestBench {
  private constructor(
    private readonly server: ServerProcess,
    private readonly rest: RestClient,
    private readonly tokens: string[],
    private readonly conversations: ConversationFixture,
    private readonly receiver: Receiver,
  ) {}

  /** Registers the receiver and `senders` senders, and makes every sender's direct conversation and the group. */
  static async setup(server: ServerProcess, senders: number): Promise<RestBench> {
    const rest = new RestClient(server.url)
    const receiver = await rest.register('bench-receiver')
    const users = await Promise.all(Array.from({ length: senders }, (_, i) => rest.register(`bench-sender-${i}`)))
    const direct = await Promise.all(users.map((user) => rest.createConversation(user.token, [receiver.user.id])))
    const [first, ...others] = users
    if (first === undefined) throw new Error('at least one sender is needed')
    const group = await rest.createConversation(
      first.token,
      [...others.map((user) => user.user.id), receiver.user.id],
      'Benchmark group',
    )
    const listener = await Receiver.connect(rest, server.url, receiver.token, receiver.user.id)
    const conversations = { direct: direct.map((conversation) => conversation.id), group: group.id }
    return new RestBench(server, rest, users.map((user) => user.token), conversations, listener)
  }

  async run(scenario: Scenario, options: BenchOptions): Promise<RestResult> {
    const sends = await runClosedLoop({
      callers: scenario.callers,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      pids: { server: this.server.pid, bench: process.pid },
      operation: async (sender, measured) => {
        const token = this.tokens[sender]
        if (token === undefined) throw new Error(`no sender ${sender}`)
        const clientId = nextClientId(sender)
        if (measured) this.receiver.expect(clientId, performance.now())
        await this.rest.sendMessage(token, conversationOf(scenario, this.conversations, sender), clientId, MESSAGE_BODY)
      },
    })
    const { latenciesMs, ...delivery } = await this.receiver.collect(options.drainMs, sends.usage)
    return { sends, untilDelivered: sends.meter.read(), delivery: { ...summarize(latenciesMs), ...delivery } }
  }

  close(): void {
    this.receiver.close()
    this.rest.close()
  }
}
