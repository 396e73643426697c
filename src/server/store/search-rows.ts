/**
 * Search over message bodies (docs/design.md §4.7): the caller's
 * conversations only (membership now, so a conversation left or removed from
 * is out), deleted and system messages never, edits by their current body
 * (the index follows every change: migration 0008).
 *
 * Every term must occur, as a substring (src/shared/search/terms.ts). How a
 * term is looked for depends on the database: search-sqlite.ts (FTS5 trigram,
 * LIKE for short terms) and search-postgres.ts (pg_trgm, in steps the store
 * chooses). A query with no term either index can serve reads a bounded
 * window, the newest SHORT_TERM_SCAN messages of the conversations searched,
 * and finds nothing older. Nothing the user types is SQL or FTS5 syntax:
 * terms are bound parameters, quoted for FTS5 and escaped for LIKE.
 */
import type { Kysely } from 'kysely'
import type { Dialect } from './dialect'
import { hydrateMessages } from './message-rows'
import type { Database } from './schema'
import { postgresRows } from './search-postgres'
import type { PositionedRow } from './search-sql'
import { sqliteRows } from './search-sqlite'
import type { MessageSearch, SearchHitRecord, SearchPosition } from './store'

export async function searchMessagesIn(
  db: Kysely<Database>,
  dialect: Dialect,
  search: MessageSearch,
): Promise<{ hits: SearchHitRecord[]; hasMore: boolean }> {
  // FTS5 strings end at NUL, PostgreSQL text cannot hold it; the api refuses it, and bodies never have it.
  const terms = [...new Set(search.terms.map((term) => term.replaceAll('\u0000', '')))].filter((term) => term.length > 0)
  if (terms.length === 0 || search.limit < 1) return { hits: [], hasMore: false }
  const rows = dialect === 'postgres' ? await postgresRows(db, search, terms) : await sqliteRows(db, search, terms)
  const page = rows.slice(0, search.limit)
  const messages = await hydrateMessages(db, page)
  return {
    hits: messages.map((message, i) => ({ message, position: positionOf(dialect, page[i] as PositionedRow) })),
    hasMore: rows.length > search.limit,
  }
}

function positionOf(dialect: Dialect, row: PositionedRow): SearchPosition {
  return { key: Number(dialect === 'postgres' ? row.created_at : row.pos), id: row.id }
}
