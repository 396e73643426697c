/**
 * `npm run server`: reads the environment, starts the server, prints one line
 * with its URL, and shuts down cleanly on SIGINT/SIGTERM.
 */
import { startServer } from './app'
import { ConfigError, loadConfig } from './config'
import { createLogger } from './logger'

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
  const server = await startServer(config, log)

  let stopping = false
  const stop = (signal: string): void => {
    if (stopping) return
    stopping = true
    log.info({ signal }, 'shutting down')
    const force = setTimeout(() => process.exit(1), 10_000)
    force.unref()
    server.close().then(
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
  console.log(`Parley server listening on ${server.url}`)
}

main().catch((err: unknown) => {
  console.error(err)
  process.exit(1)
})
