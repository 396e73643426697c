import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../dialect'
import { extensionSchema } from '../extensions'

/**
 * Search on PostgreSQL folds accents, as SQLite's trigram index does
 * (migration 0008: `remove_diacritics 1`) and the desktop cache's: "cafe"
 * finds "Café", "creme" finds "crème", whichever store the server runs on.
 *
 * - unaccent, installed once per database like pg_trgm (extensions.ts).
 * - `parley_search_fold(text)`: lower-cased, accents removed. Declared
 *   IMMUTABLE so an index can hold it: unaccent itself is only STABLE
 *   because its rules file could be edited (after such an edit, REINDEX
 *   INDEX messages_body_trgm). Its body names every schema it uses, so the
 *   caller's search_path cannot change what it computes.
 * - The trigram index moves from `body` to `parley_search_fold(body)`, which
 *   the queries search (search-postgres.ts).
 *
 * SQLite: nothing to do.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) !== 'postgres') return
  const unaccent = quoteIdent(await extensionSchema(db, 'unaccent', 'search'))
  const trigram = quoteIdent(await extensionSchema(db, 'pg_trgm', 'search'))
  const dictionary = `${unaccent}.unaccent`.replaceAll("'", "''")
  await sql
    .raw(
      `CREATE FUNCTION parley_search_fold(text) RETURNS text LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
       AS $fold$ SELECT pg_catalog.lower(${unaccent}.unaccent('${dictionary}'::pg_catalog.regdictionary, $1)) $fold$`,
    )
    .execute(db)
  await sql`DROP INDEX messages_body_trgm`.execute(db)
  await sql.raw(`CREATE INDEX messages_body_trgm ON messages USING gin (parley_search_fold(body) ${trigram}.gin_trgm_ops)`).execute(db)
}

const quoteIdent = (name: string): string => `"${name.replaceAll('"', '""')}"`
