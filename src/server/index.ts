/**
 * `npm run server`: reads the environment, starts the server, prints one line
 * with its URL, and shuts down cleanly on SIGINT/SIGTERM.
 */
import type { Logger } from 'pino'
import { startServer, type ParleyServer } from './app'
import { ConfigError, loadConfig } from './config'
import { CRASH_LOG_MESSAGE, createLogger } from './logger'

/** How long a crashing process gives its sockets to hear 4200 before it exits anyway. */
const CRASH_CLOSE_MS = 3_000

async function main(): Promise<void> {
  let config
  try {
    const env = process.argv.includes('--realtime-only') ? { ...process.env, REALTIME_ONLY: 'true' } : process.env
    config = loadConfig(env)
  } catch (err) {
    if (err instanceof ConfigError) {
      console.error(err.message)
      process.exit(2)
    }
    throw err
  }
  const log = createLogger(config.logLevel)
  let server: ParleyServer | null = null
  exitOnUncaughtErrors(log, () => server)
  server = await startServer(config, log)
  const started = server

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    started.close().then(
      () => process.exit(0),
      (err: unknown) => {
        log.error({ err }, 'shutdown failed')
        process.exit(1)
      },
    )
  }
  process.on('SIGINT', () => stop('SIGINT'))
  process.on('SIGTERM', () => stop('SIGTERM'))
  // Last: whoever waits for this line may signal at once, and the handlers must be there by then
  // (a SIGTERM between the two once killed the process outright, under load).
  console.log(`Parley server listening on ${started.url}`)
}

/**
 * The last line of defence. No request may ever reach it — every parse of
 * client input answers with an error where it happens, and the hostile suites
 * fail when this line shows up in a server's log — but should a bug throw
 * outside any handler, the process logs it, lets its sockets hear "reconnect
 * elsewhere" (4200) for a moment, and exits non-zero: a process in an unknown
 * state should not go on serving, and a supervisor (systemd, a container
 * runtime) starts a clean one.
 */
function exitOnUncaughtErrors(log: Logger, server: () => ParleyServer | null): void {
  let crashing = false
  const crash = (kind: 'uncaughtException' | 'unhandledRejection', err: unknown): void => {
    if (crashing) return
    crashing = true
    log.fatal({ err, kind }, CRASH_LOG_MESSAGE)
    const exit = setTimeout(() => process.exit(1), CRASH_CLOSE_MS)
    exit.unref()
    const running = server()
    if (running === null) return process.exit(1)
    void running
      .close()
      .catch(() => undefined)
      .then(() => process.exit(1))
  }
  process.on('uncaughtException', (err) => crash('uncaughtException', err))
  process.on('unhandledRejection', (reason) => crash('unhandledRejection', reason))
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
