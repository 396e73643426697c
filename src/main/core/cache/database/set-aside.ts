/**
 * The cache is a replica of the server: a file this build cannot read — not a
 * database, corrupt, written by a newer version, or one whose migration fails
 * on what it holds — must not keep the app from starting. It is moved aside,
 * never deleted (a newer version can still read it, unsent messages and all),
 * and a fresh cache is filled from the server by the next sync.
 *
 * What is wrong with the disk or the system rather than the file (no space,
 * no permission, an I/O error, a path that is a directory, SQLite too old)
 * is not the file's fault: moving it would only lose it. Those errors go up.
 */
import { existsSync, renameSync } from 'node:fs'
import { CacheError } from './cache-error'

/** SQLite result codes that mean the file's contents, not the disk, are the trouble. */
const CONTENT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT', 'SQLITE_CORRUPT_VTAB', 'SQLITE_CORRUPT_SEQUENCE', 'SQLITE_CORRUPT_INDEX'])
/** Codes of failures around the file, not in it: a migration that hits one of these is not the file's fault. */
const SYSTEM_CODE = /^SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED|NOMEM|PERM|AUTH)/

const codeOf = (err: unknown): string | undefined => {
  const code = (err as { code?: unknown } | null)?.code
  return typeof code === 'string' ? code : undefined
}

/** Whether opening failed because of what the file holds. */
export function isUnreadableCacheFile(err: unknown): boolean {
  if (err instanceof CacheError) {
    if (err.code === 'cache_too_new') return true
    if (err.code === 'migration_failed') return !SYSTEM_CODE.test(codeOf(err.cause) ?? '')
    return false
  }
  return CONTENT_CODES.has(codeOf(err) ?? '')
}

/**
 * Move the cache file and its -wal/-shm companions to `<path>.unreadable-<time>`;
 * returns the new path of the file.
 */
export function setAsideCacheFile(path: string, now: Date): string {
  const aside = `${path}.unreadable-${now.toISOString().replace(/[:.]/g, '-')}`
  // Companions first: a -wal left behind would be replayed into the fresh file.
  for (const suffix of ['-wal', '-shm']) if (existsSync(`${path}${suffix}`)) renameSync(`${path}${suffix}`, `${aside}${suffix}`)
  renameSync(path, aside)
  return aside
}
