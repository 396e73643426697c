import { pino, type DestinationStream, type Logger } from 'pino'

export type CoreLog = Logger

/**
 * The core's root logger; modules take `log.child({ module })`. Never logs
 * message bodies or tokens. JSON lines on stdout unless the host gives a
 * destination (the packaged app writes to a file: src/main/log.ts).
 */
export function createCoreLogger(level = process.env.PARLEY_LOG_LEVEL ?? 'info', destination?: DestinationStream): CoreLog {
  return destination === undefined ? pino({ name: 'parley-core', level }) : pino({ name: 'parley-core', level }, destination)
}
