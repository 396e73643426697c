/**
 * PostgreSQL and Redis for the tests and benchmarks that need them: where
 * they are (TEST_DATABASE_URL and TEST_REDIS_URL, else this machine's usual
 * ports), whether they answer, and what a missing one means. Locally, what
 * needs a missing service is skipped, and a line says so. With CI=true it
 * fails the run instead, with the reason: a CI machine that lost its database
 * would otherwise go green while testing less.
 */
import { Redis } from 'ioredis'
import pg from 'pg'

/** An admin connection: tests and benchmarks create and drop their own schemas and databases there. */
export const postgresUrl = process.env.TEST_DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test'
export const redisUrl = process.env.TEST_REDIS_URL || 'redis://127.0.0.1:6379'

const CONNECT_TIMEOUT_MS = 2_000

/** CI=true (or 1): missing services fail instead of skipping. */
export const isCi = (): boolean => ['true', '1'].includes((process.env.CI ?? '').toLowerCase())

/** `url` without its password, for messages. */
function shown(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password !== '') parsed.password = '***'
    return parsed.toString()
  } catch {
    return '(not a URL)'
  }
}

const reason = (err: unknown): string => (err instanceof Error ? err.message || err.name : String(err))

/** Null when PostgreSQL at `url` accepts a connection, else why not. */
export async function postgresProblem(url = postgresUrl): Promise<string | null> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: CONNECT_TIMEOUT_MS })
  client.on('error', () => undefined)
  try {
    await client.connect()
    return null
  } catch (err) {
    return `PostgreSQL not reachable at ${shown(url)} (${reason(err)})`
  } finally {
    await client.end().catch(() => undefined)
  }
}

/** Null when Redis at `url` answers PING, else why not. */
export async function redisProblem(url = redisUrl): Promise<string | null> {
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: CONNECT_TIMEOUT_MS, retryStrategy: () => null })
  // connect() rejects with "Connection is closed."; the error event says why.
  let cause: unknown
  redis.on('error', (err) => (cause ??= err))
  try {
    await redis.connect()
    await redis.ping()
    return null
  } catch (err) {
    return `Redis not reachable at ${shown(url)} (${reason(cause ?? err)})`
  } finally {
    redis.disconnect()
  }
}

/**
 * What a missing service means for `what` (e.g. "store tests: the postgres
 * variant"): null when `problem` is null; else, locally, the skip reason,
 * printed; with CI=true, an error with the reason and what to do.
 */
export function skipOrFail(what: string, problem: string | null, variable: 'TEST_DATABASE_URL' | 'TEST_REDIS_URL'): string | null {
  if (problem === null) return null
  if (isCi()) {
    throw new Error(
      `${problem}. ${what} needs it, and with CI=true a missing service fails the run instead of skipping: ` +
        `start it (.ci/run does) or point ${variable} at one.`,
    )
  }
  console.warn(`${what}: skipped — ${problem} (set ${variable} to use another)`)
  return problem
}

/** Null when PostgreSQL answers; else the reason `what` is skipped (printed), or, with CI=true, an error. */
export async function requirePostgres(what: string, url = postgresUrl): Promise<string | null> {
  return skipOrFail(what, await postgresProblem(url), 'TEST_DATABASE_URL')
}

/** Null when Redis answers; else the reason `what` is skipped (printed), or, with CI=true, an error. */
export async function requireRedis(what: string, url = redisUrl): Promise<string | null> {
  return skipOrFail(what, await redisProblem(url), 'TEST_REDIS_URL')
}
