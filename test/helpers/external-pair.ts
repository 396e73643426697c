/**
 * Two Parley servers in this process, as a deployment with an external
 * realtime service runs: one in REALTIME_ONLY mode as the Pusher-compatible
 * service (webhooks pointed at the api), and an api server that publishes to
 * it through the `pusher` SDK (PUSHER_HOST/PORT, plain HTTP). `apiEnv` adds
 * to the api's environment (PUSHER_ENCRYPTION_MASTER_KEY, limits).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import { startServer, type ParleyServer } from '../../src/server/app'
import { loadConfig } from '../../src/server/config'
import { freePort } from '../kit/ports'

export interface ExternalPair {
  service: ParleyServer
  api: ParleyServer
  servicePort: number
  apiUrl: string
  close(): Promise<void>
}

export async function startExternalPair(credentials: Record<'PUSHER_APP_ID' | 'PUSHER_KEY' | 'PUSHER_SECRET', string>, apiEnv: Record<string, string> = {}): Promise<ExternalPair> {
  const dirs = [mkdtempSync(join(tmpdir(), 'parley-service-')), mkdtempSync(join(tmpdir(), 'parley-api-'))] as const
  const [servicePort, apiPort] = [await freePort(), await freePort()]
  const log = pino({ level: 'silent' })
  const service = await startServer(
    loadConfig({
      ...credentials,
      PORT: String(servicePort),
      DATA_DIR: dirs[0],
      REALTIME_ONLY: 'true',
      WEBHOOK_URL: `http://127.0.0.1:${apiPort}/api/pusher/webhooks`,
    }),
    log,
  )
  const api = await startServer(
    loadConfig({
      ...credentials,
      PORT: String(apiPort),
      DATA_DIR: dirs[1],
      PUSHER_HOST: '127.0.0.1',
      PUSHER_PORT: String(servicePort),
      PUSHER_USE_TLS: 'false',
      ...apiEnv,
    }),
    log,
  )
  return {
    service,
    api,
    servicePort,
    apiUrl: `http://127.0.0.1:${apiPort}`,
    close: async () => {
      await api.close()
      await service.close()
      dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }))
    },
  }
}
