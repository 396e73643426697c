/**
 * Search on SQLite (search-rows.ts): the FTS5 trigram index
 * `messages_search` for terms of three or more characters, LIKE with case
 * variants for shorter ones (the desktop cache's rules: src/shared/search/terms.ts),
 * and the bounded window when no term is long.
 */
import { sql, type RawBuilder } from 'kysely'
import { isShortTerm, likePatterns, quoteFts } from '../../shared/search/terms'
import type { Db } from './schema'
import { allOf, inScope, searchable, SHORT_TERM_SCAN, type PositionedRow } from './search-sql'
import type { MessageSearch } from './store'

const likeAny = (column: string, term: string): RawBuilder<unknown> =>
  sql`(${sql.join(
    likePatterns(term).map((pattern) => sql`${sql.ref(column)} LIKE ${pattern} ESCAPE '\\'`),
    sql` OR `,
  )})`

export async function sqliteRows(db: Db, search: MessageSearch, terms: readonly string[]): Promise<PositionedRow[]> {
  const long = terms.filter((term) => !isShortTerm(term))
  const short = terms.filter(isShortTerm)
  const limit = search.limit + 1
  if (long.length > 0) {
    // FTS5 hands out matching rowids in descending order: the page is read from the newest end and stops at `limit`.
    const conditions = [
      sql`messages_search MATCH ${long.map(quoteFts).join(' AND ')}`,
      ...(search.before === undefined ? [] : [sql`messages_search.rowid < ${search.before.key}`]),
      inScope(search),
      searchable(),
      ...short.map((term) => likeAny('m.body', term)),
    ]
    const result = await sql<PositionedRow>`
      SELECT messages_search.rowid AS pos, m.* FROM messages_search JOIN messages m ON m.rowid = messages_search.rowid
      WHERE ${allOf(conditions)}
      ORDER BY messages_search.rowid DESC LIMIT ${limit}`.execute(db)
    return result.rows
  }
  // The window holds rowids only (read from an index, sorted as integers); rows are read for those it keeps,
  // newest first, until the page is full.
  const window = await sqliteWindow(db, search)
  const conditions = [searchable(), ...short.map((term) => likeAny('m.body', term)), ...(search.before === undefined ? [] : [sql`w.pos < ${search.before.key}`])]
  const result = await sql<PositionedRow>`
    SELECT w.pos, m.* FROM (${window.rowids}) w JOIN messages m ON m.rowid = w.pos
    WHERE ${allOf(conditions)} ORDER BY ${window.order} LIMIT ${limit}`.execute(db)
  return result.rows
}

/**
 * The rowids of the newest SHORT_TERM_SCAN messages of the conversations
 * searched, and the order that reads them newest first without sorting
 * again. One conversation: its (conversation_id, seq) index backwards (a
 * conversation's seqs and rowids both grow with every message, so seq order
 * is rowid order). All of the user's: whichever reads less — every rowid of
 * theirs from the conversation index, then sorted; or the table from its
 * newest row back until enough of theirs turned up (about SHORT_TERM_SCAN ×
 * the table's size ÷ theirs rows). SQLite has no statistics to choose itself.
 */
async function sqliteWindow(db: Db, search: MessageSearch): Promise<{ rowids: RawBuilder<unknown>; order: RawBuilder<unknown> }> {
  if (search.conversationId !== undefined) {
    return {
      rowids: sql`SELECT m.rowid AS pos, m.seq AS seq FROM messages m WHERE ${inScope(search)} ORDER BY m.seq DESC LIMIT ${SHORT_TERM_SCAN}`,
      order: sql`w.seq DESC`,
    }
  }
  const sizes = await sql<{ theirs: number; table: number }>`
    SELECT
      (SELECT coalesce(sum(c.last_seq), 0) FROM members mb JOIN conversations c ON c.id = mb.conversation_id WHERE mb.user_id = ${search.userId}) AS theirs,
      (SELECT coalesce(max(rowid), 0) FROM messages) AS "table"`.execute(db)
  const { theirs = 0, table = 0 } = sizes.rows[0] ?? {}
  const walk = theirs * theirs > SHORT_TERM_SCAN * table
  const source = walk ? sql`messages m NOT INDEXED` : sql`messages m INDEXED BY messages_conversation_rev`
  return {
    rowids: sql`SELECT m.rowid AS pos FROM ${source} WHERE ${inScope(search)} ORDER BY m.rowid DESC LIMIT ${SHORT_TERM_SCAN}`,
    order: sql`w.pos DESC`,
  }
}
