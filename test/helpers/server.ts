/** Start a real Parley server in-process on a free port with a temporary DATA_DIR. */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import type { RealtimeServer } from '../../src/server/realtime/server'

export interface TestServer extends Omit<ParleyServer, 'realtime'> {
  /** These tests run the embedded realtime server. */
  realtime: RealtimeServer
  dataDir: string
  /** ws host:port for pusher-js. */
  wsHost: string
  wsPort: number
  stop(): Promise<void>
}

export async function startTestServer(env: Record<string, string> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-test-'))
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', DATA_DIR: dataDir, LOG_LEVEL: 'silent', ...env })
  const log = pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' })
  const server = await startServer(config, log)
  const realtime = server.realtime
  if (realtime === null) throw new Error('startTestServer: the embedded realtime server is off')
  return {
    ...server,
    realtime,
    dataDir,
    wsHost: '127.0.0.1',
    wsPort: server.port,
    async stop() {
      await server.close()
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}
