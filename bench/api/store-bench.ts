/**
 * The baseline: the server's own store without HTTP. `openSqliteStore` opens a
 * fresh SQLite file (WAL, synchronous=FULL, as the server does) in this
 * process, seeded with the same users and conversations as the REST run; a
 * scenario is a closed loop of `store.appendMessage` calls, one caller per
 * sender, measured for inserts per second and call latency.
 */
import { openSqliteStore } from '../../src/server/store/sqlite'
import { newId } from '../../src/server/store/ids'
import type { SqlStore } from '../../src/server/store/sql-store'
import { runClosedLoop, type LoadResult } from './closed-loop'
import { MESSAGE_BODY, nextClientId } from './message'
import type { BenchOptions } from './options'
import { conversationOf, type ConversationFixture, type Scenario } from './scenarios'

export class StoreBench {
  private constructor(
    private readonly store: SqlStore,
    private readonly senderIds: string[],
    private readonly conversations: ConversationFixture,
  ) {}

  static async open(dataDir: string, senders: number): Promise<StoreBench> {
    const store = await openSqliteStore(dataDir)
    const now = Date.now()
    const createUser = async (username: string): Promise<string> => {
      const user = { id: newId('u'), username, displayName: username, passwordHash: '-', createdAt: now }
      return (await store.createUser(user)).id
    }
    const receiverId = await createUser('bench-receiver')
    const senderIds: string[] = []
    for (let i = 0; i < senders; i++) senderIds.push(await createUser(`bench-sender-${i}`))
    const conversation = async (kind: 'direct' | 'group', memberIds: string[]): Promise<string> => {
      const title = kind === 'group' ? 'Benchmark group' : null
      const created = await store.createConversation({ kind, title, memberIds, createdBy: memberIds[0] ?? '', now })
      return created.conversation.id
    }
    const direct: string[] = []
    for (const senderId of senderIds) direct.push(await conversation('direct', [senderId, receiverId]))
    const group = await conversation('group', [...senderIds, receiverId])
    return new StoreBench(store, senderIds, { direct, group })
  }

  run(scenario: Scenario, options: BenchOptions): Promise<LoadResult> {
    return runClosedLoop({
      callers: scenario.callers,
      warmupMs: options.warmupMs,
      durationMs: options.durationMs,
      pids: { bench: process.pid },
      operation: async (sender) => {
        const senderId = this.senderIds[sender]
        if (senderId === undefined) throw new Error(`no sender ${sender}`)
        await this.store.appendMessage({
          conversationId: conversationOf(scenario, this.conversations, sender),
          senderId,
          clientId: nextClientId(sender),
          body: MESSAGE_BODY,
          now: Date.now(),
        })
      },
    })
  }

  close(): Promise<void> {
    return this.store.close()
  }
}
