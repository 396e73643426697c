/**
 * A worker thread with a better-sqlite3 connection of its own to the cache
 * file, for work that must not hold the main thread: WAL checkpoints
 * (checkpointer.ts) and scans of the whole table (scan-worker.ts).
 *
 * The worker is eval'd source, not a bundled file: it only needs
 * better-sqlite3, resolved here and passed in, so it runs the same from the
 * TypeScript sources (tests, harness) and from the electron-vite bundle.
 * `handler` is source that defines `function handle(message)`, with `db` and
 * `parentPort` in scope; the worker posts `{ ready: true }` once it listens.
 */
import { createRequire } from 'node:module'
import { Worker } from 'node:worker_threads'

/** closeSqliteWorker waits this long at most for the worker to close its connection. */
const CLOSE_WAIT_MS = 2_000

export interface SqliteWorkerOptions {
  path: string
  /** better-sqlite3's entry file (tests pass a broken one). */
  module?: string
  /** Open the file read-only (it must exist). */
  readonly?: boolean
}

const OPEN = `
const { parentPort, workerData } = require('node:worker_threads')
const Database = require(workerData.module)
const db = new Database(workerData.path, workerData.options)
`

const LISTEN = `
parentPort.on('message', (message) => {
  if (message && message.close) {
    try {
      db.close()
    } finally {
      Atomics.store(message.close, 0, 1)
      Atomics.notify(message.close, 0)
      parentPort.close()
    }
    return
  }
  handle(message)
})
parentPort.postMessage({ ready: true })
`

/** Start a worker running `handler` (see above). It never keeps the process alive by itself. */
export function startSqliteWorker(handler: string, options: SqliteWorkerOptions): Worker {
  const module = options.module ?? createRequire(import.meta.url).resolve('better-sqlite3')
  const databaseOptions = options.readonly === true ? { readonly: true, fileMustExist: true } : {}
  const worker = new Worker(`${OPEN}${handler}${LISTEN}`, {
    eval: true,
    workerData: { module, path: options.path, options: databaseOptions },
  })
  worker.unref()
  return worker
}

/**
 * The worker closes its connection, and this waits for it (blocking, up to
 * CLOSE_WAIT_MS; work in progress finishes first): the cache's own
 * connection must close last, so that SQLite removes the log and whoever
 * closed the cache may delete its files at once.
 */
export function closeSqliteWorker(worker: Worker): void {
  const closed = new Int32Array(new SharedArrayBuffer(4))
  worker.postMessage({ close: closed })
  Atomics.wait(closed, 0, 0, CLOSE_WAIT_MS)
}
