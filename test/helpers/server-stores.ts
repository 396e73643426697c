/**
 * The two stores a Parley server runs on, for suites that check the HTTP api
 * (or the admin CLI) on both, as src/server/store/*.test.ts check the stores
 * themselves: SQLite in the server's DATA_DIR (the default, no variable) and
 * PostgreSQL in a scratch database of its own (DATABASE_URL, pg-database.ts).
 * A suite runs a `describe` per store, starts its servers with the `env` of
 * `create()`, and drops the database once they have stopped.
 */
import { requirePostgres } from '../kit/services'
import { scratchDatabase } from './pg-database'

export interface ServerStore {
  name: 'sqlite' | 'postgres'
  /** Why this store is skipped here (PostgreSQL missing, not CI), else null. */
  skipped: string | null
  /** An empty store: the variables that point a server (or the CLI) at it, and how to remove it afterwards. */
  create(): Promise<{ env: Record<string, string>; drop(): Promise<void> }>
}

/** Both stores; `what` names the suite in the line printed when PostgreSQL is missing (and CI is not set). */
export async function serverStores(what: string): Promise<ServerStore[]> {
  return [
    {
      name: 'sqlite',
      skipped: null,
      create: () => Promise.resolve({ env: {}, drop: () => Promise.resolve() }),
    },
    {
      name: 'postgres',
      skipped: await requirePostgres(`${what}: the postgres variant`),
      async create() {
        const database = await scratchDatabase('parley_api')
        return { env: { DATABASE_URL: database.url }, drop: () => database.drop() }
      },
    },
  ]
}
