/**
 * Schema migrations by `PRAGMA user_version`. New ones go in
 * migrations/NNN-name.ts and in the list below; each runs in its own
 * transaction together with the version bump, so a crash leaves the database
 * at the previous version, never half-migrated. A database written by a newer
 * Parley is refused untouched: its outbox may hold messages not yet sent.
 */
import type { Database } from 'better-sqlite3'
import { CacheError } from './cache-error'
import * as m001 from './migrations/001-initial'
import * as m002 from './migrations/002-deferred-search-index'
import * as m003 from './migrations/003-lean-message-indexes'
import * as m004 from './migrations/004-search-tail'
import * as m005 from './migrations/005-message-changes'
import * as m006 from './migrations/006-deferred-search-forget'
import * as m007 from './migrations/007-attachments'
import * as m008 from './migrations/008-groups-and-people'
import * as m009 from './migrations/009-reply-previews'
import * as m010 from './migrations/010-unpreviewed-replies'
import * as m011 from './migrations/011-arrival-order-rows'
import * as m012 from './migrations/012-listed-unread'

export interface Migration {
  version: number
  name: string
  /** Runs with foreign keys off (a table rebuilt); they are checked before it commits (foreign_key_check). */
  withoutForeignKeys?: boolean
  up(db: Database): void
}

export const migrations: readonly Migration[] = [m001, m002, m003, m004, m005, m006, m007, m008, m009, m010, m011, m012]

export const latestVersion = migrations.length

export function schemaVersion(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}

/** Throws `cache_too_new` when the file's schema is above what this build knows. */
export function refuseNewerSchema(db: Database, path: string, known = latestVersion): void {
  const found = schemaVersion(db)
  if (found > known) {
    throw new CacheError(
      'cache_too_new',
      `The local cache ${path} was written by a newer version of Parley (schema ${found}; this version knows up to ${known}). ` +
        'Update Parley to open it; it was left unchanged.',
    )
  }
}

/** Bring the database to `latestVersion`; returns the versions applied. */
export function migrate(db: Database, path: string, list: readonly Migration[] = migrations): number[] {
  list.forEach((migration, index) => {
    if (migration.version !== index + 1) throw new Error(`Migration ${migration.name} is numbered ${migration.version}, expected ${index + 1}`)
  })
  refuseNewerSchema(db, path, list.length)
  const current = schemaVersion(db)
  const applied: number[] = []
  for (const migration of list.slice(current)) {
    // Only outside a transaction does the pragma take effect.
    const foreignKeys = db.pragma('foreign_keys', { simple: true }) as number
    if (migration.withoutForeignKeys === true) db.pragma('foreign_keys = OFF')
    try {
      db.transaction(() => {
        migration.up(db)
        if (migration.withoutForeignKeys === true && (db.pragma('foreign_key_check') as unknown[]).length > 0) {
          throw new Error('it left references to rows that do not exist')
        }
        db.pragma(`user_version = ${migration.version}`)
      }).immediate()
    } catch (err) {
      throw new CacheError('migration_failed', `Cache migration ${migration.version}-${migration.name} failed: ${String(err)}`, { cause: err })
    } finally {
      db.pragma(`foreign_keys = ${foreignKeys}`)
    }
    applied.push(migration.version)
  }
  return applied
}
