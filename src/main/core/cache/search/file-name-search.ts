/**
 * Search by attachment file name (docs/design.md §7.7): a message is a hit
 * when one of its files' names holds every term, folded as the body search
 * folds them (case and Latin accents; src/shared/search/fold.ts). A hit
 * points at the message, like a body hit.
 *
 * Names are not in the FTS5 index: a message has at most ten, there are far
 * fewer files than messages, and a name is short, so a scan of the names
 * (newest message first, grouped per message, stopped at the limit, yielding
 * like the backlog scan) costs little and keeps the index and its deferred
 * writes (migrations 002–006) as they are. Tombstones have no attachments
 * (the cache forgets them with the delete), so a deleted message never
 * matches; an own message not posted yet is found by the names in its
 * outbox rows.
 */
import type { Database, Statement } from 'better-sqlite3'
import { fold } from '../../../../shared/search/fold'

/** Messages whose names are read per statement. */
const CHUNK = 512

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

type NamesRow = [rowId: number, names: string]

export class FileNameSearch {
  private readonly sent: Statement<[number, number, number], NamesRow>
  private readonly unsent: Statement<[], NamesRow>

  constructor(reader: Database) {
    // Names never hold a newline (attachmentName strips control characters): one separates them.
    this.sent = reader
      .prepare<[number, number, number], NamesRow>(
        `SELECT message_row_id, group_concat(name, char(10)) FROM message_attachments
         WHERE message_row_id < ? AND message_row_id > ? GROUP BY message_row_id ORDER BY message_row_id DESC LIMIT ?`,
      )
      .raw(true)
    this.unsent = reader
      .prepare<[], NamesRow>(`SELECT message_row_id, group_concat(name, char(10)) FROM outbox_attachments GROUP BY message_row_id`)
      .raw(true)
  }

  /**
   * Up to `max` message rows newer than `floor` with a file name holding
   * every term, newest first, each with the first matching name.
   */
  async search(terms: readonly string[], max: number, floor: number, sliceMs: number): Promise<Map<number, string>> {
    const folded = terms.map(fold).filter((term) => term.length > 0)
    const found = new Map<number, string>()
    if (folded.length === 0 || max <= 0) return found
    const matching = (names: string): string | undefined => names.split('\n').find((name) => folded.every((term) => fold(name).includes(term)))
    for (const [rowId, names] of this.unsent.all()) {
      const name = rowId > floor ? matching(names) : undefined
      if (name !== undefined) found.set(rowId, name)
    }
    let before = Number.MAX_SAFE_INTEGER
    let sliceStart = performance.now()
    for (;;) {
      if (performance.now() - sliceStart > sliceMs) {
        await nextTurn()
        sliceStart = performance.now()
      }
      const chunk = this.sent.all(before, floor, CHUNK)
      for (const [rowId, names] of chunk) {
        const name = matching(names)
        if (name !== undefined && !found.has(rowId)) found.set(rowId, name)
      }
      if (found.size >= max || chunk.length < CHUNK) break
      before = (chunk[chunk.length - 1] as NamesRow)[0]
    }
    return new Map([...found].sort((a, b) => b[0] - a[0]).slice(0, max))
  }
}
