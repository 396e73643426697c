import { pino, type Logger } from 'pino'

/** The server's structured JSON logger. Secrets and message bodies never go in at info level. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'parley-server' },
    redact: { paths: ['req.headers.authorization', 'headers.authorization', '*.secret', '*.token'], remove: true },
  })
}
