/**
 * Opening the cache's SQLite file: pragmas, version checks, migrations.
 */
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import BetterSqlite3, { type Database } from 'better-sqlite3'
import { CacheError } from './cache-error'
import { migrate, refuseNewerSchema } from './migrate'
import { isAddonLoadFailure, nativeModuleUnavailable } from './native-addon'

/** FTS5's trigram tokenizer takes `remove_diacritics` since SQLite 3.45. */
const MIN_SQLITE: readonly [number, number] = [3, 45]

/**
 * Work SQLite does on its own, inside whichever call happens to trigger it,
 * kept small so that no call stalls the main thread (measured with 100,000
 * messages; see bench/core):
 * - An automatic checkpoint copies the whole log into the database when a
 *   commit takes it past `wal_autocheckpoint` pages. A worker thread does
 *   that shortly after writes (checkpointer.ts; the cache then raises this to
 *   WORKER_BACKSTOP_AUTOCHECKPOINT), and the search indexer runs small PASSIVE
 *   checkpoints between its steps (search-indexer.ts), so this is the backstop. Storing 100,000 messages
 *   in pages of 200 with SQLite's default of 1,000 pages, the slowest call
 *   took 42 ms of CPU time (a checkpoint); with 256 pages (1 MB), 8 ms.
 * - `journal_size_limit`: the log file is cut back to 4 MB after a checkpoint
 *   rather than keeping the size of its largest burst.
 * - `cache_size` 16 MB (default 2 MB): FTS5 segment merges and the message
 *   indexes re-read pages that a small cache has already dropped.
 * - `analysis_limit`: `PRAGMA optimize` at close (sqlite-cache.ts) samples at
 *   most this many rows per index instead of reading whole tables.
 */
export const SMALL_AUTOCHECKPOINT = 256
/** With checkpoints on a worker thread (checkpointer.ts): only if it falls behind, at 32 MB of log. */
export const WORKER_BACKSTOP_AUTOCHECKPOINT = 8192
const BOUNDED_WORK = [`wal_autocheckpoint = ${SMALL_AUTOCHECKPOINT}`, 'journal_size_limit = 4194304', 'cache_size = -16384', 'analysis_limit = 1000']

export interface OpenDatabaseOptions {
  path: string
}

export function openDatabase({ path }: OpenDatabaseOptions): Database {
  mkdirSync(dirname(path), { recursive: true })
  const db = connect(path, {})
  try {
    checkSqliteVersion(db)
    // Refuse a newer schema before touching anything (even the journal mode).
    refuseNewerSchema(db, path)
    // WAL: readers never wait for the writer, and a commit is one append to the log.
    db.pragma('journal_mode = WAL')
    // NORMAL is safe in WAL mode: a commit is durable against a crash of the app
    // (the log is in the OS's hands as soon as write() returns) and the database
    // can never be corrupted; only an OS crash or power loss can lose the last
    // few transactions before the next checkpoint's fsync. The cache is a replica
    // of the server; the outbox rows commit in the same transactions as the
    // messages they send, so such a loss rolls both back together — the user
    // sees the message gone rather than a message that silently never leaves.
    // FULL would fsync on every commit, which storing a sync page or a read
    // marker does not justify.
    db.pragma('synchronous = NORMAL')
    db.pragma('foreign_keys = ON')
    // A deleted message's text must leave the file, not linger in free pages
    // or freed cells (issue 17): SQLite overwrites what it frees with zeros.
    // Per connection; only this one writes messages.
    db.pragma('secure_delete = ON')
    for (const pragma of BOUNDED_WORK) db.pragma(pragma)
    migrate(db, path)
    return db
  } catch (err) {
    db.close()
    throw err
  }
}

/**
 * A second, read-only connection to an open cache, for search (search.ts):
 * in WAL mode it reads a snapshot of its own while the main connection writes.
 */
export function openReader({ path }: OpenDatabaseOptions): Database {
  const reader = connect(path, { readonly: true, fileMustExist: true })
  try {
    reader.pragma('cache_size = -16384')
    return reader
  } catch (err) {
    reader.close()
    throw err
  }
}

/** A connection; the first one loads better-sqlite3's addon, and its failure to load is a CacheError of its own (native-addon.ts). */
function connect(path: string, options: BetterSqlite3.Options): Database {
  try {
    return new BetterSqlite3(path, options)
  } catch (err) {
    throw isAddonLoadFailure(err) ? nativeModuleUnavailable(err) : err
  }
}

function checkSqliteVersion(db: Database): void {
  const version = db.prepare('SELECT sqlite_version()').pluck().get() as string
  const [major = 0, minor = 0] = version.split('.').map(Number)
  const [needMajor, needMinor] = MIN_SQLITE
  if (major < needMajor || (major === needMajor && minor < needMinor)) {
    throw new CacheError('sqlite_too_old', `The cache needs SQLite ${needMajor}.${needMinor} or newer; this better-sqlite3 build has ${version}.`)
  }
}
