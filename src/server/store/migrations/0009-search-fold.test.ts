/**
 * Migration 0009 on PostgreSQL: messages stored before it are found by a
 * long term with or without accents after it; the trigram index is on the
 * folded body and serves such a query; the fold names its schemas, so a
 * connection with another search_path computes the same. On SQLite it
 * changes nothing (its index folded already: 0008).
 */
import { sql, type Kysely } from 'kysely'
import { afterEach, describe, expect, test } from 'vitest'
import { insertConversation, insertUsers, migrationDatabases, type Loose, type OpenedDatabase } from '../../../../test/helpers/migration-databases'
import { requirePostgres } from '../../../../test/kit/services'
import { searchTerms } from '../../../shared/search/terms'
import { migrateTo, migrateToLatest } from '../migrate'
import { SqlStore } from '../sql-store'

const postgresMissing = await requirePostgres('0009-search-fold: the postgres variant')

describe.each(migrationDatabases('0009'))('migration 0009 on $name', (database) => {
  let opened: OpenedDatabase | undefined
  afterEach(async () => {
    await opened?.close()
    opened = undefined
  })

  test.skipIf(database.name === 'postgres' && postgresMissing !== null)('messages stored before it are found with or without their accents', async () => {
    opened = await database.open()
    const db = opened.db as unknown as Loose
    await migrateTo(db as unknown as Kysely<unknown>, '0008-search')
    await insertUsers(db, ['ua'])
    await insertConversation(db, 'c1', ['ua'], ['Crème brûlée at the Café', 'plain cafe', 'Smørrebrød in Århus'])

    await migrateToLatest(db as unknown as Kysely<unknown>)
    const store = new SqlStore(opened.db)
    const found = async (query: string) => (await store.searchMessages({ userId: 'ua', terms: searchTerms(query), limit: 10 })).hits.map((hit) => hit.message.id)
    expect(await found('cafe')).toEqual(['c1_m2', 'c1_m1'])
    expect(await found('BRULEE creme')).toEqual(['c1_m1'])
    expect(await found('brûlée')).toEqual(['c1_m1'])
    expect(await found('arhus')).toEqual(['c1_m3'])
    // Letters that do not decompose (ø, æ, ß): PostgreSQL's unaccent folds them, SQLite's trigram index (and the
    // desktop cache's, whose fold the snippets use) keeps them — such a hit on PostgreSQL has no highlight.
    expect(await found('smorrebrod')).toEqual(database.name === 'postgres' ? ['c1_m3'] : [])
    expect(await found('smørrebrød')).toEqual(['c1_m3'])
    if (database.name === 'sqlite') return

    const index = await sql<{ def: string }>`SELECT indexdef AS def FROM pg_indexes WHERE indexname = 'messages_body_trgm'`.execute(opened.db)
    expect(index.rows[0]?.def).toMatch(/USING gin \(parley_search_fold\(body\) (public\.)?gin_trgm_ops\)/)
    // The planner can answer a folded LIKE from that index (sequential scans off: the only other way).
    const plan = await opened.db.transaction().execute(async (trx) => {
      await sql`SET LOCAL enable_seqscan = off`.execute(trx)
      return sql<{ 'QUERY PLAN': string }>`EXPLAIN SELECT id FROM messages WHERE parley_search_fold(body) LIKE '%' || parley_search_fold(${'CRÈME'}) || '%'`.execute(trx)
    })
    expect(plan.rows.map((row) => row['QUERY PLAN']).join('\n')).toContain('messages_body_trgm')
    // Whatever the caller's search_path, the fold is the same (its body names its schemas).
    const folded = await opened.db.transaction().execute(async (trx) => {
      const fn = await sql<{ schema: string }>`SELECT n.nspname AS schema FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE p.proname = 'parley_search_fold'`.execute(trx)
      const schema = fn.rows[0]?.schema ?? 'public'
      await sql`SET LOCAL search_path = pg_catalog`.execute(trx)
      return sql<{ folded: string }>`SELECT ${sql.id(schema)}.parley_search_fold(${'Ærø Crème'}) AS folded`.execute(trx)
    })
    expect(folded.rows[0]?.folded).toBe('aero creme')
  })
})
