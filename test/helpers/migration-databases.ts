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
