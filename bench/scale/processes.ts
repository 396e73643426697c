/**
 * The benchmark's child processes: server nodes started the way
 * `npm run server` starts them (Node + tsx on src/server/index.ts, so the pid
 * is the server itself and its /proc CPU time is the node's), and load
 * generators forked with an IPC channel — through the shared helpers
 * (../shared/children.ts), which make sure none outlives the benchmark.
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { forkTsx, makeWorkDir as makeDir, spawnTsx, waitForLine } from '../shared/children'

export { cleanUpNow, nextMessage, removeWorkDir, repoRoot, stopProcess } from '../shared/children'

/** A fresh temporary directory, removed by `removeWorkDir` or `cleanUpNow`. */
export const makeWorkDir = (): string => makeDir('parley-scale-')

/**
 * A server node with `env` on a free loopback port; resolves with its pid and
 * port once it printed its URL. Its later stdout lines go to our stderr.
 */
export async function spawnNode(
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; pid: number; port: number }> {
  const child = spawnTsx('src/server/index.ts', env)
  if (child.stdout === null || child.pid === undefined) throw new Error('the server process did not start')
  try {
    const [, port] = await waitForLine(child, /^Parley server listening on http:\/\/127\.0\.0\.1:(\d+)/, timeoutMs, `node ${child.pid}`)
    return { child, pid: child.pid, port: Number(port) }
  } catch (err) {
    child.kill('SIGKILL')
    throw err
  }
}

/**
 * A load generator: `file` (relative to this folder) gets `config` as JSON in
 * argv[2] and an IPC channel. Its output goes to stderr: stdout is the report's.
 */
export function forkWorker(file: string, config: unknown): ChildProcess {
  return forkTsx(fileURLToPath(new URL(file, import.meta.url)), [JSON.stringify(config)])
}
