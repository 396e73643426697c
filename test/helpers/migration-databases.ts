/**
 * The two databases a server migration is tested on: a fresh SQLite file and
 * a PostgreSQL database of its own (dropping a schema in the shared database
 * would race with other test files' migrations). Each `open()` gives an empty
 * database; `close()` removes it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect } from 'kysely'
import pg from 'pg'
import type { Database } from '../../src/server/store/schema'
import { scratchDatabase } from './pg-database'

export interface OpenedDatabase {
  db: Kysely<Database>
  close(): Promise<void>
}

export interface MigrationDatabase {
  name: 'sqlite' | 'postgres'
  open(): Promise<OpenedDatabase>
}

/** `label` names the temporary directory and database (e.g. "0005"). */
export function migrationDatabases(label: string): MigrationDatabase[] {
  return [
    {
      name: 'sqlite',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), `parley-${label}-`))
        const db = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(join(dir, 'parley.sqlite')) }) })
        return {
          db,
          async close() {
            await db.destroy()
            rmSync(dir, { recursive: true, force: true })
          },
        }
      },
    },
    {
      name: 'postgres',
      async open() {
        const database = await scratchDatabase(`t${label}`)
        const pool = new pg.Pool({ connectionString: database.url, max: 2 })
        // DROP DATABASE … WITH (FORCE) ends connections the pool may still be closing.
        pool.on('error', () => undefined)
        const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
        return {
          db,
          async close() {
            await db.destroy()
            await database.drop()
          },
        }
      },
    },
  ]
}

/** The tables as plain rows: migration tests write them at older schemas. */
export type Loose = Kysely<Record<string, Record<string, unknown>>>

/** Users named by their ids. */
export async function insertUsers(db: Loose, ids: string[]): Promise<void> {
  await db
    .insertInto('users')
    .values(ids.map((id) => ({ id, username: id, username_key: id, display_name: id, display_name_key: id, password_hash: 'x', created_at: 0 })))
    .execute()
}

/** A group of `members` whose messages are `bodies` (seq 1…, created_at = `from` + seq), inserted in chunks. */
export async function insertConversation(db: Loose, id: string, members: string[], bodies: string[], from = 0): Promise<void> {
  await db
    .insertInto('conversations')
    .values({ id, kind: 'group', title: id, created_by: members[0], created_at: 0, last_seq: bodies.length, last_rev: bodies.length, last_activity_at: from + bodies.length })
    .execute()
  await db
    .insertInto('members')
    .values(members.map((user_id, i) => ({ conversation_id: id, user_id, joined_at: i, read_seq: 0, delivered_seq: 0, role: i === 0 ? 'owner' : 'member' })))
    .execute()
  for (let at = 0; at < bodies.length; at += 1_000) {
    const chunk = bodies.slice(at, at + 1_000).map((body, i) => {
      const seq = at + i + 1
      return { id: `${id}_m${seq}`, conversation_id: id, seq, rev: seq, sender_id: members[0], client_id: `k${seq}`, body, created_at: from + seq }
    })
    await db.insertInto('messages').values(chunk).execute()
  }
}
