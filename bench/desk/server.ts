/**
 * A real `npm run server` process on a store seeded in this process first
 * (SQLite in its DATA_DIR, through the Store API: much faster than sending
 * the history over REST, and the server reads it as its own).
 */
import { join } from 'node:path'
import { openSqliteStore } from '../../src/server/store/sqlite'
import type { Store } from '../../src/server/store/store'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'

export interface SeededServer<T> {
  server: ServerProcess
  seeded: T
  /** How long seeding took, ms. */
  seedMs: number
}

export async function startSeededServer<T>(workDir: string, seed: (store: Store) => Promise<T>, env: Record<string, string> = {}): Promise<SeededServer<T>> {
  const dataDir = join(workDir, 'server')
  const started = performance.now()
  const store = await openSqliteStore(dataDir)
  let seeded: T
  try {
    seeded = await seed(store)
  } finally {
    await store.close()
  }
  const seedMs = performance.now() - started
  const server = await spawnServer({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    AUTH_RATE_LIMIT: '100000',
    SEND_RATE_LIMIT: '100000000',
    CONVERSATION_RATE_LIMIT: '100000',
    CHANGE_RATE_LIMIT: '100000000',
    ...env,
  })
  return { server, seeded, seedMs }
}
