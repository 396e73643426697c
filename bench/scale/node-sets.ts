/**
 * A setup under test: one or several server nodes acting as one service. One
 * node without REDIS_URL is the plain embedded default; with `redisPrefix`
 * every node of the set joins the same Redis cluster (a prefix per set, so
 * sets running side by side never see each other's events). The store is
 * each node's own SQLite in a fresh DATA_DIR, or the run's PostgreSQL
 * database shared by all. Every node has the same app credentials and limits
 * high enough never to refuse the benchmark's sockets or sends.
 */
import { randomBytes } from 'node:crypto'
import type { ChildProcess } from 'node:child_process'
import { pusherUrl } from '../realtime/pusher-socket'
import { makeWorkDir, removeWorkDir, spawnNode, stopProcess } from './processes'

export interface App {
  id: string
  key: string
  secret: string
}

export interface NodeSetSpec {
  /** As the tables print it, e.g. "2 nodes". */
  label: string
  nodes: number
  /** PostgreSQL connection string shared by every node; absent: each its own SQLite. */
  databaseUrl?: string
  /** With Redis: its URL and this set's key prefix. */
  redis?: { url: string; prefix: string }
}

export interface RunningNode {
  pid: number
  port: number
  url: string
  /** A Pusher client's WebSocket URL for this node. */
  wsUrl: string
}

export interface NodeSet {
  spec: NodeSetSpec
  app: App
  nodes: RunningNode[]
  stop(): Promise<void>
}

export function newApp(): App {
  return { id: 'scale-bench', key: randomBytes(10).toString('hex'), secret: randomBytes(24).toString('hex') }
}

function nodeEnv(spec: NodeSetSpec, app: App, dataDir: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
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

/**
 * Start the set's nodes. The first one alone (it runs the migrations on a
 * shared database), then the others together.
 */
export async function startNodeSet(spec: NodeSetSpec, app: App): Promise<NodeSet> {
  const children: ChildProcess[] = []
  const dirs: string[] = []
  const nodes: RunningNode[] = []
  const stop = async (): Promise<void> => {
    await Promise.all(children.map((child) => stopProcess(child)))
    dirs.forEach(removeWorkDir)
  }
  const startOne = async (): Promise<RunningNode> => {
    const dir = makeWorkDir()
    dirs.push(dir)
    const { child, pid, port } = await spawnNode(nodeEnv(spec, app, dir))
    children.push(child)
    return { pid, port, url: `http://127.0.0.1:${port}`, wsUrl: pusherUrl(port, app.key) }
  }
  try {
    nodes.push(await startOne())
    nodes.push(...(await Promise.all(Array.from({ length: spec.nodes - 1 }, startOne))))
  } catch (err) {
    await stop()
    throw err
  }
  return { spec, app, nodes, stop }
}
