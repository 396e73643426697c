/**
 * Child processes of tests and benchmarks: TypeScript entry files run by Node
 * with tsx (so a pid is the program itself, not an npm or tsx wrapper, and its
 * /proc figures are its own), servers watched through stdout, load generators
 * through IPC (their side: worker.ts). Every child and temporary directory is
 * remembered so that none outlives a benchmark, whatever ends it:
 * `cleanUpNow` is synchronous, safe in 'exit' and signal handlers.
 */
import { fork, spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const tsx = ['--import', 'tsx']
const running = new Set<ChildProcess>()
const workDirs = new Set<string>()

function track<T extends ChildProcess>(child: T): T {
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** `file` (absolute, or relative to the repository) run with tsx, with an IPC channel; its output goes to our stderr (stdout is the report's). */
export function forkTsx(file: string, args: readonly string[] = []): ChildProcess {
  return track(fork(file, [...args], { cwd: repoRoot, execArgv: tsx, stdio: ['ignore', 2, 2, 'ipc'] }))
}

/** A load generator: `file` gets `config` as JSON in argv[2] (see worker.ts) and an IPC channel. */
export function forkWorker(file: URL, config: unknown): ChildProcess {
  return forkTsx(fileURLToPath(file), [JSON.stringify(config)])
}

/** `file` (relative to the repository) run with tsx and `args`; stdout piped (see `waitForLine`), stderr passed through unless `stdio` says otherwise. */
export function spawnTsx(
  file: string,
  env: NodeJS.ProcessEnv,
  stdio: SpawnOptions['stdio'] = ['ignore', 'pipe', 'inherit'],
  args: readonly string[] = [],
): ChildProcess {
  return track(spawn(process.execPath, [...tsx, file, ...args], { cwd: repoRoot, env, stdio }))
}

/** A fresh temporary directory, removed by `removeWorkDir` or `cleanUpNow`. */
export function makeWorkDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix))
  workDirs.add(dir)
  return dir
}

export function removeWorkDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true })
  workDirs.delete(dir)
}

/** SIGKILL every child still running and remove the temporary directories (synchronous). */
export function cleanUpNow(): void {
  for (const child of running) child.kill('SIGKILL')
  for (const dir of workDirs) {
    try {
      rmSync(dir, { recursive: true, force: true })
    } catch {
      // A child may still hold a file open for a moment; the OS cleans tmp eventually.
    }
  }
  workDirs.clear()
}

/** SIGTERM (servers shut down gracefully, workers exit), SIGKILL if still alive after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await gone
  clearTimeout(timer)
}

/** Rejects when `child` exits. */
export function exited(child: ChildProcess, what: string): Promise<never> {
  return new Promise((_resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${what}: the process exited (${signal ?? `code ${code}`})`)))
  })
}

/** `work`, or a rejection naming `what` after `ms`. */
export async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const late = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)
  })
  try {
    return await Promise.race([work, late])
  } finally {
    clearTimeout(timer)
  }
}

/** Resolve with the first stdout line matching `pattern`; the other lines are copied to our stderr, prefixed with `[label]`. */
export async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number, label = 'server'): Promise<RegExpExecArray> {
  if (child.stdout === null) throw new Error('waitForLine needs a child with piped stdout')
  const lines = createInterface({ input: child.stdout })
  const found = new Promise<RegExpExecArray>((resolve) => {
    lines.on('line', (line) => {
      const match = pattern.exec(line)
      if (match !== null) resolve(match)
      else process.stderr.write(`[${label}] ${line}\n`)
    })
  })
  return within(timeoutMs, `waiting for ${pattern}`, Promise.race([found, exited(child, `waiting for ${pattern}`)]))
}

/** Resolve with the next IPC message whose `type` is `type`. */
export async function nextMessage<M extends { type: string }, T extends M['type']>(
  child: ChildProcess,
  type: T,
  timeoutMs: number,
): Promise<Extract<M, { type: T }>> {
  let listener: ((message: M) => void) | undefined
  const received = new Promise<Extract<M, { type: T }>>((resolve) => {
    listener = (message: M) => {
      if (message.type === type) resolve(message as Extract<M, { type: T }>)
    }
    child.on('message', listener)
  })
  try {
    return await within(timeoutMs, `waiting for "${type}"`, Promise.race([received, exited(child, `waiting for "${type}"`)]))
  } finally {
    if (listener) child.off('message', listener)
  }
}
