/**
 * The shell's structured logger (pino, JSON lines on stdout): one child per
 * module. Never log tokens or message bodies.
 */
import { pino } from 'pino'

/** The part of a logger the shell's modules use; tests pass a recorder. */
export interface ShellLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

const root = pino({ name: 'parley-shell', level: process.env.PARLEY_LOG_LEVEL ?? 'info' })

export function shellLog(module: string): ShellLog {
  return root.child({ module })
}
