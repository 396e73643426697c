/**
 * Search over cached message bodies (sent, pending and failed), newest first.
 * See search-query.ts for how a query becomes SQL and snippet.ts for the
 * highlighted excerpt of each hit.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { SearchHit } from '../../../shared/ipc'
import { MESSAGE_COLUMNS, messageKey, type MessageRow } from './message-row'
import { parseSearchQuery } from './search-query'
import { buildSnippet } from './snippet'

/** Statements by query shape (number of short terms and their variants); shapes repeat. */
const SHAPE_LIMIT = 64

export class MessageSearch {
  private readonly statements = new Map<string, Statement<unknown[], MessageRow>>()

  constructor(private readonly db: Database) {}

  search(query: string, limit: number): SearchHit[] {
    const max = Math.floor(limit)
    if (!(max > 0)) return []
    const parsed = parseSearchQuery(query)
    if (parsed.terms.length === 0) return []
    const params: unknown[] = []
    if (parsed.match !== null) params.push(parsed.match)
    for (const patterns of parsed.like) params.push(...patterns)
    params.push(max)
    const rows = this.statement(parsed.match !== null, parsed.like.map((patterns) => patterns.length)).all(...params)
    return rows.map((row) => ({
      conversationId: row.conversation_id,
      messageKey: messageKey(row.sender_id, row.client_id),
      seq: row.seq,
      senderId: row.sender_id,
      createdAt: row.created_at,
      snippet: buildSnippet(row.body, parsed.terms),
    }))
  }

  private statement(fts: boolean, likeGroups: readonly number[]): Statement<unknown[], MessageRow> {
    const shape = `${fts ? 'fts' : 'scan'}:${likeGroups.join(',')}`
    let statement = this.statements.get(shape)
    if (statement === undefined) {
      const where: string[] = fts ? ['messages_fts MATCH ?'] : []
      for (const variants of likeGroups) {
        where.push(`(${Array.from({ length: variants }, () => `m.body LIKE ? ESCAPE '\\'`).join(' OR ')})`)
      }
      // Row ids sort like time (row-keys.ts): newest first is rowid order, read
      // backwards from the index and stopped at the limit, never a sort of all matches.
      const [from, order] = fts
        ? ['messages_fts JOIN messages m ON m.row_id = messages_fts.rowid', 'messages_fts.rowid']
        : ['messages m', 'm.row_id']
      statement = this.db.prepare<unknown[], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} DESC LIMIT ?`,
      )
      if (this.statements.size >= SHAPE_LIMIT) this.statements.clear()
      this.statements.set(shape, statement)
    }
    return statement
  }
}
