/**
 * Search on PostgreSQL (search-rows.ts). Terms with three letters or digits
 * in a row are compared folded — lower case, accents removed
 * (`parley_search_fold`, migration 0009), as SQLite's trigram index folds
 * them: `fold(body) LIKE '%' || fold(term) || '%'`, which pg_trgm's GIN
 * index on fold(body) serves (the term is escaped for LIKE after folding:
 * unaccent turns some characters into `%`, `_` or `\`). The others are
 * `strpos(lower(body), lower(term)) > 0` filters, accents kept as SQLite's
 * LIKE keeps them (a pattern without trigrams would make pg_trgm read its
 * whole index).
 *
 * Left to itself the planner answers "the newest 20 matches" one of two
 * ways, and which one depends on the statistics' guess of how common the
 * terms are: the trigram index's every match, then sorted — fast for a rare
 * term, seconds for a common one (every match is a heap row to recheck);
 * or the newest messages backwards until 20 match — fast for a common term,
 * the caller's whole history for a rare one. Its guess is often 10× off, and
 * the same query flipped between 40 ms and 1.5 s from one ANALYZE to the
 * next. So the store decides, in up to three steps, each exact when it
 * answers:
 *
 * 1. The caller's newest RECENT_SCAN messages (of those searched, before
 *    the cursor). A full page among them — a common term — or no more
 *    messages than that to search: the answer.
 * 2. The index, capped: at most CANDIDATE_CAP matches of the indexed terms
 *    (in any conversation), then the caller's filter and the sort. Fewer
 *    than the cap — a rare term: every match, so the answer.
 * 3. A term common elsewhere but rare in the caller's recent messages: the
 *    index, uncapped.
 *
 * Steps 2 and 3 run with sequential and plain index scans off for their
 * transaction, so the planner has no way but the trigram index's bitmap.
 */
import { sql, type Kysely, type RawBuilder, type Transaction } from 'kysely'
import type { Database } from './schema'
import { allOf, inScope, searchable, SHORT_TERM_SCAN, type PositionedRow } from './search-sql'
import type { MessageSearch, SearchPosition } from './store'

/** Step 1: the caller's newest messages read first (a term in one of 100 of them fills a page). */
export const RECENT_SCAN = 2_000
/** Step 2: matches of the indexed terms read before the index is taken for too common to read whole. */
export const CANDIDATE_CAP = 2_000

/** Whether pg_trgm makes a trigram of `term` inside `%…%`: three letters or digits in a row. */
export const hasTrigram = (term: string): boolean => /[\p{L}\p{N}]{3}/u.test(term)

/** The term folded, then escaped for LIKE (in SQL: what folding makes of it is known only there). */
const foldedPattern = (term: string): RawBuilder<unknown> =>
  sql`'%' || replace(replace(replace(parley_search_fold(CAST(${term} AS text)), '\\', '\\\\'), '%', '\\%'), '_', '\\_') || '%'`
const like = (column: string, term: string): RawBuilder<unknown> => sql`parley_search_fold(${sql.ref(column)}) LIKE ${foldedPattern(term)} ESCAPE '\\'`
/** Case-insensitive only: short terms keep their accents, as on SQLite and in the desktop cache (shared/search/terms.ts). */
const contains = (column: string, term: string): RawBuilder<unknown> =>
  sql`strpos(lower(${sql.ref(column)}), lower(CAST(${term} AS text))) > 0`

const olderThan = (alias: string, before: SearchPosition): RawBuilder<unknown> =>
  sql`(${sql.ref(`${alias}.created_at`)}, ${sql.ref(`${alias}.id`)}) < (${before.key}, ${before.id})`

const newestFirst = (alias: string): RawBuilder<unknown> => sql`${sql.ref(`${alias}.created_at`)} DESC, ${sql.ref(`${alias}.id`)} DESC`

/** `limit` + 1 rows (the extra one says another page follows), newest first. */
export async function postgresRows(db: Kysely<Database>, search: MessageSearch, terms: readonly string[]): Promise<PositionedRow[]> {
  const indexed = terms.filter(hasTrigram)
  const filtered = terms.filter((term) => !hasTrigram(term))
  if (indexed.length === 0) return shortTermWindow(db, search, filtered)
  return (
    (await fromRecent(db, search, indexed, filtered)) ??
    (await fromIndex(db, search, indexed, filtered, CANDIDATE_CAP)) ??
    ((await fromIndex(db, search, indexed, filtered, null)) as PositionedRow[])
  )
}

