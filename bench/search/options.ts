/**
 * Sizes of `npm run bench:search`, as `--name=value` (test/kit/options.ts).
 * The default is the issue's workspace: 1,000,000 messages over 2,000
 * conversations. A quick run: `npm run bench:search -- --messages=100000
 * --conversations=200`. PostgreSQL defaults to the tests' (TEST_DATABASE_URL:
 * test/kit/services.ts); the connection is an admin one: the benchmark
 * creates a database of its own there and drops it at the end.
 */
import { choices, integer, readOptions, text, type OptionValues } from '../../test/kit/options'
import { postgresUrl } from '../../test/kit/services'
import { resultsDir } from '../results'

export const STORES = ['sqlite', 'postgres'] as const
export type StoreName = (typeof STORES)[number]

const spec = {
  messages: integer(1_000_000),
  conversations: integer(2_000),
  /** Accounts the conversations' members are drawn from; the first is the one who searches. */
  users: integer(500, 2),
  /** The searcher is a member of every this-many-th conversation (4: a quarter of them). */
  searcherEvery: integer(4),
  /** Timed searches per query. */
  runs: integer(200),
  /** Timed LIKE scans per query (each reads the searcher's share of the table), interleaved with the searches. */
  baselineRuns: integer(20),
  /** Which stores to measure. */
  stores: choices(STORES, STORES),
  /** The dataset's seed: the same seed, the same messages. */
  seed: integer(23, 0),
  /** PostgreSQL connection with the right to create and drop databases. */
  databaseUrl: text(postgresUrl, 'a postgres:// URL'),
  resultsDir,
}

export type SearchBenchOptions = OptionValues<typeof spec>

export const readSearchOptions = (argv?: readonly string[]): SearchBenchOptions => readOptions(spec, argv)
