/**
 * `npm run bench:search`: search on the server (GET /api/search's store
 * call, docs/design.md §4.7) on SQLite and PostgreSQL, against a plain LIKE
 * scan of the same table in the same run.
 *
 * For each store: a workspace (dataset.ts; by default 1,000,000 messages over
 * 2,000 conversations) written into a fresh database, migrations 0008 and 0009 building
 * the search index over it (timed), then for each query (queries.ts: a rare
 * and a common English word, a Chinese two-character word, a two-word phrase)
 * `runs` timed searches for the first page of 20 as the searcher, with
 * `baselineRuns` LIKE scans interleaved. p50/p99 of each and their ratio; the
 * target for the rare word is ≤ 0.1. Each search's first page is checked
 * against the scan's (`agrees`). A store whose database does not answer is
 * skipped with the reason (CI=true fails instead). Progress goes to stderr;
 * stdout gets the tables, then the results as one JSON line, also written to
 * <results dir>/search.json. Sizes: options.ts.
 */
import { statSync } from 'node:fs'
import { constants } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { Kysely, PostgresDialect, SqliteDialect, sql } from 'kysely'
import pg from 'pg'
import { searchTerms } from '../../src/shared/search/terms'
import type { Dialect } from '../../src/server/store/dialect'
import { openPostgresStore } from '../../src/server/store/postgres'
import type { Database } from '../../src/server/store/schema'
import { SHORT_TERM_SCAN } from '../../src/server/store/search-sql'
import type { SqlStore } from '../../src/server/store/sql-store'
import { openSqliteStore, SQLITE_FILE } from '../../src/server/store/sqlite'
import { summarize } from '../../test/kit/latency'
import { cleanUpNow, makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { requirePostgres } from '../../test/kit/services'
import { formatTable } from '../../test/kit/table'
import { machine, publishResults, runBenchmark } from '../results'
import { createDatabase } from '../scale/services'
import { seedPostgres, seedSqlite, workspaceOf, type MessageValues, type Seeded, type Workspace } from './dataset'
import { readSearchOptions, type SearchBenchOptions, type StoreName } from './options'
import { likeScan, QUERIES } from './queries'

const cleanups: (() => Promise<unknown>)[] = []
const startedAt = performance.now()
const progress = (line: string): void => console.error(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(5)} s] ${line}`)
const round = (ms: number, digits = 2): number => Number(ms.toFixed(digits))

interface Timing {
  p50Ms: number
  p99Ms: number
}

interface QueryResult {
  name: string
  q: string
  /** Messages of the searcher's conversations holding every term (counted while seeding). */
  matchesInScope: number
  /** Hits on the first page (≤ 20). */
  firstPage: number
  /** The search's first page is the scan's, message for message. */
  agrees: boolean
  search: Timing
  like: Timing
  p50Ratio: number
  p99Ratio: number
}

interface StoreResult {
  store: StoreName
  seedSeconds: number
  /** The search migrations (0008, 0009) over the seeded messages. */
  indexSeconds: number
  databaseMb: number
  /** The search index alone. */
  indexMb: number
  queries: QueryResult[]
}

interface Opened {
  store: SqlStore
  /** A connection of the benchmark's own for the baseline scans. */
  baseline: Kysely<Database>
  dialect: Dialect
  sizes(): Promise<{ databaseMb: number; indexMb: number }>
  close(): Promise<void>
}

const MB = 1024 * 1024

async function openSqlite(workspace: Workspace, options: SearchBenchOptions, seen: Seen): Promise<{ seeded: Seeded; opened: Opened }> {
  const dir = makeWorkDir('parley-bench-search-')
  cleanups.push(async () => removeWorkDir(dir))
  const seeded = await seedSqlite(dir, workspace, options, seen)
  const store = await openSqliteStore(dir)
  const file = join(dir, SQLITE_FILE)
  const baseline = new Kysely<Database>({ dialect: new SqliteDialect({ database: new BetterSqlite3(file, { readonly: true }) }) })
  return {
    seeded,
    opened: {
      store,
      baseline,
      dialect: 'sqlite',
      async sizes() {
        const index = await sql<{ bytes: number }>`SELECT sum(pgsize) AS bytes FROM dbstat WHERE name LIKE 'messages_search%'`.execute(baseline)
        const wal = (() => {
          try {
            return statSync(`${file}-wal`).size
          } catch {
            return 0
          }
        })()
        return { databaseMb: (statSync(file).size + wal) / MB, indexMb: Number(index.rows[0]?.bytes ?? 0) / MB }
      },
      async close() {
        await baseline.destroy()
        await store.close()
      },
    },
  }
}

async function openPostgres(workspace: Workspace, options: SearchBenchOptions, seen: Seen): Promise<{ seeded: Seeded; opened: Opened }> {
  const database = await createDatabase(options.databaseUrl, `parley_search_${process.pid}_${Date.now().toString(36)}`)
  cleanups.push(() => database.drop())
  const seeded = await seedPostgres(database.url, workspace, options, seen)
  const store = await openPostgresStore({ connectionString: database.url })
  const pool = new pg.Pool({ connectionString: database.url, max: 2 })
  pool.on('error', () => undefined)
  const baseline = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) })
  return {
    seeded,
    opened: {
      store,
      baseline,
      dialect: 'postgres',
      async sizes() {
        const result = await sql<{ database: number; index: number }>`
          SELECT pg_database_size(current_database()) AS database, pg_relation_size('messages_body_trgm') AS index`.execute(baseline)
        const row = result.rows[0]
        return { databaseMb: Number(row?.database ?? 0) / MB, indexMb: Number(row?.index ?? 0) / MB }
      },
      async close() {
        await baseline.destroy()
        await store.close()
      },
    },
  }
}

type Seen = (message: MessageValues, conversation: number) => void

async function measureStore(name: StoreName, workspace: Workspace, options: SearchBenchOptions): Promise<StoreResult> {
  const scope = new Set(workspace.conversations.flatMap((c, i) => (c.memberIds.includes(workspace.searcherId) ? [i] : [])))
  const matches = QUERIES.map(() => 0)
  let seeded = 0
  const seen: Seen = (message, conversation) => {
    if (++seeded % 100_000 === 0) progress(`${name}: ${seeded.toLocaleString('en')} messages written`)
    if (!scope.has(conversation)) return
    QUERIES.forEach((query, i) => {
      if (query.matches(message.body)) matches[i]! += 1
    })
  }
  progress(`${name}: seeding ${options.messages.toLocaleString('en')} messages…`)
  const { seeded: times, opened } = name === 'sqlite' ? await openSqlite(workspace, options, seen) : await openPostgres(workspace, options, seen)
  progress(`${name}: seeded in ${(times.seedMs / 1000).toFixed(1)} s, search index built in ${(times.indexMs / 1000).toFixed(1)} s`)
  try {
    const queries: QueryResult[] = []
    for (const [i, query] of QUERIES.entries()) {
      const terms = searchTerms(query.q)
      const search = () => opened.store.searchMessages({ userId: workspace.searcherId, terms, limit: 20 })
      const scan = () => likeScan(opened.baseline, opened.dialect, workspace.searcherId, query.q)
      // Warm-up: the statements prepared, the pages the query touches in the cache.
      for (let w = 0; w < 3; w++) await search()
      await scan()
      const searchMs: number[] = []
      const likeMs: number[] = []
      const every = Math.max(1, Math.floor(options.runs / options.baselineRuns))
      let page = await search()
      let scanned = await scan()
      for (let run = 0; run < options.runs || likeMs.length < options.baselineRuns; run++) {
        if (run < options.runs) {
          const t = performance.now()
          page = await search()
          searchMs.push(performance.now() - t)
        }
        if (likeMs.length < options.baselineRuns && (run % every === every - 1 || run >= options.runs)) {
          const t = performance.now()
          scanned = await scan()
          likeMs.push(performance.now() - t)
        }
      }
      const s = summarize(searchMs)
      const l = summarize(likeMs)
      const result: QueryResult = {
        name: query.name,
        q: query.q,
        matchesInScope: matches[i] ?? 0,
        firstPage: page.hits.length,
        agrees: JSON.stringify(page.hits.map((hit) => hit.message)) === JSON.stringify(scanned),
        search: { p50Ms: round(s.p50Ms, 3), p99Ms: round(s.p99Ms, 3) },
        like: { p50Ms: round(l.p50Ms, 3), p99Ms: round(l.p99Ms, 3) },
        p50Ratio: round(s.p50Ms / l.p50Ms, 4),
        p99Ratio: round(s.p99Ms / l.p99Ms, 4),
      }
      progress(`${name}: ${query.name}: search p50 ${result.search.p50Ms} ms, LIKE p50 ${result.like.p50Ms} ms (${result.p50Ratio}×)`)
      queries.push(result)
    }
    const sizes = await opened.sizes()
    return {
      store: name,
      seedSeconds: round(times.seedMs / 1000, 1),
      indexSeconds: round(times.indexMs / 1000, 1),
      databaseMb: round(sizes.databaseMb, 0),
      indexMb: round(sizes.indexMb, 0),
      queries,
    }
  } finally {
    await opened.close()
  }
}

function formatReport(options: SearchBenchOptions, scope: { conversations: number }, stores: StoreResult[], skipped: string[]): string {
  const lines = [
    `bench:search — ${options.messages.toLocaleString('en')} messages over ${options.conversations.toLocaleString('en')} conversations; ` +
      `the searcher is in ${scope.conversations} of them. ${options.runs} searches and ${options.baselineRuns} LIKE scans per query; ` +
      `first page of 20. Short terms (under 3 characters) read the newest ${SHORT_TERM_SCAN.toLocaleString('en')} messages only.`,
  ]
  for (const store of stores) {
    lines.push(
      '',
      `${store.store}: seeded in ${store.seedSeconds} s, search index built (migrations 0008–0009) in ${store.indexSeconds} s; ` +
        `database ${store.databaseMb} MB, of which the search index ${store.indexMb} MB`,
      formatTable(
        ['query', 'matches in scope', 'page', 'same page', 'search p50 / p99 ms', 'LIKE p50 / p99 ms', 'ratio p50 / p99'],
        store.queries.map((q) => [
          `${q.name} (${q.q})`,
          q.matchesInScope.toLocaleString('en'),
          String(q.firstPage),
          q.agrees ? 'yes' : 'NO',
          `${q.search.p50Ms} / ${q.search.p99Ms}`,
          `${q.like.p50Ms} / ${q.like.p99Ms}`,
          `${q.p50Ratio} / ${q.p99Ratio}`,
        ]),
        { indent: 2 },
      ),
    )
  }
  for (const reason of skipped) lines.push('', `skipped: ${reason}`)
  return lines.join('\n')
}

async function main(): Promise<void> {
  const options = readSearchOptions()
  const workspace = workspaceOf(options)
  const scope = { conversations: workspace.conversations.filter((c) => c.memberIds.includes(workspace.searcherId)).length }
  const stores: StoreResult[] = []
  const skipped: string[] = []
  try {
    for (const name of options.stores) {
      if (name === 'postgres') {
        const problem = await requirePostgres('bench:search: the PostgreSQL store', options.databaseUrl)
        if (problem !== null) {
          skipped.push(`${problem}: the PostgreSQL store`)
          continue
        }
      }
      stores.push(await measureStore(name, workspace, options))
    }
  } finally {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch((err: unknown) => console.error(err))
  }
  const results = {
    machine: machine(),
    messages: options.messages,
    conversations: options.conversations,
    searcherConversations: scope.conversations,
    runs: options.runs,
    baselineRuns: options.baselineRuns,
    shortTermScan: SHORT_TERM_SCAN,
    stores,
    skipped,
  }
  publishResults('search', formatReport(options, scope, stores, skipped), results, options.resultsDir)
}

process.once('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled(cleanups.map((cleanup) => cleanup())).finally(() => {
      cleanUpNow()
      process.exit(128 + constants.signals[signal])
    })
  })
}
runBenchmark(main)