/**
 * A page of rows and the size of the set it was cut from, in one statement:
 * the set's count on every row (one row of NULLs when the page is empty).
 */
async function pageWithCount(db: Kysely<Database> | Transaction<Database>, statement: RawBuilder<unknown>): Promise<{ rows: PositionedRow[]; count: number }> {
  const result = await (statement as RawBuilder<PositionedRow & { set_size: number | string }>).execute(db)
  const count = Number(result.rows[0]?.set_size ?? 0)
  return { rows: result.rows.filter((row) => row.id !== null).map(({ set_size: _size, ...row }) => row as PositionedRow), count }
}

/** Steps 2 and 3: the indexed terms' matches (at most `cap` + 1 of them when capped), or null when the cap was passed. */
async function fromIndex(
  db: Kysely<Database>,
  search: MessageSearch,
  indexed: readonly string[],
  filtered: readonly string[],
  cap: number | null,
): Promise<PositionedRow[] | null> {
  const matching = [...indexed.map((term) => like('c.body', term)), ...(search.before === undefined ? [] : [olderThan('c', search.before)])]
  const caller = [inScope(search), searchable(), ...filtered.map((term) => contains('m.body', term))]
  const { rows, count } = await db.transaction().execute(async (trx) => {
    await sql`SET LOCAL enable_seqscan = off`.execute(trx)
    await sql`SET LOCAL enable_indexscan = off`.execute(trx)
    return pageWithCount(
      trx,
      sql`
        WITH candidates AS MATERIALIZED (
          SELECT c.* FROM messages c WHERE ${allOf(matching)} ${cap === null ? sql`` : sql`LIMIT ${cap + 1}`}
        ),
        page AS (
          SELECT m.* FROM candidates m WHERE ${allOf(caller)} ORDER BY ${newestFirst('m')} LIMIT ${search.limit + 1}
        )
        SELECT p.*, t.set_size FROM (SELECT count(*) AS set_size FROM candidates) t LEFT JOIN page p ON true
        ORDER BY ${newestFirst('p')}`,
    )
  })
  return cap !== null && count > cap ? null : rows
}

/** Step 1: the caller's newest messages; null when they hold less than a page and there are older ones. */
async function fromRecent(
  db: Kysely<Database>,
  search: MessageSearch,
  indexed: readonly string[],
  filtered: readonly string[],
): Promise<PositionedRow[] | null> {
  const scope = [inScope(search), searchable(), ...(search.before === undefined ? [] : [olderThan('m', search.before)])]
  const matching = [...indexed.map((term) => like('r.body', term)), ...filtered.map((term) => contains('r.body', term))]
  const { rows, count } = await pageWithCount(
    db,
    sql`
      WITH recent AS MATERIALIZED (
        SELECT m.* FROM messages m WHERE ${allOf(scope)} ORDER BY ${newestFirst('m')} LIMIT ${RECENT_SCAN}
      ),
      page AS (
        SELECT r.* FROM recent r WHERE ${allOf(matching)} ORDER BY ${newestFirst('r')} LIMIT ${search.limit + 1}
      )
      SELECT p.*, t.set_size FROM (SELECT count(*) AS set_size FROM recent) t LEFT JOIN page p ON true
      ORDER BY ${newestFirst('p')}`,
  )
  return rows.length > search.limit || count < RECENT_SCAN ? rows : null
}

/** No indexed term: the newest SHORT_TERM_SCAN messages of the conversations searched, filtered. */
async function shortTermWindow(db: Kysely<Database>, search: MessageSearch, filtered: readonly string[]): Promise<PositionedRow[]> {
  // One conversation: its (conversation_id, seq) index backwards; all of the user's: the planner picks.
  const order = search.conversationId === undefined ? newestFirst('m') : sql`m.seq DESC`
  const conditions = [...filtered.map((term) => contains('w.body', term)), ...(search.before === undefined ? [] : [olderThan('w', search.before)])]
  // System messages and tombstones count towards the window, as on SQLite (whose window is read from an index).
  const result = await sql<PositionedRow>`
    SELECT * FROM (
      SELECT m.* FROM messages m WHERE ${inScope(search)} ORDER BY ${order} LIMIT ${SHORT_TERM_SCAN}
    ) w WHERE ${searchable('w')} AND ${allOf(conditions)}
    ORDER BY ${newestFirst('w')} LIMIT ${search.limit + 1}`.execute(db)
  return result.rows
}
