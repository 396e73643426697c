/**
 * Migration 0004 on SQLite and PostgreSQL: display names stored before the
 * rule (issue 14) are NFKC-normalised, lose their control, bidi-formatting and
 * invisible characters, fall back to the username when nothing visible is
 * left; the search key follows; clean names are untouched. The databases are
 * brought to the schema just before 0004, the old rows go in, and
 * migrateToLatest runs 0004 (and what follows), as at a server's start.
 */
import type { Kysely } from 'kysely'
import { afterEach, describe, expect, test } from 'vitest'
import { migrateTo, migrateToLatest } from '../migrate'
import { migrationDatabases, type OpenedDatabase } from '../../../../test/helpers/migration-databases'
import { requirePostgres } from '../../../../test/kit/services'

const postgresMissing = await requirePostgres('0004-display-name-nfkc: the postgres variant')

const databases = migrationDatabases('0004')

/** [stored before, username, stored after] */
const rows: [string, string, string][] = [
  ['Alice Martin', 'alice', 'Alice Martin'],
  ['张三', 'zhang', '张三'],
  ['علی‌رضا', 'alireza', 'علی‌رضا'],
  ['👩‍💻 Dev', 'dev', '👩‍💻 Dev'],
  ['ＡＬＩＣＥ', 'fullwidth', 'ALICE'],
  ['𝐁𝐨𝐛', 'bold', 'Bob'],
  ['\u202Eecila', 'override', 'ecila'],
  ['Ma\u200Bllory', 'zwsp', 'Mallory'],
  ['Tab\there', 'tab', 'Tab here'],
  ['  Eve\u2066 \u2069 ', 'isolate', 'Eve'],
  ['\u3164', 'filler', 'filler'],
  ['\u200B\u200D', 'nothing', 'nothing'],
  ['\u2800', 'braille', 'braille'],
]

describe.each(databases)('migration 0004 on $name', (database) => {
  let opened: OpenedDatabase | undefined
  afterEach(async () => {
    await opened?.close()
    opened = undefined
  })

  test.skipIf(database.name === 'postgres' && postgresMissing !== null)('names are NFKC, cleaned of refused characters, the username when nothing is left; keys follow', async () => {
    opened = await database.open()
    const { db } = opened
    await migrateTo(db as unknown as Kysely<unknown>, '0003-members-by-user')
    await db
      .insertInto('users')
      .values(
        rows.map(([displayName, username], i) => ({
          id: `u${String(i).padStart(2, '0')}`,
          username,
          username_key: username,
          display_name: displayName,
          display_name_key: displayName.toLowerCase(),
          password_hash: 'x',
          created_at: 0,
          last_seen_at: null,
        })),
      )
      .execute()

    await migrateToLatest(db as unknown as Kysely<unknown>)

    const stored = await db.selectFrom('users').select(['username', 'display_name', 'display_name_key']).orderBy('id').execute()
    expect(stored.map((row) => [row.username, row.display_name])).toEqual(rows.map(([, username, after]) => [username, after]))
    for (const row of stored) expect(row.display_name_key).toBe(row.display_name.toLowerCase())
  })
})
