import type { Kysely } from 'kysely'

/**
 * Attachments (issue 18, docs/design.md §4.5). An upload is a row from the
 * moment its bytes are in the BlobStore; sending a message attaches it
 * (message_id, conversation_id and position set in the send's transaction).
 *
 * Each attachment has blob keys of its own — not content-addressed — so
 * deleting one deletes exactly its blobs, with no reference counting across
 * nodes. `sha256` is of the bytes served (after images are cleaned).
 *
 * `blob_deletions` is the durable list of blobs to delete: keys go in within
 * the transaction that drops their row (a delete for everyone, the sweeper),
 * or before an upload puts them (so a crash between the put and the row
 * leaves a key the sweeper deletes), and leave once the store confirmed the
 * delete. A failed delete stays and is retried.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema
    .createTable('attachments')
    .addColumn('id', 'text', (c) => c.primaryKey())
    .addColumn('uploader_id', 'text', (c) => c.notNull().references('users.id'))
    // Null until a send attaches it; messages are never removed (tombstones stay), so no cascade.
    .addColumn('message_id', 'text', (c) => c.references('messages.id'))
    .addColumn('conversation_id', 'text')
    .addColumn('position', 'integer')
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('size', 'bigint', (c) => c.notNull())
    .addColumn('mime', 'text', (c) => c.notNull())
    .addColumn('width', 'integer')
    .addColumn('height', 'integer')
    // 0/1: better-sqlite3 binds no booleans.
    .addColumn('has_thumbnail', 'integer', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull())
    .addColumn('blob_key', 'text', (c) => c.notNull().unique())
    .addColumn('thumbnail_key', 'text')
    .addColumn('thumbnail_size', 'integer')
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .execute()
  // A page's attachments in position order; also the sweeper's `message_id is null` range.
  await db.schema.createIndex('attachments_message').on('attachments').columns(['message_id', 'position']).execute()

  await db.schema
    .createTable('blob_deletions')
    .addColumn('blob_key', 'text', (c) => c.primaryKey())
    /** Not deleted before this time: an upload's key waits for its row this long. */
    .addColumn('not_before', 'bigint', (c) => c.notNull())
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .execute()
  await db.schema.createIndex('blob_deletions_due').on('blob_deletions').column('not_before').execute()
}
