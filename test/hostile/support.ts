/**
 * Shared by the hostile-input suites: reproducible fast-check settings, a real
 * `npm run server` child process whose memory can be read from /proc, and small
 * waiting helpers.
 *
 * Seeds: every property has a fixed default seed, so CI runs the same inputs
 * each time. `FUZZ_SEED=<n>` replays one seed (fast-check prints the seed and
 * the shrunk path of a failure; `FUZZ_SEED=<n> FUZZ_PATH=<path>` replays exactly
 * that counterexample), `FUZZ_SEED=random` draws a new one per property, and
 * `FUZZ_RUNS=<factor>` multiplies numRuns for a longer hunt.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { peakResidentKb, residentKb } from '../kit/proc-stats'
import { spawnServer, type ServerProcess } from '../kit/server-process'

/** The seed of a property: FUZZ_SEED when given, else a fixed one derived from its name. */
export function fuzzSeed(name: string): number {
  const given = process.env.FUZZ_SEED
  if (given === 'random') return Math.floor(Math.random() * 2 ** 31)
  if (given !== undefined && given !== '') return Number(given) | 0
  return createHash('sha256').update(name).digest().readInt32BE(0)
}

/**
 * fc.assert with a reproducible seed; on failure the seed (and how to replay
 * it) is printed and kept in the thrown error.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IAsyncProperty<Ts> | fc.IProperty<Ts>,
  numRuns: number,
  options: Partial<fc.Parameters<Ts>> = {},
): Promise<{ seed: number; numRuns: number }> {
  const seed = fuzzSeed(name)
  const runs = Math.max(1, Math.round(numRuns * Number(process.env.FUZZ_RUNS ?? 1)))
  const path = process.env.FUZZ_PATH
  try {
    await fc.assert(property, {
      seed,
      numRuns: runs,
      ...(path ? { path } : {}),
      // Shrinking replays the property against the live server; FUZZ_SHRINK=0 skips it.
      endOnFailure: process.env.FUZZ_SHRINK === '0',
      ...options,
    })
  } catch (err) {
    const message = `[fuzz] "${name}" failed with seed ${seed} (replay: FUZZ_SEED=${seed} npx vitest run test/hostile)`
    console.error(message)
    if (err instanceof Error) err.message = `${message}\n${err.message}`
    throw err
  }
  return { seed, numRuns: runs }
}

/** Fixed credentials for child servers, so tests can sign without reading DATA_DIR. */
export const CHILD_CREDENTIALS = { id: 'hostile-app', key: 'hostile-key', secret: 'hostile-secret-0123456789' }

export interface ChildServer extends ServerProcess {
  dataDir: string
  /** Current resident set size of the server process, in KiB. */
  rssKb(): number
  /** Peak resident set size (VmHWM) of the server process, in KiB. */
  peakRssKb(): number
  stop(): Promise<void>
}

/** `npm run server` as a child process (its own memory, its own crash) with a temporary DATA_DIR. */
export async function startChildServer(env: Record<string, string> = {}): Promise<ChildServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'parley-hostile-'))
  const server = await spawnServer({
    DATA_DIR: dataDir,
    PUSHER_APP_ID: CHILD_CREDENTIALS.id,
    PUSHER_KEY: CHILD_CREDENTIALS.key,
    PUSHER_SECRET: CHILD_CREDENTIALS.secret,
    AUTH_RATE_LIMIT: '100000',
    SEND_RATE_LIMIT: '100000',
    CONVERSATION_RATE_LIMIT: '100000',
    LOG_LEVEL: 'error',
    ...env,
  })
  return {
    ...server,
    dataDir,
    rssKb: () => residentKb(server.pid),
    peakRssKb: () => peakResidentKb(server.pid),
    async stop() {
      await server.stop(5_000)
      rmSync(dataDir, { recursive: true, force: true })
    },
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms))

/** Poll until `check` holds (or throw naming `what`). */
export async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`${what}: not reached within ${timeoutMs} ms`)
    await sleep(10)
  }
}
