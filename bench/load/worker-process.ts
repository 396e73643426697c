/**
 * A load-generating worker process (worker.ts), forked with an IPC channel
 * (test/kit/processes.ts, so it never outlives the run), and its inbox of
 * messages.
 */
import type { ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { forkTsx } from '../../test/kit/processes'
import type { FromWorker, ToWorker } from './messages'

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
