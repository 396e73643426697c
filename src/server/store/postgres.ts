/**
 * PostgreSQL for teams that outgrow one machine (DATABASE_URL=postgres://…):
 * the same SqlStore over Kysely's PostgreSQL dialect and a `pg` pool, the same
 * numbered migrations, run at start. Concurrent sends from several server
 * nodes stay gapless because each takes the conversation's row lock when it
 * bumps last_seq.
 */
import { Kysely, PostgresDialect } from 'kysely'
import pg from 'pg'
import { migrateToLatest } from './migrate'
import type { Database } from './schema'
import { SqlStore } from './sql-store'

// Times and counts are BIGINT/INT8; ours fit in a double (ms since the epoch), so read them as numbers.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value))

export interface PostgresOptions {
  connectionString: string
  /** A schema of our own (created if missing), e.g. for tests; default the connection's search_path. */
  schema?: string
  poolSize?: number
}

export async function openPostgresStore(options: PostgresOptions): Promise<SqlStore> {
  const schema = options.schema
  if (schema !== undefined && !/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) throw new Error(`Invalid schema name ${schema}`)
  const pool = new pg.Pool({
    connectionString: options.connectionString,
    max: options.poolSize ?? 10,
    ...(schema ? { options: `-c search_path=${schema}` } : {}),
  })
  // A broken idle connection must not crash the process; the pool replaces it.
  pool.on('error', () => undefined)
  try {
    if (schema) await pool.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`)
    const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
    await migrateToLatest(db as unknown as Kysely<unknown>, schema)
    return new SqlStore(db, { concurrentWriters: true })
  } catch (err) {
    await pool.end().catch(() => undefined)
    throw err
  }
}
