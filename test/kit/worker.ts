/**
 * The inside of a load-generating worker forked with `forkWorker`
 * (processes.ts): its configuration, its IPC with the parent, its life tied
 * to the parent's, and a clock it shares with the other processes.
 */

/** The JSON argument `forkWorker` passed to this worker. */
export function workerConfig<T>(): T {
  const text = process.argv[2]
  if (text === undefined) throw new Error('a benchmark worker is forked by its benchmark (forkWorker), not started directly')
  return JSON.parse(text) as T
}

export function tellParent<M extends { type: string }>(message: M): void {
  if (process.send === undefined) throw new Error('no IPC channel to the orchestrator')
  process.send(message)
}

/** The next message from the parent of type `type`. */
export function fromParent<M extends { type: string }>(type: M['type']): Promise<M> {
  return new Promise((resolve) => {
    const listener = (message: M): void => {
      if (message.type !== type) return
      process.off('message', listener)
      resolve(message)
    }
    process.on('message', listener)
  })
}

/**
 * A worker dies with its orchestrator (IPC closed) and reports a crash on stderr
 * with a non-zero exit, which the orchestrator sees as a failed step.
 */
export function runWorker(main: () => Promise<void>): void {
  process.on('disconnect', () => process.exit(0))
  main().catch((err: unknown) => {
    console.error(err)
    process.exit(1)
  })
}

/**
 * Wall-clock milliseconds with sub-millisecond resolution. performance.timeOrigin
 * is taken from the system clock when each process starts, so values from
 * different processes of one machine are comparable (unlike hrtime).
 */
export function sharedClockMs(): number {
  return performance.timeOrigin + performance.now()
}
