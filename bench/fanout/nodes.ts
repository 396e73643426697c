/**
 * A setup under test: N Parley server nodes acting as one service, started
 * as `npm run server` starts them. One node without Redis is the plain
 * embedded default; with `redis`, every node of the set joins the same Redis
 * cluster (a prefix per set, so sets running side by side never see each
 * other's events). The store is each node's own SQLite in a fresh DATA_DIR,
 * or a PostgreSQL database shared by all. Every node has the same app
 * credentials and limits high enough never to refuse the benchmark's sockets
 * or sends.
 */
import { randomBytes } from 'node:crypto'
import { makeWorkDir, removeWorkDir } from '../../test/kit/processes'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'
import { pusherUrl } from './pusher-socket'

export interface App {
  id: string
  key: string
  secret: string
}

export interface NodeSetSpec {
  /** As the tables print it, e.g. "2 nodes, Redis, PostgreSQL". */
  label: string
  nodes: number
  /** PostgreSQL connection string shared by every node; absent: each its own SQLite. */
  databaseUrl?: string
  /** With Redis: its URL and this set's key prefix. */
  redis?: { url: string; prefix: string }
}

export interface FanoutNode {
  pid: number
  port: number
  url: string
  /** A Pusher client's WebSocket URL for this node. */
  wsUrl: string
}

export interface NodeSet {
  spec: NodeSetSpec
  app: App
  nodes: FanoutNode[]
  stop(): Promise<void>
}

export function newApp(): App {
  return { id: 'fanout-bench', key: randomBytes(10).toString('hex'), secret: randomBytes(24).toString('hex') }
}

function nodeEnv(spec: NodeSetSpec, app: App, dataDir: string): Record<string, string> {
  return {
    HOST: '127.0.0.1',
    PORT: '0',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PUSHER_APP_ID: app.id,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    MAX_CONNECTIONS: '50000',
    MAX_CONNECTIONS_PER_IP: '20000',
    // Every bench client shares 127.0.0.1 and subscribes the public fan-out channel.
    MAX_PUBLIC_CHANNELS_PER_IP: '1000000',
    SEND_RATE_LIMIT: '100000000',
    AUTH_RATE_LIMIT: '100000',
    DATABASE_URL: spec.databaseUrl ?? '',
    REDIS_URL: spec.redis?.url ?? '',
    REDIS_PREFIX: spec.redis?.prefix ?? '',
    // The embedded realtime server, in process, whatever the shell has set (empty counts as unset).
    PUSHER_HOST: '',
    PUSHER_CLUSTER: '',
    REALTIME_ONLY: '',
    PUBLISH_VIA_SDK: '',
    WEBHOOK_URL: '',
  }
}

/** Start the set's nodes: the first one alone (it runs the migrations on a shared database), then the others together. */
export async function startNodeSet(spec: NodeSetSpec, app: App): Promise<NodeSet> {
  const servers: ServerProcess[] = []
  const dirs: string[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(servers.map((server) => server.stop()))
    dirs.forEach(removeWorkDir)
  }
  const startOne = async (): Promise<FanoutNode> => {
    const dir = makeWorkDir('parley-fanout-')
    dirs.push(dir)
    const label = `${spec.label}, node ${dirs.length}`
    const server = await spawnServer(nodeEnv(spec, app, dir), {
      timeoutMs: 30_000,
      onLine: (line) => process.stderr.write(`[${label}] ${line}\n`),
    })
    servers.push(server)
    return { pid: server.pid, port: server.port, url: server.url, wsUrl: pusherUrl(server.port, app.key) }
  }
  const nodes: FanoutNode[] = []
  try {
    nodes.push(await startOne())
    nodes.push(...(await Promise.all(Array.from({ length: spec.nodes - 1 }, startOne))))
  } catch (err) {
    await stop()
    throw err
  }
  return { spec, app, nodes, stop }
}
