import { pino, type Logger } from 'pino'

export type CoreLog = Logger

/** The core's root logger; modules take `log.child({ module })`. Never logs message bodies or tokens. */
export function createCoreLogger(level = process.env.PARLEY_LOG_LEVEL ?? 'info'): CoreLog {
  return pino({ name: 'parley-core', level })
}
