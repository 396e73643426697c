/**
 * Pieces of the search queries both databases share (search-rows.ts).
 */
import { sql, type RawBuilder } from 'kysely'
import type { MessageRow } from './message-rows'
import type { MessageSearch } from './store'

/**
 * Messages a query without an indexed term reads: the newest of the
 * conversations searched (system messages and tombstones count).
 */
export const SHORT_TERM_SCAN = 20_000

/** A message row with its place in the order of hits (SQLite: its rowid). */
export type PositionedRow = MessageRow & { pos?: number }

/** `m` (a messages row) is in a conversation searched, and the user is a member of it. */
export function inScope(search: MessageSearch, alias = 'm'): RawBuilder<unknown> {
  const conversationId = sql.ref(`${alias}.conversation_id`)
  if (search.conversationId === undefined) {
    return sql`${conversationId} IN (SELECT conversation_id FROM members WHERE user_id = ${search.userId})`
  }
  return sql`${conversationId} = ${search.conversationId}
    AND EXISTS (SELECT 1 FROM members WHERE conversation_id = ${search.conversationId} AND user_id = ${search.userId})`
}

/** Neither a system message nor a deleted one. */
export const searchable = (alias = 'm'): RawBuilder<unknown> =>
  sql`${sql.ref(`${alias}.kind`)} = 'text' AND ${sql.ref(`${alias}.deleted_at`)} IS NULL`

export const allOf = (conditions: readonly RawBuilder<unknown>[]): RawBuilder<unknown> =>
  conditions.length === 0 ? sql`1 = 1` : sql.join(conditions, sql` AND `)

