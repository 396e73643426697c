/**
 * SQLite for the single-process default: one file in DATA_DIR, WAL so reads
 * never wait for the writer, synchronous=FULL so an acknowledged message
 * survives even a power cut (not only a crash), foreign keys on.
 */
import { mkdirSync } from 'node:fs'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, SqliteDialect } from 'kysely'
import { migrateToLatest } from './migrate'
import type { Database } from './schema'
import { SqlStore } from './sql-store'

export const SQLITE_FILE = 'parley.sqlite'

export async function openSqliteStore(dataDir: string): Promise<SqlStore> {
  mkdirSync(dataDir, { recursive: true })
  const database = new BetterSqlite3(join(dataDir, SQLITE_FILE))
  database.pragma('journal_mode = WAL')
  database.pragma('synchronous = FULL')
  database.pragma('foreign_keys = ON')
  database.pragma('busy_timeout = 5000')
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
  await migrateToLatest(db as unknown as Kysely<unknown>)
  return new SqlStore(db)
}
