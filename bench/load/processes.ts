/**
 * The load run's child processes: the server under test, started the way
 * `npm run server` starts it (Node + tsx on src/server/index.ts, so its pid is
 * the server itself, not an npm or tsx wrapper), and the load-generating
 * workers, forked with an IPC channel. Every child and temporary directory is
 * remembered so that none outlives the run: `cleanUpNow` is for exit and
 * signal handlers.
 */
import type { ChildProcess } from 'node:child_process'
import { createServer } from 'node:net'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'
import { forkTsx, makeWorkDir as makeDir, spawnTsx } from '../shared/children'
import type { FromWorker, ToWorker } from './messages'

export { cleanUpNow, removeWorkDir, repoRoot, stopProcess } from '../shared/children'

/** A fresh temporary directory, removed by `removeWorkDir` or `cleanUpNow`. */
export const makeWorkDir = (): string => makeDir('parley-load-')

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer()
    probe.once('error', reject)
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address()
      const port = typeof address === 'object' && address !== null ? address.port : 0
      probe.close(() => resolve(port))
    })
  })
}

export interface ServerProcess {
  child: ChildProcess
  pid: number
  url: string
  /** Lines the server logged (LOG_LEVEL=warn: warnings and errors), and the first few of them. */
  logLines(): { count: number; first: string[] }
}

const READY = /^Parley server listening on (http:\/\/\S+)$/

export async function startServer(env: Record<string, string>, timeoutMs = 60_000): Promise<ServerProcess> {
  const port = await freePort()
  const child = spawnTsx('src/server/index.ts', { ...process.env, LOG_LEVEL: 'warn', ...env, HOST: '127.0.0.1', PORT: String(port) }, [
    'ignore',
    'pipe',
    'pipe',
  ])
  const { stdout, stderr } = child
  if (stdout === null || stderr === null) throw new Error('the server process has no output pipes')
  let count = 0
  const first: string[] = []
  const logged = (line: string): void => {
    count++
    if (first.length < 10) first.push(line.slice(0, 500))
    if (count <= 50) process.stderr.write(`[server] ${line}\n`)
    else if (count === 51) process.stderr.write('[server] … (further server log lines are counted, not shown)\n')
  }
  createInterface({ input: stderr }).on('line', logged)
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`the server did not start within ${timeoutMs} ms`)), timeoutMs)
    createInterface({ input: stdout }).on('line', (line) => {
      const match = READY.exec(line)
      if (match?.[1] !== undefined) {
        clearTimeout(timer)
        resolve(match[1])
      } else logged(line)
    })
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      reject(new Error(`the server exited (${signal ?? `code ${code}`}) before it was ready`))
    })
  }).catch((err: unknown) => {
    child.kill('SIGKILL')
    throw err
  })
  if (child.pid === undefined) throw new Error('the server has no pid')
  return { child, pid: child.pid, url, logLines: () => ({ count, first }) }
}

/** A load-generating worker and its inbox of IPC messages. */
export class WorkerProcess {
  readonly child: ChildProcess
  private readonly inbox: FromWorker[] = []
  private wake: (() => void) | null = null
  private exit: string | null = null

  constructor(
    readonly name: string,
    onProgress: (message: Extract<FromWorker, { type: 'progress' }>) => void,
  ) {
    const file = fileURLToPath(new URL('./worker.ts', import.meta.url))
    this.child = forkTsx(file)
    this.child.on('message', (message: FromWorker) => {
      if (message.type === 'progress') return onProgress(message)
      this.inbox.push(message)
      this.wake?.()
    })
    this.child.once('exit', (code, signal) => {
      this.exit = `${name} exited (${signal ?? `code ${code}`})`
      this.wake?.()
    })
  }

  get pid(): number {
    if (this.child.pid === undefined) throw new Error(`${this.name} has no pid`)
    return this.child.pid
  }

  send(message: ToWorker): void {
    if (this.child.connected) this.child.send(message)
  }

  /** The next message of `type`; rejects on a 'failed' message, on exit, or after `timeoutMs`. */
  async next<T extends FromWorker['type']>(type: T, timeoutMs: number): Promise<Extract<FromWorker, { type: T }>> {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const failed = this.inbox.find((message) => message.type === 'failed')
      if (failed?.type === 'failed') throw new Error(`${this.name} failed: ${failed.error}`)
      const index = this.inbox.findIndex((message) => message.type === type)
      if (index >= 0) return this.inbox.splice(index, 1)[0] as Extract<FromWorker, { type: T }>
      if (this.exit !== null) throw new Error(`${this.exit} while the run waited for "${type}"`)
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`${this.name}: no "${type}" within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.wake = () => {
          clearTimeout(timer)
          resolve()
        }
      })
      this.wake = null
    }
  }
}
