/**
 * SQLite for the single-process default: one file in DATA_DIR, WAL so reads
 * never wait for the writer, synchronous=FULL so an acknowledged message
 * survives even a power cut (not only a crash), foreign keys on, and
 * secure_delete so what a delete for everyone removes is overwritten on disk,
 * not left in free space (docs/design.md §4.4).
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
  database.pragma('secure_delete = ON')
  database.pragma('busy_timeout = 5000')
  cachePreparedStatements(database)
  const db = new Kysely<Database>({ dialect: new SqliteDialect({ database }) })
  await migrateToLatest(db as unknown as Kysely<unknown>)
  return new SqlStore(db, { groupCommit: true })
}

/**
 * Kysely prepares every query anew; preparing costs more than running most of
 * ours. The store issues a small, fixed set of SQL strings, so keep each
 * statement once prepared (statements are only ever run with all()/run(),
 * never iterated, so sharing one is safe).
 */
function cachePreparedStatements(database: BetterSqlite3.Database): void {
  const prepare = database.prepare.bind(database)
  const cache = new Map<string, BetterSqlite3.Statement>()
  database.prepare = ((source: string) => {
    let statement = cache.get(source)
    if (statement === undefined) {
      if (cache.size >= 1_000) cache.clear()
      statement = prepare(source)
      cache.set(source, statement)
    }
    return statement
  }) as typeof database.prepare
}
