/**
 * The packaged app's log file: JSON lines appended to `main.log`, rotated by
 * size — when the next line would take it past `maxBytes`, `main.log` becomes
 * `main.1.log` (and `main.1.log` `main.2.log`, …, the oldest dropped). Writes
 * are synchronous, so the last lines before a crash or a quit are on disk.
 * A line that cannot be written (disk full, permissions) is dropped: logging
 * never throws into the code that logs.
 */
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, renameSync, rmSync, writeSync } from 'node:fs'
import { dirname } from 'node:path'

export interface LogFileOptions {
  /** Rotate before the file grows past this. */
  maxBytes?: number
  /** How many rotated files to keep beside the current one. */
  keep?: number
}

export interface LogFile {
  write(line: string): void
  close(): void
}

export const LOG_FILE_MAX_BYTES = 5 * 1024 * 1024
export const LOG_FILES_KEPT = 3

/** `…/main.log` → `…/main.<n>.log`. */
export function rotatedLogPath(path: string, n: number): string {
  return path.replace(/(\.log)?$/, `.${n}.log`)
}

export function openLogFile(path: string, options: LogFileOptions = {}): LogFile {
  const maxBytes = options.maxBytes ?? LOG_FILE_MAX_BYTES
  const keep = options.keep ?? LOG_FILES_KEPT
  let fd: number | null = null
  let size = 0
  const open = (): number => {
    mkdirSync(dirname(path), { recursive: true })
    const opened = openSync(path, 'a', 0o600)
    fd = opened
    size = fstatSync(opened).size
    return opened
  }
  const rotate = (): number => {
    if (fd !== null) closeSync(fd)
    fd = null
    rmSync(rotatedLogPath(path, keep), { force: true })
    for (let n = keep - 1; n >= 1; n--) {
      if (existsSync(rotatedLogPath(path, n))) renameSync(rotatedLogPath(path, n), rotatedLogPath(path, n + 1))
    }
    renameSync(path, rotatedLogPath(path, 1))
    return open()
  }
  return {
    write(line) {
      try {
        const bytes = Buffer.byteLength(line)
        let target = fd ?? open()
        if (size > 0 && size + bytes > maxBytes) target = rotate()
        size += writeSync(target, line)
      } catch {
        // Nowhere left to report it: the line is lost, the app carries on.
      }
    },
    close() {
      if (fd !== null) closeSync(fd)
      fd = null
    },
  }
}
