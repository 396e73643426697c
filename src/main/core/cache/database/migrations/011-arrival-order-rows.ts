/**
 * Messages are kept in the file in the order they arrive, not in time order.
 *
 * Until now `row_id` (createdAt in ms, row-keys.ts) was the table's INTEGER
 * PRIMARY KEY, so the table's B-tree was sorted by time. History arrives a
 * conversation at a time, but its times interleave with every other
 * conversation's: a weekend's 20,000 missed messages over 200 conversations,
 * stored a page per conversation, wrote each page's rows into ~100 leaves
 * spread over the weekend's part of the table — a table leaf holds a dozen
 * rows — and each transaction rewrote every leaf it touched. Measured on the
 * cache's own schema (bench/core weekend), the cache pipeline's storing took
 * 1.7–1.9 s against 0.84–0.96 s with rows appended in arrival order.
 *
 * Now the table's key is `pk`, handed out by SQLite in arrival order (a new
 * row is appended), and `row_id` keeps every role it had — FTS5's rowid
 * (content_rowid), the search backlog and tail, the outbox's and the
 * attachments' references, newest-first order for search — as an ordinary
 * column with a unique index (`messages_by_row`). The index takes the same
 * interleaved inserts, but an index entry is ~20 bytes against a row's
 * hundreds, so a page touches a few index leaves instead of a hundred table
 * leaves. Nothing refers to `pk`.
 *
 * The table is rebuilt (SQLite cannot change a primary key in place), rows
 * copied in row_id order, its indexes and triggers read from the schema and
 * made again; foreign keys are off meanwhile and checked before the commit
 * (`rebuildMessages`). The FTS5 index is untouched: its rowids are the
 * row_ids it had. One pass over the table at the first start of this
 * version: 2.3 s for 200,000 messages (docs/performance.md).
 */
import type { Database } from 'better-sqlite3'

export const version = 11
export const name = 'arrival-order-rows'
/** Rebuilding `messages` with foreign keys on would delete the outbox's and the attachments' rows with it (migrate.ts). */
export const withoutForeignKeys = true

export function up(db: Database): void {
  rebuildMessages(db, (columns) => {
    if (!/^\s*row_id INTEGER PRIMARY KEY,/m.test(columns)) throw new Error('messages.row_id is not the primary key: unexpected schema')
    return columns.replace(/^(\s*)row_id INTEGER PRIMARY KEY,/m, '$1pk INTEGER PRIMARY KEY,\n$1row_id INTEGER NOT NULL,')
  })
  db.exec(`CREATE UNIQUE INDEX messages_by_row ON messages (row_id)`)
}

/**
 * Rebuild `messages` with the column definitions `change` makes of the
 * current ones (the text between the parentheses of its CREATE TABLE),
 * keeping its rows, indexes and triggers and every reference to it — SQLite's
 * own procedure for a change ALTER TABLE cannot make: a new table, the rows
 * copied, the old one dropped and the new one renamed, then the indexes and
 * triggers made again. Inside the caller's transaction, with foreign keys off
 * (dropping the old table would otherwise delete every row that refers to
 * it); migrate.ts checks them before the commit, once `messages_by_row` is
 * there for the references to point at. Exported for the migration tests,
 * which go back to the schema before this one the same way.
 */
export function rebuildMessages(db: Database, change: (columns: string) => string): void {
  if (db.pragma('foreign_keys', { simple: true }) !== 0) throw new Error('rebuilding messages needs foreign keys off')
  const table = db.prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE type = 'table' AND name = 'messages'").get()
  if (table === undefined) throw new Error('no messages table')
  const columns = change(table.sql.slice(table.sql.indexOf('(') + 1, table.sql.lastIndexOf(')')))
  const attached = db
    .prepare<[], { sql: string }>("SELECT sql FROM sqlite_schema WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') AND sql IS NOT NULL ORDER BY type, name")
    .all()
  const kept = db
    .prepare<[], { name: string }>("SELECT name FROM pragma_table_info('messages') WHERE name <> 'pk'")
    .all()
    .map((column) => column.name)
    .join(', ')
  db.exec(`CREATE TABLE messages_rebuilt (${columns})`)
  db.exec(`INSERT INTO messages_rebuilt (${kept}) SELECT ${kept} FROM messages ORDER BY row_id`)
  db.exec('DROP TABLE messages')
  db.exec('ALTER TABLE messages_rebuilt RENAME TO messages')
  for (const { sql } of attached) db.exec(sql)
}
