/**
 * A PostgreSQL database of its own for a test file, created on the machine's
 * server (test/kit/services.ts) and dropped afterwards. Tests that create and
 * drop schemas in the shared `test` database race with every migration run
 * there: Kysely's migrator introspects all schemas, and one dropped meanwhile
 * fails it ("schema … does not exist"). Migration tests use this instead.
 */
import pg from 'pg'
import { postgresUrl } from '../kit/services'

export interface ScratchDatabase {
  url: string
  drop(): Promise<void>
}

async function admin(statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl, connectionTimeoutMillis: 2_000 })
  await client.connect()
  try {
    await client.query(statement)
  } finally {
    await client.end().catch(() => undefined)
  }
}

export async function scratchDatabase(prefix: string): Promise<ScratchDatabase> {
  const name = `${prefix}_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`Invalid database name ${name}`)
  await admin(`CREATE DATABASE ${name}`)
  const url = new URL(postgresUrl)
  url.pathname = `/${name}`
  return { url: url.toString(), drop: () => admin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) }
}
