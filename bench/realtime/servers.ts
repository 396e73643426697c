/**
 * The two servers under test, each started in its own process: Parley as
 * `npm run server` would run it (src/server/index.ts, a temporary DATA_DIR,
 * connection limits raised), and the bare-ws baseline. Both listen on port 0
 * and are found through the URL they print when ready.
 */
import type { ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Target } from './messages'
import { spawnServer, stopProcess, waitForLine } from './processes'
import { pusherUrl } from './pusher-socket'

const START_TIMEOUT_MS = 30_000

export interface RunningServer {
  target: Target
  pid: number
  port: number
  /** WebSocket URL a Pusher client connects to. */
  wsUrl: string
  /** Parley only: the app the HTTP API checks signatures for. */
  app?: { id: string; key: string; secret: string }
  stop(): Promise<void>
}

async function listening(child: ChildProcess, line: RegExp): Promise<{ pid: number; port: number }> {
  const match = await waitForLine(child, line, START_TIMEOUT_MS)
  if (child.pid === undefined) throw new Error('server process has no pid')
  return { pid: child.pid, port: Number(match[1]) }
}

async function startParley(): Promise<RunningServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-bench-'))
  const app = { id: '424242', key: randomBytes(10).toString('hex'), secret: randomBytes(24).toString('hex') }
  const child = spawnServer('src/server/index.ts', {
    ...process.env,
    PORT: '0',
    HOST: '127.0.0.1',
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PUSHER_APP_ID: app.id,
    PUSHER_KEY: app.key,
    PUSHER_SECRET: app.secret,
    MAX_CONNECTIONS: '50000',
    MAX_CONNECTIONS_PER_IP: '20000',
    // Every bench client shares 127.0.0.1 and subscribes the public fan-out channel.
    MAX_PUBLIC_CHANNELS_PER_IP: '1000000',
    // The default single-process server, whatever the shell has set (empty counts as unset).
    PUSHER_HOST: '',
    PUSHER_CLUSTER: '',
    REALTIME_ONLY: '',
    WEBHOOK_URL: '',
    DATABASE_URL: '',
    REDIS_URL: '',
  })
  // Also when the benchmark is interrupted and its children are killed (processes.ts).
  const removeDataDir = (): void => rmSync(dataDir, { recursive: true, force: true })
  process.once('exit', removeDataDir)
  const stop = async (): Promise<void> => {
    await stopProcess(child)
    process.off('exit', removeDataDir)
    removeDataDir()
  }
  try {
    const { pid, port } = await listening(child, /^Parley server listening on http:\/\/127\.0\.0\.1:(\d+)/)
    return { target: 'parley', pid, port, wsUrl: pusherUrl(port, app.key), app, stop }
  } catch (err) {
    await stop()
    throw err
  }
}

async function startBaseline(): Promise<RunningServer> {
  const child = spawnServer('bench/realtime/baseline-server.ts', process.env)
  const stop = (): Promise<void> => stopProcess(child)
  try {
    const { pid, port } = await listening(child, /^Baseline listening on http:\/\/127\.0\.0\.1:(\d+)/)
    return { target: 'baseline', pid, port, wsUrl: pusherUrl(port, 'baseline'), stop }
  } catch (err) {
    await stop()
    throw err
  }
}

export function startServer(target: Target): Promise<RunningServer> {
  return target === 'parley' ? startParley() : startBaseline()
}
