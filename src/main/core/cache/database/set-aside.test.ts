import BetterSqlite3 from 'better-sqlite3'
import { expect, test } from 'vitest'
import { CacheError } from './cache-error'
import { isUnreadableCacheFile } from './set-aside'

const sqliteError = (code: string) => new BetterSqlite3.SqliteError('failed', code)

test('only what the file holds counts as unreadable: never the disk, permissions, or this build', () => {
  expect(isUnreadableCacheFile(sqliteError('SQLITE_NOTADB'))).toBe(true)
  expect(isUnreadableCacheFile(sqliteError('SQLITE_CORRUPT'))).toBe(true)
  expect(isUnreadableCacheFile(new CacheError('cache_too_new', 'newer'))).toBe(true)
  expect(isUnreadableCacheFile(new CacheError('migration_failed', 'bad data', { cause: sqliteError('SQLITE_CONSTRAINT_UNIQUE') }))).toBe(true)

  for (const code of ['SQLITE_FULL', 'SQLITE_IOERR_WRITE', 'SQLITE_READONLY', 'SQLITE_CANTOPEN', 'SQLITE_BUSY']) {
    expect(isUnreadableCacheFile(sqliteError(code))).toBe(false)
    expect(isUnreadableCacheFile(new CacheError('migration_failed', code, { cause: sqliteError(code) }))).toBe(false)
  }
  expect(isUnreadableCacheFile(new CacheError('sqlite_too_old', 'old'))).toBe(false)
  expect(isUnreadableCacheFile(new Error('EACCES'))).toBe(false)
  expect(isUnreadableCacheFile(null)).toBe(false)
})
