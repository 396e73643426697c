/**
 * The desktop offline cache: one SQLite database per signed-in account
 * (DESIGN.md §7 "Cache"). `openCache` creates the directory and the database
 * if needed and migrates it; see types.ts for what the rest of the core may
 * ask of it.
 */
import { openDatabase } from './database'
import type { RowKeyStats } from './row-keys'
import type { SearchIndexerOptions, SearchIndexerStats } from './search-indexer'
import { SqliteCache } from './sqlite-cache'
import type { Cache } from './types'

export { CacheError, type CacheErrorCode } from './errors'
export type { RowKeyStats } from './row-keys'
export type { SearchIndexerStats } from './search-indexer'
export type { Cache } from './types'

export interface OpenCacheOptions {
  /** The database file; its directory is created if missing. */
  path: string
  /** The user id of the account this cache belongs to: its messages are "mine" (unread counts leave them out). */
  me: string
  /** better-sqlite3's `nativeBinding`: the addon built for Electron's ABI. Tests use the default. */
  nativeBinding?: string
  /**
   * Bring the search index up to date in the background after writes (the
   * default). False: only through `catchUpSearchIndex` (tests that need the
   * index in a known state). Search results are the same either way.
   */
  backgroundIndexing?: boolean
  /** How long writes keep the background indexer waiting (search-indexer.ts); tests only. */
  indexerTiming?: Pick<SearchIndexerOptions, 'busyWindowMs' | 'deferMs'>
}

export function openCache(options: OpenCacheOptions): Cache {
  const { me, backgroundIndexing, indexerTiming } = options
  if (typeof me !== 'string' || me === '') throw new TypeError('openCache needs the user id of the account (me)')
  return new SqliteCache(openDatabase(options), options.path, { me, backgroundIndexing, indexerTiming, nativeBinding: options.nativeBinding })
}

function sqliteCache(cache: Cache): SqliteCache {
  if (!(cache instanceof SqliteCache)) throw new TypeError('Not a cache opened by openCache')
  return cache
}

/** Stored messages not in the search index yet (they are searched without it meanwhile). */
export function searchIndexBacklog(cache: Cache): number {
  return sqliteCache(cache).indexer.backlog()
}

/** Steps, rows and the longest step of the search indexer since the cache was opened (benchmarks, diagnostics). */
export function searchIndexStats(cache: Cache): Readonly<SearchIndexerStats> {
  return { ...sqliteCache(cache).indexer.stats }
}

/** Gap searches of the row id allocator since the cache was opened (tests, diagnostics). */
export function rowKeyStats(cache: Cache): Readonly<RowKeyStats> {
  return { ...sqliteCache(cache).rowKeys.stats }
}

/** Resolves when the background indexer has caught up with every write so far; rejects if the cache is closed first. */
export function whenSearchIndexed(cache: Cache): Promise<void> {
  return sqliteCache(cache).indexer.whenIndexed()
}

/**
 * Index synchronously, in time-boxed steps: `maxSteps` of them, or until the
 * backlog is empty. Returns how many rows were indexed.
 */
export function catchUpSearchIndex(cache: Cache, maxSteps = Number.POSITIVE_INFINITY): number {
  const { indexer } = sqliteCache(cache)
  let indexed = 0
  for (let step = 0; step < maxSteps; step++) {
    const done = indexer.step()
    if (done === 0) break
    indexed += done
  }
  return indexed
}
