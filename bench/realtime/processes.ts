/**
 * Child processes of the benchmark: TypeScript entry files run by Node with
 * tsx, servers watched through stdout, load generators through IPC. Every
 * child is remembered so that none outlives the benchmark, whatever ends it.
 */
import { fork, spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url))
const tsx = ['--import', 'tsx']
const running = new Set<ChildProcess>()

function track(child: ChildProcess): ChildProcess {
  running.add(child)
  child.once('exit', () => running.delete(child))
  return child
}

/**
 * A load generator: `file` (relative to this folder) gets `config` as JSON in
 * argv[2] and an IPC channel. Its output goes to stderr: stdout is the report's.
 */
export function forkWorker(file: string, config: unknown): ChildProcess {
  const path = fileURLToPath(new URL(file, import.meta.url))
  return track(fork(path, [JSON.stringify(config)], { cwd: repoRoot, execArgv: tsx, stdio: ['ignore', 2, 2, 'ipc'] }))
}

/** A server: its stdout is read line by line (see `waitForLine`), stderr is passed through. */
export function spawnServer(file: string, env: NodeJS.ProcessEnv): ChildProcess {
  return track(spawn(process.execPath, [...tsx, file], { cwd: repoRoot, env, stdio: ['ignore', 'pipe', 'inherit'] }))
}

function exited(child: ChildProcess, what: string): Promise<never> {
  return new Promise((_resolve, reject) => {
    child.once('exit', (code, signal) => reject(new Error(`${what}: the process exited (${signal ?? `code ${code}`})`)))
  })
}

function timeout(ms: number, what: string): { promise: Promise<never>; cancel: () => void } {
  let timer: NodeJS.Timeout | undefined
  const promise = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: nothing within ${ms} ms`)), ms)
  })
  return { promise, cancel: () => clearTimeout(timer) }
}

/** Resolve with the first stdout line matching `pattern`; later lines are copied to our stderr. */
export async function waitForLine(child: ChildProcess, pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray> {
  if (child.stdout === null) throw new Error('waitForLine needs a child with piped stdout')
  const lines = createInterface({ input: child.stdout })
  const found = new Promise<RegExpExecArray>((resolve) => {
    lines.on('line', (line) => {
      const match = pattern.exec(line)
      if (match !== null) resolve(match)
      else process.stderr.write(`[server] ${line}\n`)
    })
  })
  const limit = timeout(timeoutMs, `waiting for ${pattern}`)
  try {
    return await Promise.race([found, exited(child, `waiting for ${pattern}`), limit.promise])
  } finally {
    limit.cancel()
  }
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
  const limit = timeout(timeoutMs, `waiting for "${type}"`)
  try {
    return await Promise.race([received, exited(child, `waiting for "${type}"`), limit.promise])
  } finally {
    limit.cancel()
    if (listener) child.off('message', listener)
  }
}

/** SIGTERM (the servers shut down gracefully), SIGKILL if still alive after `graceMs`. */
export async function stopProcess(child: ChildProcess, graceMs = 5_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const gone = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs)
  await gone
  clearTimeout(timer)
}

/** Synchronous last resort for 'exit' and signal handlers. */
export function killAllNow(): void {
  for (const child of running) child.kill('SIGKILL')
}
