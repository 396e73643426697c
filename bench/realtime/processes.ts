/**
 * Child processes of the realtime benchmark: its load generators (files in
 * this folder) and servers, through the shared helpers (../shared/children.ts).
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { forkTsx, spawnTsx } from '../shared/children'

export { cleanUpNow, nextMessage, repoRoot, stopProcess, waitForLine } from '../shared/children'

/**
 * A load generator: `file` (relative to this folder) gets `config` as JSON in
 * argv[2] and an IPC channel. Its output goes to stderr: stdout is the report's.
 */
export function forkWorker(file: string, config: unknown): ChildProcess {
  return forkTsx(fileURLToPath(new URL(file, import.meta.url)), [JSON.stringify(config)])
}

/** A server: its stdout is read line by line (see `waitForLine`), stderr is passed through. */
export function spawnServer(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  return spawnTsx(file, env)
}
