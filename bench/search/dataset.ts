/**
 * The workspace the search benchmark runs on, generated deterministically
 * from a seed: accounts, conversations of 2–8 members (the searcher in every
 * `searcherEvery`-th), and messages spread over the conversations with a
 * skew (some busy, most quiet), one a minute, with the desk benchmark's
 * realistic bodies (bench/core/bodies.ts: mostly English of every length,
 * Chinese and Japanese without spaces, emoji, mixed; one in 10,000 with a
 * rare word).
 *
 * Seeding writes the rows straight into the store's tables at the schema
 * before migration 0008 (in large transactions), then runs the migrations:
 * the search index is built the way an existing server's is when it
 * upgrades, and that time is reported.
 */
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import { migrateTo, migrateToLatest } from '../../src/server/store/migrate'
import type { Database } from '../../src/server/store/schema'
import { SQLITE_FILE } from '../../src/server/store/sqlite'
import { intBetween, seededRandom, type Random } from '../../test/kit/random'
import { messageBody } from '../core/bodies'
import type { SearchBenchOptions } from './options'

const BEFORE_SEARCH = '0007-groups-and-people'
const BATCH = 10_000
const MINUTE = 60_000

export interface Workspace {
  userIds: string[]
  searcherId: string
  conversations: { id: string; memberIds: string[] }[]
}

export interface MessageValues {
  id: string
  conversationId: string
  seq: number
  senderId: string
  clientId: string
  body: string
  createdAt: number
}

export function workspaceOf(options: SearchBenchOptions): Workspace {
  const random = seededRandom(options.seed)
  const userIds = Array.from({ length: options.users }, (_, i) => `u_bench${i}`)
  const searcherId = userIds[0] as string
  const conversations = Array.from({ length: options.conversations }, (_, i) => {
    const members = new Set<string>()
    if (i % options.searcherEvery === 0) members.add(searcherId)
    const size = intBetween(random, 2, 8)
    while (members.size < size) members.add(userIds[1 + Math.floor(random() * (userIds.length - 1))] as string)
    return { id: `c_bench${i}`, memberIds: [...members] }
  })
  return { userIds, searcherId, conversations }
}

/**
 * The messages in batches, oldest first; `seen` is called with each one.
 * `lastSeq` ends up holding each conversation's count.
 */
export function* messageBatches(
  workspace: Workspace,
  options: SearchBenchOptions,
  lastSeq: Int32Array,
  seen: (message: MessageValues, conversation: number) => void,
): Generator<MessageValues[]> {
  const random: Random = seededRandom(options.seed + 1)
  const start = Date.UTC(2024, 0, 1)
  let batch: MessageValues[] = []
  for (let n = 0; n < options.messages; n++) {
    // Skewed: conversation i gets a share falling off with i (busy ones first, a long quiet tail).
    const index = Math.floor(workspace.conversations.length * random() ** 2)
    const conversation = workspace.conversations[index] as Workspace['conversations'][number]
    const seq = (lastSeq[index] = (lastSeq[index] ?? 0) + 1)
    const message: MessageValues = {
      id: `m_bench${n.toString(36)}`,
      conversationId: conversation.id,
      seq,
      senderId: conversation.memberIds[Math.floor(random() * conversation.memberIds.length)] as string,
      clientId: `k${n.toString(36)}`,
      body: messageBody(random),
      createdAt: start + n * MINUTE,
    }
    seen(message, index)
    batch.push(message)
    if (batch.length === BATCH) {
      yield batch
      batch = []
    }
  }
  if (batch.length > 0) yield batch
}

export interface Seeded {
  /** Writing the rows (before the search index). */
  seedMs: number
  /** The search migrations (0008, and on PostgreSQL 0009): building the search index over them. */
  indexMs: number
}

type Seen = (message: MessageValues, conversation: number) => void

