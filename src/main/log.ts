/**
 * The desktop app's structured logs (pino, JSON lines): one child per shell
 * module, and the core's root logger, all on one sink. Never log tokens or
 * message bodies.
 *
 * In development the sink is stdout. A packaged app has no stdout to write
 * to — a Windows GUI app started from the Start menu has none, and pino's
 * failing write then surfaces as an uncaught exception in main (pino#1868,
 * sonic-boom#172) — so there it is a rotated file under `app.getPath('logs')`
 * (log-file.ts). index.ts picks one as soon as the profile is known; lines
 * logged before that wait in memory.
 */
import { join } from 'node:path'
import { pino, type DestinationStream } from 'pino'
import { createCoreLogger, type CoreLog } from './core/log'
import { openLogFile, type LogFileOptions } from './log-file'

/** The part of a logger the shell's modules use; tests pass a recorder. */
export interface ShellLog {
  info(obj: object, msg: string): void
  warn(obj: object, msg: string): void
  error(obj: object, msg: string): void
}

/** Lines kept while no destination is chosen yet (startup only). */
const PENDING_MAX = 1_000

class LogSink implements DestinationStream {
  private target: ((line: string) => void) | null = null
  private pending: string[] = []

  write(line: string): void {
    if (this.target !== null) this.target(line)
    else if (this.pending.length < PENDING_MAX) this.pending.push(line)
  }

  sendTo(target: (line: string) => void): void {
    this.target = target
    for (const line of this.pending.splice(0)) target(line)
  }
}

const level = process.env.PARLEY_LOG_LEVEL ?? 'info'
const sink = new LogSink()
const root = pino({ name: 'parley-shell', level }, sink)

export function shellLog(module: string): ShellLog {
  return root.child({ module })
}

/** The core's root logger, on the shell's sink. */
export function coreLog(): CoreLog {
  return createCoreLogger(level, sink)
}

/** Development: JSON lines on stdout (a closed pipe loses them rather than crashing main). */
export function logToStdout(): void {
  process.stdout.on('error', () => undefined)
  sink.sendTo((line) => {
    process.stdout.write(line)
  })
}

/** Packaged: `<directory>/<name>`, rotated; returns the file's path. */
export function logToFile(directory: string, name: string, options?: LogFileOptions): string {
  const path = join(directory, name)
  const file = openLogFile(path, options)
  sink.sendTo((line) => file.write(line))
  return path
}
