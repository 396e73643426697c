/**
 * better-sqlite3's addon. better-sqlite3 13 ships Node-API prebuilds for
 * Linux (glibc and musl), macOS and Windows on x64 and arm64 inside its npm
 * package; Node-API is ABI-stable, so the one binary loads in Node (tests,
 * server, e2e harness) and in Electron alike — no build per Electron version.
 * The addon is loaded on the first connection; where that fails (a platform
 * without a prebuild, a package missing its binary, a binary for another
 * system) no cache can open, and the person at the screen needs to hear so
 * in words they can act on, not as a loader's stack trace.
 */
import { CacheError } from './cache-error'

/** Node's codes for an addon that is missing or could not be linked. */
const LOAD_FAILURE_CODES = new Set(['MODULE_NOT_FOUND', 'ERR_DLOPEN_FAILED'])

/** Whether `err` is the addon failing to load, rather than SQLite refusing a file. */
export function isAddonLoadFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' && LOAD_FAILURE_CODES.has(code)
}

/** The error the core reports for an addon that did not load (the cause stays attached for the log). */
export function nativeModuleUnavailable(cause: unknown): CacheError {
  return new CacheError(
    'native_module_unavailable',
    `The message cache cannot open: its SQLite module (better-sqlite3) did not load on this system ` +
      `(${process.platform}-${process.arch}). Reinstall Parley; Parley runs on Windows, macOS and Linux, on x64 and arm64.`,
    { cause },
  )
}
