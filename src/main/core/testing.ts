/**
 * The core as tests, the e2e harness and benchmarks see it — and only they:
 * no production module imports this file (eslint `no-restricted-imports`
 * everywhere in src/ but *.test.ts). What they may reach beyond the hosts'
 * API is here, in one place:
 *
 * - `createCore` and `TestableCore`: the core of index.ts with the signed-in
 *   Account in view (its cache, outbox, connection and token);
 * - the cache's search index: its backlog and statistics, waiting for the
 *   background indexer or doing its work at once, and how often a search's
 *   scan yields to the event loop;
 * - the row id allocator's statistics.
 */
import type { Account } from './account/account'
import type { RowKeyStats } from './cache/messages/row-keys'
import type { SearchIndexerStats } from './cache/search/search-indexer'
import { SqliteCache } from './cache/sqlite-cache'
import type { Cache } from './cache/types'
import { Core } from './core'
import type { CoreOptions } from './core-api'
import type { CoreLog } from './log'

export type { CoreTiming } from './core-api'
export type { RowKeyStats, SearchIndexerStats }

/** The core, with the signed-in account in view. */
export class TestableCore extends Core {
  /** The live account, if signed in. */
  get currentAccount(): Account | null {
    return this.session.account
  }
}

/** index.ts's `createCore`, with the account in view. */
export async function createCore(options: CoreOptions, log?: CoreLog): Promise<TestableCore> {
  const core = new TestableCore(options, log)
  await core.restoreSession()
  return core
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
 * backlog is empty. Returns how many rows were indexed. (With
 * `backgroundIndexing: false`, the only way the index moves.)
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

/** A search's scan of unindexed rows yields to the event loop after this much work (search.ts; 0: before every chunk). */
export function setSearchSliceMs(cache: Cache, ms: number): void {
  sqliteCache(cache).messageSearch.sliceMs = ms
}
