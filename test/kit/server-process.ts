/**
 * `npm run server` as a real child process (the entry point users start:
 * Node + tsx on src/server/index.ts, so its pid is the server itself and its
 * /proc figures are its own), for tests and benchmarks alike. Ready once it
 * printed its URL; stopped with SIGTERM (SIGKILL if it lingers). Like every
 * child of processes.ts, it is killed by `cleanUpNow`.
 */
import type { ChildProcess } from 'node:child_process'
import { freePort } from './ports'
import { spawnTsx, stopProcess } from './processes'

const ENTRY = 'src/server/index.ts'
const READY = /Parley server listening on (http:\/\/\S+)/

export interface ServerProcess {
  child: ChildProcess
  pid: number
  url: string
  port: number
  /** Everything it printed so far, stdout and stderr. */
  output: () => string
  /** Its exit code once it exited (null after a signal). */
  exited: Promise<number | null>
  /** SIGTERM, then SIGKILL if it is still running after `graceMs`. */
  stop(graceMs?: number): Promise<void>
}

export interface ServerStart {
  /** How long it may take to print its URL. */
  timeoutMs?: number
  /** Every line it prints but the ready line, as it comes (benchmarks copy them to stderr). */
  onLine?: (line: string) => void
}

function lines(onLine: (line: string) => void): (chunk: Buffer) => void {
  let partial = ''
  return (chunk) => {
    const text = partial + chunk.toString()
    const complete = text.split('\n')
    partial = complete.pop() ?? ''
    for (const line of complete) if (!READY.test(line)) onLine(line)
  }
}

/**
 * The server with `env` over this process's environment (LOG_LEVEL=warn unless
 * `env` says otherwise). PORT: `env.PORT` if given ('0': the system picks,
 * read back from the URL), else a free port; resolves once it printed its URL.
 */
export async function spawnServer(env: Record<string, string>, start: ServerStart = {}): Promise<ServerProcess> {
  const { timeoutMs = 20_000, onLine } = start
  const port = env.PORT ? env.PORT : String(await freePort())
  const child = spawnTsx(ENTRY, { ...process.env, LOG_LEVEL: 'warn', ...env, PORT: port }, ['ignore', 'pipe', 'pipe'])
  let output = ''
  const collect = (chunk: Buffer): void => void (output += chunk)
  child.stdout?.on('data', collect)
  child.stderr?.on('data', collect)
  if (onLine !== undefined) {
    child.stdout?.on('data', lines(onLine))
    child.stderr?.on('data', lines(onLine))
  }
  const exited = new Promise<number | null>((resolveExit) => child.once('exit', (code) => resolveExit(code)))
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start:\n${output}`)), timeoutMs)
    const check = (): void => {
      const match = READY.exec(output)
      if (match?.[1]) {
        clearTimeout(timer)
        resolveUrl(match[1])
      }
    }
    child.stdout?.on('data', check)
    void exited.then((code) => {
      clearTimeout(timer)
      reject(new Error(`server exited with ${code}:\n${output}`))
    })
  }).catch((err: unknown) => {
    child.kill('SIGKILL')
    throw err
  })
  if (child.pid === undefined) throw new Error('the server process has no pid')
  return {
    child,
    pid: child.pid,
    url,
    port: Number(new URL(url).port),
    output: () => output,
    exited,
    stop: (graceMs = 5_000) => stopProcess(child, graceMs),
  }
}

/** Run the server entry to completion (for configurations that must be refused). */
export function runServerToExit(env: Record<string, string>): Promise<{ code: number | null; output: string }> {
  return new Promise((resolveRun) => {
    const child = spawnTsx(ENTRY, { ...process.env, ...env }, ['ignore', 'pipe', 'pipe'])
    let output = ''
    child.stdout?.on('data', (chunk) => (output += chunk))
    child.stderr?.on('data', (chunk) => (output += chunk))
    child.once('exit', (code) => resolveRun({ code, output }))
  })
}
