/**
 * Migration 0004 on SQLite and PostgreSQL: display names stored before the
 * rule (issue 14) are NFKC-normalised, lose their control, bidi-formatting and
 * invisible characters, fall back to the username when nothing visible is
 * left; the search key follows; clean names are untouched. The databases are
 * brought to the latest schema, 0004's bookkeeping row is deleted, the old
 * rows go in, and migrateToLatest runs it again, as at a server's start.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { afterEach, describe, expect, test } from 'vitest'
import { migrateToLatest } from '../migrate'
import type { Database } from '../schema'
import { postgresUrl, requirePostgres } from '../../../../test/kit/services'

const postgresMissing = await requirePostgres('0004-display-name-nfkc: the postgres variant')

interface Opened {
  db: Kysely<Database>
  schema?: string
  close(): Promise<void>
}

const databases: { name: string; open(): Promise<Opened> }[] = [
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-0004-'))
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
      const schema = `t0004_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
      const pool = new pg.Pool({ connectionString: postgresUrl, max: 2, options: `-c search_path=${schema}` })
      await pool.query(`CREATE SCHEMA ${schema}`)
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
      return {
        db,
        schema,
        async close() {
          await sql.raw(`DROP SCHEMA ${schema} CASCADE`).execute(db)
          await db.destroy()
        },
      }
    },
  },
]

/** [stored before, username, stored after] */
const rows: [string, string, string][] = [
  ['Alice Martin', 'alice', 'Alice Martin'],
  ['张三', 'zhang', '张三'],
  ['علی‌رضا', 'alireza', 'علی‌رضا'],
  ['👩‍💻 Dev', 'dev', '👩‍💻 Dev'],
  ['ＡＬＩＣＥ', 'fullwidth', 'ALICE'],
  ['𝐁𝐨𝐛', 'bold', 'Bob'],
  ['\u202Eecila', 'override', 'ecila'],
  ['Ma\u200Bllory', 'zwsp', 'Mallory'],
  ['Tab\there', 'tab', 'Tab here'],
  ['  Eve\u2066 \u2069 ', 'isolate', 'Eve'],
  ['\u3164', 'filler', 'filler'],
  ['\u200B\u200D', 'nothing', 'nothing'],
  ['\u2800', 'braille', 'braille'],
]

describe.each(databases)('migration 0004 on $name', (database) => {
  let opened: Opened | undefined
  afterEach(async () => {
    await opened?.close()
    opened = undefined
  })

  test.skipIf(database.name === 'postgres' && postgresMissing !== null)('names are NFKC, cleaned of refused characters, the username when nothing is left; keys follow', async () => {
    opened = await database.open()
    const { db, schema } = opened
    await migrateToLatest(db as unknown as Kysely<unknown>, schema)
    await db.deleteFrom('kysely_migration' as never).where('name' as never, '=', '0004-display-name-nfkc' as never).execute()
    await db
      .insertInto('users')
      .values(
        rows.map(([displayName, username], i) => ({
          id: `u${String(i).padStart(2, '0')}`,
          username,
          username_key: username,
          display_name: displayName,
          display_name_key: displayName.toLowerCase(),
          password_hash: 'x',
          created_at: 0,
          last_seen_at: null,
        })),
      )
      .execute()

    await migrateToLatest(db as unknown as Kysely<unknown>, schema)

    const stored = await db.selectFrom('users').select(['username', 'display_name', 'display_name_key']).orderBy('id').execute()
    expect(stored.map((row) => [row.username, row.display_name])).toEqual(rows.map(([, username, after]) => [username, after]))
    for (const row of stored) expect(row.display_name_key).toBe(row.display_name.toLowerCase())
  })
})
