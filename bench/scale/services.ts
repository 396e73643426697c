/**
 * The machine's Redis and PostgreSQL as the benchmark uses them (whether each
 * answers: test/kit/services.ts): a database of this run's own in PostgreSQL
 * (created at the start, dropped at the end), this run's keys in Redis
 * (removed at the end), and Redis's own CPU time, which a Redis setup costs on
 * top of its nodes.
 */
import { Redis } from 'ioredis'
import pg from 'pg'

async function withAdmin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl })
  await client.connect()
  try {
    return await work(client)
  } finally {
    await client.end()
  }
}

export interface BenchDatabase {
  /** Connection string of the new database. */
  url: string
  /** The server's durability settings, which decide what a commit costs. */
  settings: { fsync: string; synchronousCommit: string; version: string }
  drop(): Promise<void>
}

/** CREATE DATABASE `name` through the admin connection; `drop` removes it even with connections left open. */
export async function createDatabase(adminUrl: string, name: string): Promise<BenchDatabase> {
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(name)) throw new Error(`invalid database name ${name}`)
  const settings = await withAdmin(adminUrl, async (client) => {
    await client.query(`CREATE DATABASE ${name}`)
    const show = async (setting: string): Promise<string> =>
      String((await client.query<Record<string, string>>(`SHOW ${setting}`)).rows[0]?.[setting] ?? '?')
    return {
      fsync: await show('fsync'),
      synchronousCommit: await show('synchronous_commit'),
      version: await show('server_version'),
    }
  })
  const url = new URL(adminUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    settings,
    drop: async () => {
      await withAdmin(adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`))
    },
  }
}

/** This run's connection to Redis: its CPU time and the removal of the keys under our prefixes. */
export class RedisProbe {
  private constructor(private readonly redis: Redis) {}

  static async connect(url: string): Promise<RedisProbe> {
    const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1 })
    redis.on('error', () => undefined)
    await redis.connect()
    return new RedisProbe(redis)
  }

  /** CPU time the Redis server has used since it started, all its threads, in ms (INFO cpu). */
  async cpuTimeMs(): Promise<number> {
    const info = await this.redis.info('cpu')
    const seconds = (field: string): number => Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN)
    return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1000
  }

  /** Delete every key that starts with `prefix` (SCAN, never KEYS: Redis may be shared). */
  async removeKeys(prefix: string): Promise<number> {
    if (!/^[A-Za-z0-9_.-]+$/.test(prefix)) throw new Error(`not a plain key prefix: ${prefix}`)
    let removed = 0
    let cursor = '0'
    do {
      const [next, keys] = await this.redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500)
      cursor = next
      if (keys.length > 0) removed += await this.redis.del(...keys)
    } while (cursor !== '0')
    return removed
  }

  close(): void {
    this.redis.disconnect()
  }
}