/** A SQLite file in `dir` holding the workspace, migrated to the latest schema. */
export async function seedSqlite(dir: string, workspace: Workspace, options: SearchBenchOptions, seen: Seen): Promise<Seeded> {
  const database = new BetterSqlite3(join(dir, SQLITE_FILE))
  database.pragma('journal_mode = WAL')
  // Seeding only: the store opens the file with synchronous=FULL afterwards.
  database.pragma('synchronous = OFF')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
  try {
    const started = performance.now()
    await migrateTo(db as unknown as Kysely<unknown>, BEFORE_SEARCH)
    const user = database.prepare(
      'INSERT INTO users (id, username, username_key, display_name, display_name_key, password_hash, created_at) VALUES (?, ?, ?, ?, ?, ?, 0)',
    )
    const conversation = database.prepare(
      "INSERT INTO conversations (id, kind, title, created_by, created_at, last_seq, last_rev, last_activity_at) VALUES (?, 'group', ?, ?, 0, 0, 0, 0)",
    )
    const member = database.prepare(
      "INSERT INTO members (conversation_id, user_id, joined_at, read_seq, delivered_seq, role) VALUES (?, ?, ?, 0, 0, 'member')",
    )
    const message = database.prepare(
      'INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_id, body, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    )
    const counts = database.prepare('UPDATE conversations SET last_seq = ?, last_rev = ?, last_activity_at = ? WHERE id = ?')
    database.transaction(() => {
      for (const id of workspace.userIds) user.run(id, id, id, id, id, 'x')
      for (const c of workspace.conversations) {
        conversation.run(c.id, c.id, c.memberIds[0])
        c.memberIds.forEach((userId, i) => member.run(c.id, userId, i))
      }
    })()
    const lastSeq = new Int32Array(workspace.conversations.length)
    const lastAt = new Float64Array(workspace.conversations.length)
    const insert = database.transaction((batch: MessageValues[]) => {
      for (const m of batch) message.run(m.id, m.conversationId, m.seq, m.seq, m.senderId, m.clientId, m.body, m.createdAt)
    })
    for (const batch of messageBatches(workspace, options, lastSeq, (m, index) => {
      lastAt[index] = m.createdAt
      seen(m, index)
    })) {
      insert(batch)
    }
    database.transaction(() => {
      workspace.conversations.forEach((c, i) => counts.run(lastSeq[i], lastSeq[i], lastAt[i], c.id))
    })()
    const seeded = performance.now()
    await migrateToLatest(db as unknown as Kysely<unknown>)
    return { seedMs: seeded - started, indexMs: performance.now() - seeded }
  } finally {
    await db.destroy()
  }
}

/** The workspace in the PostgreSQL database at `url`, migrated to the latest schema and analysed. */
export async function seedPostgres(url: string, workspace: Workspace, options: SearchBenchOptions, seen: Seen): Promise<Seeded> {
  const pool = new pg.Pool({ connectionString: url, max: 2 })
  pool.on('error', () => undefined)
  const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  try {
    const started = performance.now()
    await migrateTo(db as unknown as Kysely<unknown>, BEFORE_SEARCH)
    const ids = workspace.userIds
    await pool.query(
      'INSERT INTO users (id, username, username_key, display_name, display_name_key, password_hash, created_at) SELECT u, u, u, u, u, $2, 0 FROM unnest($1::text[]) AS u',
      [ids, 'x'],
    )
    const cs = workspace.conversations
    await pool.query(
      "INSERT INTO conversations (id, kind, title, created_by, created_at, last_seq, last_rev, last_activity_at) SELECT c, 'group', c, o, 0, 0, 0, 0 FROM unnest($1::text[], $2::text[]) AS t(c, o)",
      [cs.map((c) => c.id), cs.map((c) => c.memberIds[0])],
    )
    const members = cs.flatMap((c) => c.memberIds.map((userId, i) => [c.id, userId, i] as const))
    await pool.query(
      "INSERT INTO members (conversation_id, user_id, joined_at, read_seq, delivered_seq, role) SELECT c, u, j, 0, 0, 'member' FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(c, u, j)",
      [members.map((m) => m[0]), members.map((m) => m[1]), members.map((m) => m[2])],
    )
    const lastSeq = new Int32Array(cs.length)
    const lastAt = new Float64Array(cs.length)
    for (const batch of messageBatches(workspace, options, lastSeq, (m, index) => {
      lastAt[index] = m.createdAt
      seen(m, index)
    })) {
      await pool.query(
        `INSERT INTO messages (id, conversation_id, seq, rev, sender_id, client_id, body, created_at)
         SELECT i, c, s, s, u, k, b, t FROM unnest($1::text[], $2::text[], $3::int[], $4::text[], $5::text[], $6::text[], $7::bigint[]) AS x(i, c, s, u, k, b, t)`,
        [
          batch.map((m) => m.id),
          batch.map((m) => m.conversationId),
          batch.map((m) => m.seq),
          batch.map((m) => m.senderId),
          batch.map((m) => m.clientId),
          batch.map((m) => m.body),
          batch.map((m) => m.createdAt),
        ],
      )
    }
    await pool.query(
      'UPDATE conversations SET last_seq = t.s, last_rev = t.s, last_activity_at = t.a FROM unnest($1::text[], $2::int[], $3::bigint[]) AS t(c, s, a) WHERE id = t.c',
      [cs.map((c) => c.id), [...lastSeq], [...lastAt]],
    )
    const seeded = performance.now()
    await migrateToLatest(db as unknown as Kysely<unknown>)
    const indexMs = performance.now() - seeded
    // A running server's statistics come from autovacuum; a freshly loaded table has none yet.
    await pool.query('ANALYZE')
    return { seedMs: seeded - started, indexMs }
  } finally {
    await db.destroy()
  }
}
