/**
 * `npm run bench:scale`: what scaling out costs on one machine.
 *
 * 1. Fan-out throughput and latency with 1 node (the embedded default, no
 *    Redis), 2 and 3 nodes over Redis, with per-core figures and each
 *    cluster's throughput as a ratio to the single node.
 * 2. A message's send→receive through the REST api with 1 node (SQLite, then
 *    PostgreSQL) and 2 nodes (PostgreSQL + Redis, receiver on the other node).
 * 3. The store's insert rate on SQLite and PostgreSQL, 1 and N callers.
 *
 * The fan-out part is the one fan-out runner (bench/fanout) with the node
 * count as its parameter (--clusters). Every setup's nodes are started once
 * and stay up; rounds run the setups in turn so that other work on the
 * machine hits each alike. A part whose Redis or PostgreSQL does not answer
 * is skipped with the reason (with CI=true the run fails instead:
 * test/kit/services.ts). Progress goes to stderr; stdout gets markdown
 * tables, then the results as one JSON line, also written to
 * <results dir>/scale.json. Sizes: options.ts.
 */
import { constants } from 'node:os'
import { setTimeout as sleep } from 'node:timers/promises'
import { cleanUpNow, makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { requirePostgres, requireRedis } from '../../test/kit/services'
import type { LoadResult } from '../api/closed-loop'
import { newApp, startNodeSet, type App, type NodeSet, type NodeSetSpec } from '../fanout/nodes'
import { runFanoutRound, type FanoutRound } from '../fanout/round'
import { compareToSingleNode, roundRate, summarizeFanout, type FanoutResult } from '../fanout/summary'
import { machine, publishResults, runBenchmark } from '../results'
import { formatReport } from './markdown'
import { readScaleOptions, type ScaleOptions } from './options'
import { postgresOverSqlite, summarizeRest, summarizeStoreScenario, type RestResult, type StoreResult } from './report'
import { RestPairs, type RestRound } from './rest-latency'
import { createDatabase, RedisProbe, type BenchDatabase } from './services'
import { StoreRate } from './store-rate'

/** Async clean-up (the run's database, its Redis keys), also attempted when interrupted. */
const cleanups: (() => Promise<unknown>)[] = []

const startedAt = performance.now()

function progress(line: string): void {
  console.error(`[${((performance.now() - startedAt) / 1000).toFixed(0).padStart(4)} s] ${line}`)
}

interface Services {
  /** The nodes' shared database. */
  database: BenchDatabase | null
  /** Where the store part creates a database of its own. */
  adminDatabaseUrl: string
  redis: RedisProbe | null
  redisUrl: string
  skipped: string[]
}

async function openServices(options: ScaleOptions, runId: string): Promise<Services> {
  const redisIssue = await requireRedis('bench:scale: the Redis setups and the 2-node REST run', options.redisUrl)
  const postgresIssue = await requirePostgres(
    'bench:scale: the PostgreSQL REST runs and store (cluster nodes use their own SQLite for fan-out)',
    options.databaseUrl,
  )
  const skipped: string[] = []
  if (redisIssue !== null) skipped.push(`${redisIssue}: the Redis setups and the 2-node REST run`)
  if (postgresIssue !== null) {
    skipped.push(`${postgresIssue}: the PostgreSQL REST runs and store; cluster nodes use their own SQLite for fan-out`)
  }
  let database: BenchDatabase | null = null
  if (postgresIssue === null) {
    database = await createDatabase(options.databaseUrl, `parley_scale_${runId}`)
    const created = database
    cleanups.push(() => created.drop())
  }
  let redis: RedisProbe | null = null
  if (redisIssue === null) {
    redis = await RedisProbe.connect(options.redisUrl)
    const probe = redis
    cleanups.push(async () => {
      await probe.removeKeys(`bench_scale_${runId}_`)
      probe.close()
    })
  }
  return { database, adminDatabaseUrl: options.databaseUrl, redis, redisUrl: options.redisUrl, skipped }
}

interface Setups {
  /** Fan-out, in table order: the single node first. */
  fanout: NodeSet[]
  /** REST, in table order. */
  rest: NodeSet[]
  all: NodeSet[]
}

async function startSetups(services: Services, clusterSizes: readonly number[], app: App, runId: string): Promise<Setups> {
  const databaseUrl = services.database?.url
  const storeName = databaseUrl === undefined ? 'SQLite each' : 'PostgreSQL'
  const cluster = (nodes: number): NodeSetSpec => ({
    label: `${nodes} nodes, Redis, ${storeName}`,
    nodes,
    databaseUrl,
    redis: { url: services.redisUrl, prefix: `bench_scale_${runId}_${nodes}` },
  })
  const clusterSpecs = services.redis === null ? [] : clusterSizes.map(cluster)
  const postgresSpec: NodeSetSpec[] = databaseUrl === undefined ? [] : [{ label: '1 node, PostgreSQL', nodes: 1, databaseUrl }]
  const [first, ...others] = [...clusterSpecs, ...postgresSpec]
  // The first set on the shared database alone (its first node runs the migrations), then the rest together.
  const firstSet = first === undefined ? [] : [await startNodeSet(first, app)]
  const [single, ...rest] = await Promise.all([
    startNodeSet({ label: '1 node, SQLite (default)', nodes: 1 }, app),
    ...others.map((spec) => startNodeSet(spec, app)),
  ])
  if (single === undefined) throw new Error('the single node did not start')
  const all = [single, ...firstSet, ...rest]
  const clusters = all.filter((set) => set.spec.redis !== undefined)
  const twoNodes = clusters.find((set) => set.nodes.length === 2)
  const postgresSingle = all.find((set) => set.spec.redis === undefined && set.spec.databaseUrl !== undefined)
  return {
    fanout: [single, ...clusters],
    rest: [single, ...(postgresSingle ? [postgresSingle] : []), ...(twoNodes?.spec.databaseUrl !== undefined ? [twoNodes] : [])],
    all,
  }
}

async function fanoutPart(sets: NodeSet[], options: ScaleOptions, redis: RedisProbe | null): Promise<FanoutResult[]> {
  const rounds = sets.map((): FanoutRound[] => [])
  for (let round = 1; round <= options.rounds; round++) {
    for (const [i, set] of sets.entries()) {
      progress(`fan-out round ${round}/${options.rounds}: ${set.spec.label}…`)
      const redisCpuMs = set.spec.redis === undefined || redis === null ? undefined : () => redis.cpuTimeMs()
      const result = await runFanoutRound({ nodes: set.nodes, app: set.app, redisCpuMs }, options)
      progress(`  ${Math.round(roundRate(result)).toLocaleString('en-US')} deliveries/s`)
      rounds[i]?.push(result)
    }
  }
  return compareToSingleNode(
    sets.map((set, i) =>
      summarizeFanout({ label: set.spec.label, nodes: set.nodes.length, redis: set.spec.redis !== undefined }, options.pacedMs, rounds[i] ?? []),
    ),
  )
}

async function restPart(sets: NodeSet[], options: ScaleOptions): Promise<RestResult[]> {
  const pairs: RestPairs[] = []
  try {
    for (const [i, set] of sets.entries()) {
      progress(`REST: registering ${options.senders} pairs on ${set.spec.label}…`)
      pairs.push(await RestPairs.setup(set, options.senders, `scale${i}`))
    }
    const rounds = sets.map((): RestRound[] => [])
    for (let round = 1; round <= options.rounds; round++) {
      for (const [i, set] of sets.entries()) {
        progress(`REST round ${round}/${options.rounds}: ${set.spec.label}…`)
        const result = await pairs[i]?.run(options)
        if (result !== undefined) rounds[i]?.push(result)
      }
    }
    return sets.map((set, i) => summarizeRest(set.spec.label, set.nodes.length, rounds[i] ?? []))
  } finally {
    pairs.forEach((pair) => pair.close())
  }
}

/**
 * Each store starts empty: SQLite in a fresh directory, PostgreSQL in a
 * database of its own (opened without a schema, as the server opens
 * DATABASE_URL; with a schema, Kysely's migrator would find the nodes'
 * migration tables in `public` and skip creating its own).
 */
async function storePart(services: Services, runId: string, options: ScaleOptions): Promise<StoreResult[]> {
  let database: BenchDatabase | null = null
  if (services.database !== null) {
    const created = await createDatabase(services.adminDatabaseUrl, `parley_scale_${runId}_store`)
    cleanups.push(() => created.drop())
    database = created
  }
  const dataDir = makeWorkDir('parley-scale-')
  const kinds: { store: StoreResult['store']; label: string; where: Parameters<typeof StoreRate.open>[0] }[] = [
    { store: 'sqlite', label: 'SQLite (WAL, synchronous=FULL, group commit)', where: { dataDir } },
  ]
  if (database !== null) kinds.push({ store: 'postgres', label: 'PostgreSQL (pool of 10)', where: { databaseUrl: database.url } })
  const opened: StoreRate[] = []
  try {
    for (const kind of kinds) opened.push(await StoreRate.open(kind.where, options.storeCallers))
    const scenarios = [1, options.storeCallers]
    const results = kinds.map(() => scenarios.map((): LoadResult[] => []))
    for (let round = 1; round <= options.rounds; round++) {
      for (const [s, callers] of scenarios.entries()) {
        for (const [k, kind] of kinds.entries()) {
          progress(`store round ${round}/${options.rounds}: ${kind.store}, ${callers} caller${callers === 1 ? '' : 's'}…`)
          const result = await opened[k]?.run(callers, options)
          if (result !== undefined) results[k]?.[s]?.push(result)
        }
      }
    }
    return kinds.map((kind, k) => ({
      store: kind.store,
      label: kind.label,
      oneCaller: summarizeStoreScenario(1, results[k]?.[0] ?? []),
      manyCallers: summarizeStoreScenario(options.storeCallers, results[k]?.[1] ?? []),
    }))
  } finally {
    await Promise.all(opened.map((store) => store.close()))
    removeWorkDir(dataDir)
  }
}

async function main(): Promise<void> {
  const options = readScaleOptions()
  const runId = `${process.pid}_${Date.now().toString(36)}`
  const services = await openServices(options, runId)
  let fanout: FanoutResult[]
  let rest: RestResult[]
  let store: StoreResult[]
  try {
    progress('starting the server nodes…')
    const setups = await startSetups(services, options.clusters, newApp(), runId)
    try {
      fanout = await fanoutPart(setups.fanout, options, services.redis)
      rest = await restPart(setups.rest, options)
    } finally {
      await Promise.all(setups.all.map((set) => set.stop()))
    }
    store = await storePart(services, runId, options)
  } finally {
    for (const cleanup of cleanups.splice(0)) await cleanup().catch((err: unknown) => progress(`clean-up failed: ${String(err)}`))
  }

  const { redisUrl: _redis, databaseUrl: _database, resultsDir, ...sizes } = options
  const report = {
    machine: machine(),
    options: sizes,
    postgres: services.database?.settings ?? null,
    skipped: services.skipped,
    fanout,
    rest,
    store: { results: store, postgresOverSqlite: postgresOverSqlite(store) },
    elapsedS: (performance.now() - startedAt) / 1000,
  }
  publishResults('scale', formatReport(report), report, resultsDir)
  progress(`done in ${report.elapsedS.toFixed(0)} s`)
}

process.on('exit', cleanUpNow)
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    progress(`${signal}: stopping the benchmark`)
    cleanUpNow()
    const pending = cleanups.splice(0).map((cleanup) => cleanup().catch(() => undefined))
    void Promise.race([Promise.all(pending), sleep(5_000)]).finally(() => process.exit(128 + constants.signals[signal]))
  })
}
runBenchmark(main)
