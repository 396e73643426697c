import { sql, type Kysely } from 'kysely'
import { dialectOf } from '../dialect'
import { extensionSchema } from '../extensions'

/**
 * Search on the server (issue 23, docs/design.md §4.7): an index over message
 * bodies, built here for the messages stored so far and kept in step with
 * every insert, edit and delete afterwards.
 *
 * SQLite: `messages_search`, an FTS5 table with the trigram tokenizer (the
 * desktop cache's: case and Latin accents folded), external content — it
 * reads bodies from `messages` and keeps only the index, keyed by messages'
 * rowid. Triggers keep it in step: an edit replaces the old body's entry, a
 * delete for everyone (body '') removes it. The old body must be given to
 * FTS5's 'delete' exactly as indexed; the triggers have it as `old.body`.
 * `secure-delete` makes a delete take the text's entries out of the index
 * pages instead of adding a delete marker beside them, as the store's
 * `secure_delete` pragma does for the rows. Rowids of `messages` are never
 * reused (messages are never removed, only emptied) and VACUUM keeps them;
 * anything that rebuilt the table with new rowids would need `INSERT INTO
 * messages_search(messages_search) VALUES('rebuild')` after it.
 *
 * PostgreSQL: pg_trgm and a GIN `gin_trgm_ops` index on the body, which
 * serves `ILIKE '%term%'` for terms with three letters or digits in a row;
 * and an index on (created_at, id), the order hits come in. pg_trgm is
 * installed once per database (extensions.ts). Migration 0009 moves the
 * trigram index onto the body with accents folded.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  if (dialectOf(db) === 'postgres') await upPostgres(db)
  else await upSqlite(db)
}

async function upSqlite(db: Kysely<unknown>): Promise<void> {
  await sql`
    CREATE VIRTUAL TABLE messages_search USING fts5 (
      body, content = 'messages', content_rowid = 'rowid', columnsize = 0,
      tokenize = 'trigram case_sensitive 0 remove_diacritics 1'
    )`.execute(db)
  await sql`INSERT INTO messages_search (messages_search, rank) VALUES ('secure-delete', 1)`.execute(db)
  await sql`
    CREATE TRIGGER messages_search_insert AFTER INSERT ON messages WHEN new.body <> '' BEGIN
      INSERT INTO messages_search (rowid, body) VALUES (new.rowid, new.body);
    END`.execute(db)
  await sql`
    CREATE TRIGGER messages_search_update AFTER UPDATE OF body ON messages WHEN old.body IS NOT new.body BEGIN
      INSERT INTO messages_search (messages_search, rowid, body) SELECT 'delete', old.rowid, old.body WHERE old.body <> '';
      INSERT INTO messages_search (rowid, body) SELECT new.rowid, new.body WHERE new.body <> '';
    END`.execute(db)
  await sql`
    CREATE TRIGGER messages_search_delete AFTER DELETE ON messages WHEN old.body <> '' BEGIN
      INSERT INTO messages_search (messages_search, rowid, body) VALUES ('delete', old.rowid, old.body);
    END`.execute(db)
  // The messages stored so far ('' bodies — tombstones, system messages — make no entry).
  await sql`INSERT INTO messages_search (rowid, body) SELECT rowid, body FROM messages WHERE body <> ''`.execute(db)
}

async function upPostgres(db: Kysely<unknown>): Promise<void> {
  const schema = await extensionSchema(db, 'pg_trgm', 'search')
  await sql`CREATE INDEX messages_body_trgm ON messages USING gin (body ${sql.id(schema)}.gin_trgm_ops)`.execute(db)
  await db.schema.createIndex('messages_created').on('messages').columns(['created_at', 'id']).execute()
}
