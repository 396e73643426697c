/**
 * Search over cached message bodies (sent, pending and failed), newest first.
 * See search-query.ts for how a query becomes SQL and src/shared/search/snippet.ts
 * for the highlighted excerpt of each hit.
 *
 * The FTS5 index is written after the fact (search-indexer.ts), so a query
 * with long terms reads two disjoint sets of rows: indexed ones through
 * `messages_fts`, and the unindexed ones (the tail and `messages_fts_backlog`) directly, by
 * folding each body exactly as the index's tokenizer would (trigram-fold.ts)
 * and looking for each folded term in it. Both give the same answer for the
 * same row, so results do not depend on how far indexing has got. An edited
 * row's old entry stays in the index until the indexer deletes it
 * (database/migrations/006-deferred-search-forget.ts): index hits on a row id
 * in `messages_fts_stale` are dropped, and the row's current body, in the
 * backlog, is read directly like any unindexed row's. Short terms
 * are LIKE conditions on every row either way; a query of short terms only is
 * one LIKE scan of the whole table, newest first, run on a worker thread
 * (scan-worker.ts): for a rare term it reads every row.
 *
 * Reading unindexed rows is a scan: for a rare word with 100,000 rows still
 * waiting (the seconds after a large sync), 100–200 ms of work. So a search
 * runs on a read-only connection of its own, inside one read transaction —
 * one snapshot of the file for the index, the tail mark and the unindexed
 * rows, whatever the main connection writes or indexes meanwhile — and yields
 * to the event loop every SLICE_MS of scanning. Searches run one at a time.
 */
import type { Database, Statement } from 'better-sqlite3'
import type { SearchHit } from '../../../../shared/ipc'
import { buildSnippet, DESKTOP_SNIPPET } from '../../../../shared/search/snippet'
import { TRIGRAM } from '../../../../shared/search/terms'
import { MESSAGE_COLUMNS, messageKey, type MessageRow } from '../messages/message-row'
import { FileNameSearch } from './file-name-search'
import { ScanWorkerUnavailable, type ScanWorker } from './scan-worker'
import { TAIL_EXISTS, UnindexedRows } from './search-indexer'
import { parseSearchQuery, type SearchQuery } from './search-query'
import { TrigramFold } from './trigram-fold'

/** Statements by query shape (number of short terms and their variants); shapes repeat. */
const SHAPE_LIMIT = 64
/** Backlog rows read per query while scanning the backlog. */
export const BACKLOG_CHUNK = 512
/** Scanning unindexed rows gives the event loop a turn after this much work. */
const SLICE_MS = 8

const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve))

type BacklogRow = [rowId: number, body: string]

export class MessageSearch {
  private readonly statements = new Map<string, Statement<unknown[], MessageRow>>()
  private readonly backlogStatements = new Map<string, Statement<unknown[], BacklogRow>>()
  private readonly anyBacklog: Statement<[], number>
  private readonly byRowId: Statement<[number], MessageRow>
  private readonly unindexed: UnindexedRows
  /** Hits by attachment file name (file-name-search.ts), merged with the body hits. */
  private readonly fileNames: FileNameSearch
  /** Folding learns characters through a temporary table: on the main connection, not the read-only one. */
  private readonly fold: TrigramFold
  /** The search running (searches go one at a time: they share the reader's transaction). */
  private queue: Promise<unknown> = Promise.resolve()
  /** Scanning gives the event loop a turn after this much work (SLICE_MS; tests set 0 through testing.ts: a turn before every chunk). */
  sliceMs = SLICE_MS

  /**
   * `reader`: a read-only connection to the same file, for search alone; `db`:
   * the main connection; `scanner`: runs scans of the whole table off the main
   * thread (null: on `reader`); `holdIndexer`: keeps the search indexer from
   * starting steps while such a scan runs (SearchIndexer.hold).
   */
  constructor(
    private readonly reader: Database,
    db: Database,
    private readonly scanner: ScanWorker | null = null,
    private readonly holdIndexer: () => () => void = () => () => undefined,
  ) {
    this.anyBacklog = reader.prepare<[], number>(`SELECT EXISTS (SELECT 1 FROM messages_fts_backlog) OR ${TAIL_EXISTS}`).pluck()
    this.byRowId = reader.prepare(`SELECT ${MESSAGE_COLUMNS} FROM messages m WHERE m.row_id = ?`)
    this.unindexed = new UnindexedRows(reader)
    this.fileNames = new FileNameSearch(reader)
    this.fold = new TrigramFold(db)
  }

