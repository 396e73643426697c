/**
 * Migration 0009 on PostgreSQL: messages stored before it are found by a
 * long term with or without accents after it; the trigram index is on the
 * folded body and serves such a query; the fold names its schemas, so a
 * connection with another search_path computes the same. On SQLite it
 * changes nothing (its index folded already: 0008).
 */
import { sql, type Kysely } from 'kysely'
import { afterEach, describe, expect, test } from 'vitest'
import { migrationDatabases, type OpenedDatabase } from '../../../../test/helpers/migration-databases'
import { requirePostgres } from '../../../../test/kit/services'
import { searchTerms } from '../../../shared/search/terms'
import { migrateTo, migrateToLatest } from '../migrate'
import { SqlStore } from '../sql-store'

const postgresMissing = await requirePostgres('0009-search-fold: the postgres variant')

type Loose = Kysely<Record<string, Record<string, unknown>>>

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
    await db.insertInto('users').values({ id: 'ua', username: 'ua', username_key: 'ua', display_name: 'ua', display_name_key: 'ua', password_hash: 'x', created_at: 0 }).execute()
    await db.insertInto('conversations').values({ id: 'c1', kind: 'group', title: 'c', created_by: 'ua', created_at: 0, last_seq: 3, last_rev: 3, last_activity_at: 3 }).execute()
    await db.insertInto('members').values({ conversation_id: 'c1', user_id: 'ua', joined_at: 0, read_seq: 0, delivered_seq: 0, role: 'owner' }).execute()
    const bodies = ['Crème brûlée at the Café', 'plain cafe', 'Smørrebrød in Århus']
    await db
      .insertInto('messages')
      .values(bodies.map((body, i) => ({ id: `m${i + 1}`, conversation_id: 'c1', seq: i + 1, rev: i + 1, sender_id: 'ua', client_id: `k${i + 1}`, body, created_at: i + 1 })))
      .execute()

    await migrateToLatest(db as unknown as Kysely<unknown>)
    const store = new SqlStore(opened.db)
    const found = async (query: string) => (await store.searchMessages({ userId: 'ua', terms: searchTerms(query), limit: 10 })).hits.map((hit) => hit.message.id)
    expect(await found('cafe')).toEqual(['m2', 'm1'])
    expect(await found('BRULEE creme')).toEqual(['m1'])
    expect(await found('brûlée')).toEqual(['m1'])
    expect(await found('arhus')).toEqual(['m3'])
    // Letters that do not decompose (ø, æ, ß): PostgreSQL's unaccent folds them, SQLite's trigram index (and the
    // desktop cache's, whose fold the snippets use) keeps them — such a hit on PostgreSQL has no highlight.
    expect(await found('smorrebrod')).toEqual(database.name === 'postgres' ? ['m3'] : [])
    expect(await found('smørrebrød')).toEqual(['m3'])
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
