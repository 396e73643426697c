import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, expect, test } from 'vitest'
import { openCache } from '../index'
import { CacheError } from './cache-error'
import { latestVersion, migrate, migrations, type Migration } from './migrate'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'))
  dirs.push(dir)
  return join(dir, 'nested', 'deeper', 'cache.sqlite')
}

function inspect(path: string, run: (db: BetterSqlite3.Database) => void): void {
  const db = new BetterSqlite3(path)
  try {
    run(db)
  } finally {
    db.close()
  }
}

test('a fresh cache is created (directories too) at the latest version, in WAL mode', () => {
  const path = tempPath()
  const cache = openCache({ path, me: 'me' })
  expect(cache.path).toBe(path)
  expect(existsSync(path)).toBe(true)
  const db = (cache as unknown as { db: BetterSqlite3.Database }).db
  expect(db.pragma('synchronous', { simple: true })).toBe(1)
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  cache.close()
  inspect(path, (raw) => {
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    const tables = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['conversations', 'conversation_members', 'markers', 'messages', 'messages_fts', 'outbox', 'settings', 'users']))
  })
})

test('reopening applies nothing again and keeps the data', () => {
  const path = tempPath()
  const first = openCache({ path, me: 'me' })
  first.setSetting('k', 'v')
  first.close()
  inspect(path, (raw) => expect(migrate(raw, path)).toEqual([]))
  const second = openCache({ path, me: 'me' })
  expect(second.getSetting('k')).toBe('v')
  second.close()
})

test('migrations are numbered 1, 2, 3… in the list', () => {
  expect(migrations.map((migration) => migration.version)).toEqual(Array.from({ length: latestVersion }, (_, i) => i + 1))
})

test('a database from a newer Parley is refused with a clear error and left untouched', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  inspect(path, (raw) => {
    raw.pragma('journal_mode = DELETE')
    raw.exec(`CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES (42)`)
    raw.pragma(`user_version = ${latestVersion + 1}`)
  })
  const before = readFileSync(path)
  let error: unknown
  try {
    openCache({ path, me: 'me' })
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(CacheError)
  expect(error).toMatchObject({ code: 'cache_too_new' })
  expect(String((error as Error).message)).toMatch(new RegExp(`newer version of Parley.*schema ${latestVersion + 1}.*up to ${latestVersion}`))
  expect(readFileSync(path).equals(before)).toBe(true)
  inspect(path, (raw) => {
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(raw.prepare('SELECT x FROM from_the_future').pluck().get()).toBe(42)
  })
})

test('a migration that fails halfway leaves the previous version and nothing of itself', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  const broken: Migration = {
    version: latestVersion + 1,
    name: 'broken',
    up(db) {
      db.exec('CREATE TABLE half_done (x)')
      db.exec('INSERT INTO no_such_table VALUES (1)')
    },
  }
  inspect(path, (raw) => {
    expect(() => migrate(raw, path, [...migrations, broken])).toThrow(CacheError)
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(raw.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).pluck().get()).toBe(0)
  })
  const cache = openCache({ path, me: 'me' })
  cache.setSetting('still', 'works')
  expect(cache.getSetting('still')).toBe('works')
  cache.close()
})