  search(query: string, limit: number): Promise<SearchHit[]> {
    const run = this.queue.then(() => this.searchInSnapshot(query, limit))
    this.queue = run.catch(() => undefined)
    return run
  }

  private async searchInSnapshot(query: string, limit: number): Promise<SearchHit[]> {
    const max = Math.floor(limit)
    if (!(max > 0)) return []
    const parsed = parseSearchQuery(query)
    if (parsed.terms.length === 0) return []
    const likeParams = parsed.like.flat()
    const likeGroups = parsed.like.map((patterns) => patterns.length)
    let rows: MessageRow[]
    if (parsed.match === null) {
      rows = await this.scanAll(likeGroups, [...likeParams, max])
    } else {
      this.reader.exec('BEGIN')
      try {
        rows = this.statement('fts', likeGroups).all(parsed.match, ...likeParams, max)
        if (this.anyBacklog.get() === 1) {
          // With a full page of indexed hits, only backlog rows newer than its last one can make the page.
          const floor = rows.length === max ? (rows[max - 1] as MessageRow).row_id : Number.MIN_SAFE_INTEGER
          const unindexed = await this.searchBacklog(parsed, likeGroups, likeParams, max, floor)
          if (unindexed.length > 0) rows = [...rows, ...unindexed].sort((a, b) => b.row_id - a.row_id).slice(0, max)
        }
      } finally {
        // Closed meanwhile (the cache closes the reader): the search fails with the next statement's error.
        if (this.reader.open && this.reader.inTransaction) this.reader.exec('COMMIT')
      }
    }
    const names = await this.searchFileNames(rows, parsed.terms, max)
    return rows.map((row) => ({
      conversationId: row.conversation_id,
      messageKey: messageKey(row.sender_id, row.client_id),
      seq: row.seq,
      senderId: row.sender_id,
      createdAt: row.created_at,
      // A hit by file name shows the name; a body hit its text.
      snippet: buildSnippet(names.get(row.row_id) ?? row.body, parsed.terms, DESKTOP_SNIPPET),
    }))
  }

  /**
   * Messages found by a file name join the body hits (`rows`, changed in
   * place: merged newest first, at most `max`); the names of those that
   * matched by name alone, for their snippets.
   */
  private async searchFileNames(rows: MessageRow[], terms: readonly string[], max: number): Promise<Map<number, string>> {
    const floor = rows.length === max ? (rows[max - 1] as MessageRow).row_id : Number.MIN_SAFE_INTEGER
    const byName = await this.fileNames.search(terms, max, floor, this.sliceMs)
    const bodyHits = new Set(rows.map((row) => row.row_id))
    const names = new Map<number, string>()
    for (const [rowId, name] of byName) {
      if (bodyHits.has(rowId)) continue
      const row = this.byRowId.get(rowId)
      if (row === undefined) continue
      rows.push(row)
      names.set(rowId, name)
    }
    if (names.size > 0) rows.sort((a, b) => b.row_id - a.row_id).splice(max)
    return names
  }

  /**
   * Short terms only: one LIKE statement over every row, newest first, on the
   * scan worker — or here, on the reader, when there is none or it failed.
   */
  private async scanAll(likeGroups: readonly number[], params: readonly (string | number)[]): Promise<MessageRow[]> {
    const statement = this.statement('scan', likeGroups)
    if (this.scanner?.available === true) {
      const release = this.holdIndexer()
      try {
        return await this.scanner.all<MessageRow>(statement.source, params)
      } catch (err) {
        if (!(err instanceof ScanWorkerUnavailable)) throw err
      } finally {
        release()
      }
    }
    return statement.all(...params)
  }

  /**
   * Up to `max` unindexed rows newer than `floor` that match, newest first: the
   * short terms by LIKE in SQL, the long ones as the trigram index would match
   * them — the folded body contains the folded term, and a term that folds to
   * fewer than three characters has no trigram and matches nothing. The tail
   * and the backlog table (database/migrations/004-search-tail.ts) are read separately,
   * each newest first and each up to `max`, then merged.
   */
  private async searchBacklog(
    parsed: SearchQuery,
    likeGroups: readonly number[],
    likeParams: readonly string[],
    max: number,
    floor: number,
  ): Promise<MessageRow[]> {
    const terms = this.fold.foldAll(parsed.long)
    if (terms.some((term) => [...term].length < TRIGRAM)) return []
    // The tail's lower bound as a number: as a subquery in the statement, SQLite would not use it
    // with the others for one descending range of row ids, and sorted the whole tail per chunk.
    const above = this.unindexed.tailMark()
    const tail = await this.scanUnindexed(this.backlogStatement('tail', likeGroups), terms, likeParams, max, Math.max(floor, above))
    const table = await this.scanUnindexed(this.backlogStatement('backlog', likeGroups), terms, likeParams, max, floor)
    return [...tail, ...table].sort((a, b) => b.row_id - a.row_id).slice(0, max)
  }

