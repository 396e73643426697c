/**
 * The store without HTTP: the server's own SqlStore opened in this process,
 * on SQLite (a fresh file, WAL, synchronous=FULL, group commit: as the
 * server opens it) or on PostgreSQL (a fresh database, opened as the
 * server opens DATABASE_URL: its default pool of 10 connections). Each caller appends to its own
 * direct conversation in a closed loop, so concurrent callers contend for
 * the database, not for one conversation's row.
 */
import { runClosedLoop, type LoadResult } from '../api/closed-loop'
import { MESSAGE_BODY, nextClientId } from '../api/message'
import { newId } from '../../src/server/store/ids'
import { openPostgresStore } from '../../src/server/store/postgres'
import type { SqlStore } from '../../src/server/store/sql-store'
import { openSqliteStore } from '../../src/server/store/sqlite'

export class StoreRate {
  private constructor(
    private readonly store: SqlStore,
    private readonly callers: { senderId: string; conversationId: string }[],
  ) {}

  /** SQLite in `dataDir`, or PostgreSQL at `databaseUrl`; seeded for `callers` callers. */
  static async open(where: { dataDir: string } | { databaseUrl: string }, callers: number): Promise<StoreRate> {
    const store =
      'dataDir' in where
        ? await openSqliteStore(where.dataDir)
        : await openPostgresStore({ connectionString: where.databaseUrl })
    const now = Date.now()
    const createUser = async (username: string): Promise<string> =>
      (await store.createUser({ id: newId('u'), username, displayName: username, passwordHash: '-', createdAt: now })).id
    const receiverId = await createUser('store-receiver')
    const seeded: { senderId: string; conversationId: string }[] = []
    for (let i = 0; i < callers; i++) {
      const senderId = await createUser(`store-sender-${i}`)
      const input = { kind: 'direct' as const, title: null, memberIds: [senderId, receiverId], createdBy: senderId, now }
      const { conversation } = await store.createConversation(input)
      seeded.push({ senderId, conversationId: conversation.id })
    }
    return new StoreRate(store, seeded)
  }

  /** `callers` closed loops of appendMessage: a warm-up, then the measured window. */
  run(callers: number, timing: { warmupMs: number; durationMs: number }): Promise<LoadResult> {
    return runClosedLoop({
      callers,
      warmupMs: timing.warmupMs,
      durationMs: timing.durationMs,
      pids: { bench: process.pid },
      operation: async (caller) => {
        const seeded = this.callers[caller]
        if (seeded === undefined) throw new Error(`no caller ${caller}`)
        await this.store.appendMessage({
          conversationId: seeded.conversationId,
          senderId: seeded.senderId,
          clientId: nextClientId(caller),
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
