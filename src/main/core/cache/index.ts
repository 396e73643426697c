/**
 * The desktop offline cache: one SQLite database per signed-in account
 * (DESIGN.md §7 "Cache"). `openCache` creates the directory and the database
 * if needed and migrates it; see types.ts for what the rest of the core may
 * ask of it.
 */
import { openDatabase } from './database'
import { SqliteCache } from './sqlite-cache'
import type { Cache } from './types'

export { CacheError, type CacheErrorCode } from './errors'
export type { Cache } from './types'

export interface OpenCacheOptions {
  /** The database file; its directory is created if missing. */
  path: string
  /** better-sqlite3's `nativeBinding`: the addon built for Electron's ABI. Tests use the default. */
  nativeBinding?: string
}

export function openCache(options: OpenCacheOptions): Cache {
  return new SqliteCache(openDatabase(options), options.path)
}
