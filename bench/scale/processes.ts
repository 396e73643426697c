/**
 * The benchmark's child processes: server nodes started the way
 * `npm run server` starts them (Node + tsx on src/server/index.ts, so the pid
 * is the server itself and its /proc CPU time is the node's), and load
 * generators forked with an IPC channel. Every child and temporary directory
 * is remembered so that none outlives the benchmark, whatever ends it:
 * `cleanUpNow` is safe in 'exit' and signal handlers.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const tsx = ['--import', 'tsx']
const running = new Set<ChildProcess>()
const workDirs = new Set<string>()

function track(child: ChildProcess): ChildProcess {
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/** A fresh temporary directory, removed by `removeWorkDir` or `cleanUpNow`. */
export function makeWorkDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-scale-'))
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
  for (const dir of workDirs) rmSync(dir, { recursive: true, force: true })
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

function exited(child: ChildProcess, what: string): Promise<never> {
  return new Promise((_resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${what}: the process exited (${signal ?? `code ${code}`})`)))
  })
}

async function within<T>(ms: number, what: string, work: Promise<T>): Promise<T> {
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

/**
 * A server node with `env` on a free loopback port; resolves with its pid and
 * port once it printed its URL. Its later stdout lines go to our stderr.
 */
export async function spawnNode(
  env: NodeJS.ProcessEnv,
  timeoutMs = 30_000,
): Promise<{ child: ChildProcess; pid: number; port: number }> {
  const child = track(
    spawn(process.execPath, [...tsx, 'src/server/index.ts'], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] }),
  )
  if (child.stdout === null || child.pid === undefined) throw new Error('the server process did not start')
  const lines = createInterface({ input: child.stdout })
  const ready = new Promise<number>((resolve) => {
    lines.on('line', (line) => {
      const match = /^Parley server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line)
      if (match?.[1] !== undefined) resolve(Number(match[1]))
      else process.stderr.write(`[node ${child.pid}] ${line}\n`)
    })
  })
  try {
    const port = await within(timeoutMs, 'starting a server node', Promise.race([ready, exited(child, 'starting a server node')]))
    return { child, pid: child.pid, port }
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
  const path = fileURLToPath(new URL(file, import.meta.url))
  return track(fork(path, [JSON.stringify(config)], { cwd: repoRoot, execArgv: tsx, stdio: ['ignore', 2, 2, 'ipc'] }))
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
