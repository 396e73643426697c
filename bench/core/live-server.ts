/**
 * A real `npm run server` process and two accounts for the core scenarios
 * that need the network: alice (the measured core) and bob (who writes).
 */
import { mkdtempSync } from 'node:fs'
import { join } from 'node:path'
import { pino } from 'pino'
import { createCore, type CoreTiming, type TestableCore as Core } from '../../src/main/core/testing'
import type { AuthResponse, Conversation } from '../../src/shared/api'
import { recordingServices, type RecordingServices } from '../../test/helpers/core'
import { callApi } from '../../test/helpers/messenger'
import { spawnServer, type ServerProcess } from '../../test/kit/server-process'

export interface LiveSetup {
  server: ServerProcess
  alice: { username: string; id: string }
  bob: AuthResponse
  conversationId: string
}

const serverEnv = (workDir: string, env: Record<string, string>): Record<string, string> => ({
  DATA_DIR: join(workDir, 'server'),
  LOG_LEVEL: 'warn',
  SEND_RATE_LIMIT: '100000000',
  AUTH_RATE_LIMIT: '100000',
  ...env,
})

export async function startLiveServer(workDir: string, env: Record<string, string> = {}): Promise<LiveSetup> {
  const server = await spawnServer(serverEnv(workDir, env))
  const register = async (username: string) =>
    (await callApi<AuthResponse>(server.url, 'POST', '/api/auth/register', { body: { username, password: 'bench-password' } })).body
  const alice = await register('alice')
  const bob = await register('bob')
  const conversation = await callApi<Conversation>(server.url, 'POST', '/api/conversations', {
    token: bob.token,
    body: { memberIds: [alice.user.id] },
  })
  return { server, alice: { username: 'alice', id: alice.user.id }, bob, conversationId: conversation.body.id }
}

/** Bob writes `count` messages over REST, `concurrency` at a time. */
export async function bobWrites(setup: LiveSetup, count: number, prefix: string, concurrency = 16): Promise<void> {
  let next = 0
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let n = next++; n < count; n = next++) {
        const sent = await callApi(setup.server.url, 'POST', `/api/conversations/${setup.conversationId}/messages`, {
          token: setup.bob.token,
          body: { clientId: `${prefix}-${n}`, body: `${prefix} message ${n}: the quick brown fox jumps over the lazy dog` },
        })
        if (sent.status !== 201) throw new Error(`send failed: ${sent.status}`)
      }
    }),
  )
}

/**
 * Alice's desktop core (signed in), on a fresh or given userData directory.
 * Pass the `services` of an earlier core on the same directory to start as
 * the app does after a restart: from the saved session, without signing in.
 */
export async function aliceCore(
  setup: LiveSetup,
  serverUrl: string,
  userDataDir: string,
  timing: Partial<CoreTiming> = {},
  services: RecordingServices = recordingServices(),
  /** As the shell starts it: a saved sign-in connects once a window has painted the cache (design §7.4). */
  awaitFirstPaint = false,
): Promise<Core> {
  const core = await createCore(
    {
      userDataDir,
      defaultServerUrl: serverUrl,
      appInfo: { name: 'Parley', version: 'bench', platform: process.platform, locale: 'en-US', tokenStorage: 'keyring' },
      services,
      timing,
      awaitFirstPaint,
    },
    pino({ level: 'silent' }),
  )
  if ((await core.getSession()).user === null) {
    await core.login({ serverUrl, username: setup.alice.username, password: 'bench-password' })
  }
  return core
}

export const newUserData = (workDir: string, name: string): string => mkdtempSync(join(workDir, `${name}-`))

/** Resolve when `check` holds, polling every few ms. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not within ${timeoutMs} ms`)
    await new Promise((resolve) => setTimeout(resolve, 5))
  }
}

/**
 * Stop the setup's server (cleanly: its database is whole on disk), let
 * `between` work on its data directory, and start it again on the same port
 * (a core's saved session names it) with the same `env` as startLiveServer.
 */
export async function restartLiveServer(
  setup: LiveSetup,
  workDir: string,
  env: Record<string, string>,
  between: (dataDir: string) => void,
): Promise<void> {
  await setup.server.stop()
  const start = serverEnv(workDir, env)
  between(start.DATA_DIR as string)
  setup.server = await spawnServer({ ...start, PORT: String(setup.server.port) })
}
