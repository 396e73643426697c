import type { ServerConfig } from '../config'
import { openPostgresStore } from './postgres'
import { openSqliteStore } from './sqlite'
import type { Store } from './store'

/** PostgreSQL when DATABASE_URL is set, else SQLite in DATA_DIR. */
export function openStore(config: Pick<ServerConfig, 'databaseUrl' | 'dataDir'>): Promise<Store> {
  return config.databaseUrl ? openPostgresStore({ connectionString: config.databaseUrl }) : openSqliteStore(config.dataDir)
}
