/**
 * The baselines: what plain better-sqlite3 does with the same rows and no
 * cache logic — a bare table with the cache's message columns and nothing
 * beyond the primary key, optionally with an equivalent FTS5 trigram index.
 */
import BetterSqlite3, { type Database } from 'better-sqlite3'
import type { Message } from '../../src/shared/api'
import { ME } from './dataset'

/** Same pragmas as the cache (database.ts). */
export function openRawDatabase(path: string): Database {
  const db = new BetterSqlite3(path)
  db.pragma('journal_mode = WAL')
  db.pragma('synchronous = NORMAL')
  return db
}

/**
 * The cache's message columns. `primaryKey` is `row_id` for ingest; for reads
 * of one conversation `seq` can be the rowid itself, the cheapest possible
 * "latest 50".
 */
export function createRawMessages(db: Database, options: { fts: boolean; primaryKey: 'row_id' | 'seq'; indexes?: boolean }): void {
  const key = options.primaryKey
  db.exec(`CREATE TABLE raw_messages (
    ${key === 'row_id' ? 'row_id INTEGER PRIMARY KEY, seq INTEGER' : 'row_id INTEGER, seq INTEGER PRIMARY KEY'},
    conversation_id TEXT, id TEXT, sender_id TEXT, client_id TEXT, body TEXT, created_at INTEGER,
    state TEXT, error TEXT, own INTEGER, mine INTEGER)`)
  if (options.indexes) {
    // The cache's secondary indexes on messages (migrations 001 to 003), nothing else of it.
    db.exec(`CREATE UNIQUE INDEX raw_by_seq ON raw_messages (conversation_id, seq);
      CREATE UNIQUE INDEX raw_by_client ON raw_messages (conversation_id, client_id, sender_id) WHERE own = 1;
      CREATE INDEX raw_mine ON raw_messages (conversation_id, seq) WHERE mine = 1;`)
  }
  if (!options.fts) return
  // Equivalent to the cache's index: same tokenizer and options, same merge settings.
  db.exec(`CREATE VIRTUAL TABLE raw_fts USING fts5 (body, content = 'raw_messages', content_rowid = '${key}',
      tokenize = 'trigram case_sensitive 0 remove_diacritics 1', columnsize = 0);
    INSERT INTO raw_fts (raw_fts, rank) VALUES ('automerge', 16);
    INSERT INTO raw_fts (raw_fts, rank) VALUES ('crisismerge', 64);
    CREATE TRIGGER raw_fts_insert AFTER INSERT ON raw_messages BEGIN
      INSERT INTO raw_fts (rowid, body) VALUES (new.${key}, new.body);
    END;`)
}

/** Every row in ONE transaction (or one per `batch` rows), one prepared statement. */
export function insertRaw(db: Database, messages: readonly Message[], batch = messages.length): void {
  const insert = db.prepare(
    `INSERT INTO raw_messages (conversation_id, id, seq, sender_id, client_id, body, created_at, mine, state, own)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'sent', 0)`,
  )
  const insertAll = db.transaction((rows: readonly Message[]) => {
    for (const m of rows) insert.run(m.conversationId, m.id, m.seq, m.senderId, m.clientId, m.body, m.createdAt, m.senderId === ME ? 1 : 0)
  })
  for (let i = 0; i < messages.length; i += batch) insertAll(messages.slice(i, i + batch))
}
