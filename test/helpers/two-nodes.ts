/**
 * Two in-process server nodes sharing a scratch PostgreSQL database and Redis,
 * for tests of what must reach every node. Call inside a `describe`: the
 * nodes start in its beforeAll and stop (the database dropped) in its
 * afterAll; hooks the test file adds after this call run before that stop.
 */
import { afterAll, beforeAll } from 'vitest'
import { scratchDatabase, type ScratchDatabase } from './pg-database'
import { startTestServer, type TestServer } from './server'
import { redisUrl } from '../kit/services'

export function twoNodes(name: string): { nodes: TestServer[] } {
  const nodes: TestServer[] = []
  let database: ScratchDatabase | undefined
  beforeAll(async () => {
    database = await scratchDatabase(`parley_${name}`)
    const env = {
      DATABASE_URL: database.url,
      REDIS_URL: redisUrl,
      REDIS_PREFIX: `${name}_${process.pid}_${Date.now().toString(36)}`,
      PUSHER_APP_ID: `${name}-app`,
      PUSHER_KEY: `${name}-key`,
      PUSHER_SECRET: `${name}-secret-value`,
    }
    // One after the other: both migrate the same database.
    nodes.push(await startTestServer(env))
    nodes.push(await startTestServer(env))
  })
  afterAll(async () => {
    await Promise.all(nodes.map((node) => node.stop()))
    await database?.drop()
  })
  return { nodes }
}
