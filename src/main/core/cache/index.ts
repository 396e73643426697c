/**
 * The desktop offline cache: one SQLite database per signed-in account
 * (docs/design.md §7 "Cache"). `openCache` creates the directory and the database
 * if needed and migrates it; see types.ts for what the rest of the core may
 * ask of it.
 *
 * Inside, by concern: database/ (the file, its pragmas, migrations, WAL
 * checkpoints, worker connections, setting an unreadable file aside),
 * conversations/ (conversations, markers, unread counts), messages/ (stored,
 * pending and failed messages and their row ids), search/ (the FTS index, its
 * indexer, queries, snippets and the scan worker), outbox/ (the outbox's
 * rows); users.ts and account-settings.ts beside sqlite-cache.ts, which wires
 * them together. What tests and benchmarks may inspect: ../testing.ts.
 */
import { openDatabase } from './database/database'
import type { SearchIndexerOptions } from './search/search-indexer'
import { SqliteCache } from './sqlite-cache'
import type { Cache } from './types'

export { CacheError, type CacheErrorCode } from './database/cache-error'
export type { Cache } from './types'

export interface OpenCacheOptions {
  /** The database file; its directory is created if missing. */
  path: string
  /** The user id of the account this cache belongs to: its messages are "mine" (unread counts leave them out). */
  me: string
  /**
   * Bring the search index up to date in the background after writes (the
   * default). False: only through `catchUpSearchIndex` (../testing.ts: tests
   * and benchmarks that need the index in a known state). Search results are
   * the same either way.
   */
  backgroundIndexing?: boolean
  /** How long writes keep the background indexer waiting (search-indexer.ts); tests only. */
  indexerTiming?: Pick<SearchIndexerOptions, 'busyWindowMs' | 'deferMs'>
}

export function openCache(options: OpenCacheOptions): Cache {
  const { me, backgroundIndexing, indexerTiming } = options
  if (typeof me !== 'string' || me === '') throw new TypeError('openCache needs the user id of the account (me)')
  return new SqliteCache(openDatabase(options), options.path, { me, backgroundIndexing, indexerTiming })
}