  private async scanUnindexed(
    statement: Statement<unknown[], BacklogRow>,
    terms: readonly string[],
    likeParams: readonly string[],
    max: number,
    floor: number,
  ): Promise<MessageRow[]> {
    const found: MessageRow[] = []
    let before = Number.MAX_SAFE_INTEGER
    let sliceStart = performance.now()
    for (;;) {
      if (performance.now() - sliceStart > this.sliceMs) {
        await nextTurn()
        sliceStart = performance.now()
      }
      const chunk = statement.all(before, floor, ...likeParams, BACKLOG_CHUNK)
      const bodies = this.fold.foldAll(chunk.map((row) => row[1]))
      for (let i = 0; i < chunk.length; i++) {
        const body = bodies[i] as string
        if (terms.every((term) => body.includes(term))) {
          const row = this.byRowId.get((chunk[i] as BacklogRow)[0])
          if (row !== undefined) found.push(row)
          if (found.length === max) return found
        }
      }
      if (chunk.length < BACKLOG_CHUNK) return found
      before = (chunk[chunk.length - 1] as BacklogRow)[0]
    }
  }

  /**
   * Unindexed rows newest first as [row_id, body] (no objects: most are read
   * only to be rejected), short terms checked by LIKE: the tail by a range of
   * the table's own row ids, the backlog table by a join.
   */
  private backlogStatement(source: 'tail' | 'backlog', likeGroups: readonly number[]): Statement<unknown[], BacklogRow> {
    const shape = `${source}:${likeGroups.join(',')}`
    let statement = this.backlogStatements.get(shape)
    if (statement === undefined) {
      // Driven by the smaller side's own row ids: the table's rowid range for the tail (its bound comes
      // in as the lower one, searchBacklog), the backlog table's for the rest — ordering by the other
      // side's id would walk every message to probe the backlog.
      const [from, id] = source === 'tail' ? ['messages m', 'm.row_id'] : ['messages_fts_backlog b JOIN messages m ON m.row_id = b.row_id', 'b.row_id']
      const where = [`${id} < ?`, `${id} > ?`, ...likeConditions(likeGroups)]
      statement = this.reader
        .prepare<unknown[], BacklogRow>(`SELECT ${id}, m.body FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${id} DESC LIMIT ?`)
        .raw(true)
      if (this.backlogStatements.size >= SHAPE_LIMIT) this.backlogStatements.clear()
      this.backlogStatements.set(shape, statement)
    }
    return statement
  }

  private statement(kind: 'fts' | 'scan', likeGroups: readonly number[]): Statement<unknown[], MessageRow> {
    const shape = `${kind}:${likeGroups.join(',')}`
    let statement = this.statements.get(shape)
    if (statement === undefined) {
      // An edited row's stale entry (006) matches its old text: not a hit (its new text is in the backlog).
      const fts = ['messages_fts MATCH ?', 'NOT EXISTS (SELECT 1 FROM messages_fts_stale s WHERE s.row_id = messages_fts.rowid)']
      const where = [...(kind === 'fts' ? fts : []), ...likeConditions(likeGroups)]
      // Row ids sort like time (row-keys.ts): newest first is rowid order, read
      // backwards from the index and stopped at the limit, never a sort of all matches.
      const [from, order] =
        kind === 'fts' ? ['messages_fts JOIN messages m ON m.row_id = messages_fts.rowid', 'messages_fts.rowid'] : ['messages m', 'm.row_id']
      statement = this.reader.prepare<unknown[], MessageRow>(
        `SELECT ${MESSAGE_COLUMNS} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY ${order} DESC LIMIT ?`,
      )
      if (this.statements.size >= SHAPE_LIMIT) this.statements.clear()
      this.statements.set(shape, statement)
    }
    return statement
  }
}

/** One condition per short term: any of its case variants, by LIKE. */
const likeConditions = (likeGroups: readonly number[]): string[] =>
  likeGroups.map((variants) => `(${Array.from({ length: variants }, () => `m.body LIKE ? ESCAPE '\\'`).join(' OR ')})`)
