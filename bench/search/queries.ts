/**
 * What the search benchmark asks, and its baseline: the same question as a
 * plain `LIKE '%term%'` scan of the same table with the same membership
 * filter, newest first, first page — what a server without a search index
 * would run. Both answers are hydrated into Messages, as the api returns them.
 */
import { sql, type Kysely } from 'kysely'
import type { Message } from '../../src/shared/api'
import type { Dialect } from '../../src/server/store/dialect'
import { hydrateMessages, type MessageRow } from '../../src/server/store/message-rows'
import type { Database } from '../../src/server/store/schema'
import { escapeLike } from '../../src/shared/search/terms'
import { RARE_WORD } from '../core/bodies'

export interface Query {
  name: string
  q: string
  /** Whether `body` holds every term (case-insensitively): for counting matches while seeding. */
  matches(body: string): boolean
}

const allOf = (terms: readonly string[]) => (body: string) => {
  const lower = body.toLowerCase()
  return terms.every((term) => lower.includes(term.toLowerCase()))
}

const query = (name: string, q: string): Query => ({ name, q, matches: allOf(q.split(' ')) })

export const QUERIES: Query[] = [
  query('rare English word', RARE_WORD),
  query('common English word', 'meeting'),
  query('Chinese, two characters', '周末'),
  query('phrase (two words)', 'project review'),
]

/** The first page (20) of messages holding every term, by a LIKE over the searcher's conversations. */
export async function likeScan(db: Kysely<Database>, dialect: Dialect, userId: string, q: string): Promise<Message[]> {
  const terms = q.split(' ')
  const patterns = terms.map((term) => `%${escapeLike(term)}%`)
  // Case-insensitive like the search: SQLite's LIKE folds ASCII; on PostgreSQL lower() on both sides
  // (ILIKE on the column would be served by the trigram index — not a scan).
  const likes =
    dialect === 'postgres'
      ? sql.join(patterns.map((pattern) => sql`lower(m.body) LIKE lower(${pattern}) ESCAPE '\\'`), sql` AND `)
      : sql.join(patterns.map((pattern) => sql`m.body LIKE ${pattern} ESCAPE '\\'`), sql` AND `)
  const order = dialect === 'postgres' ? sql`m.created_at DESC, m.id DESC` : sql`m.rowid DESC`
  const result = await sql<MessageRow>`
    SELECT m.* FROM messages m
    WHERE m.conversation_id IN (SELECT conversation_id FROM members WHERE user_id = ${userId})
      AND m.kind = 'text' AND m.deleted_at IS NULL AND ${likes}
    ORDER BY ${order} LIMIT 20`.execute(db)
  return hydrateMessages(db, result.rows)
}
