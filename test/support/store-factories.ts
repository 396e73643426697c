/**
 * Every Store implementation we ship, each opened fresh for one test: SQLite
 * in a temporary directory, PostgreSQL in a schema of its own (dropped
 * afterwards). The store suites run their contract on each.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pg from 'pg'
import { openPostgresStore } from '../../src/server/store/postgres'
import { openSqliteStore } from '../../src/server/store/sqlite'
import type { Store } from '../../src/server/store/store'
import { postgresUrl } from '../kit/services'

export interface StoreFactory {
  name: 'postgres' | 'sqlite'
  open(): Promise<{ store: Store; cleanup(): Promise<void> }>
}

export const storeFactories: StoreFactory[] = [
  {
    name: 'postgres',
    async open() {
      const schema = `t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`
      const store = await openPostgresStore({ connectionString: postgresUrl, schema })
      return {
        store,
        async cleanup() {
          await store.close()
          const client = new pg.Client({ connectionString: postgresUrl })
          await client.connect()
          await client.query(`DROP SCHEMA ${schema} CASCADE`)
          await client.end()
        },
      }
    },
  },
  {
    name: 'sqlite',
    async open() {
      const dir = mkdtempSync(join(tmpdir(), 'parley-store-'))
      const store = await openSqliteStore(dir)
      return {
        store,
        async cleanup() {
          await store.close()
          rmSync(dir, { recursive: true, force: true })
        },
      }
    },
  },
]
