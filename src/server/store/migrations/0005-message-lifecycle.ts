import { sql, type Kysely } from 'kysely'

/**
 * Messages people can change (issue 17, docs/design.md §4.4): a second
 * per-conversation counter, `rev`, stamped on a message at every change
 * (sent, edited, deleted, reacted to); edit and delete times; the message a
 * reply answers; who a message mentions; reactions.
 *
 * Existing rows start at rev = seq and last_rev = last_seq: every message so
 * far changed exactly once (when it was sent), in seq order, so 1..last_seq is
 * a valid gapless history and a client that knows nothing (changedAfter=0)
 * gets every message once.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('conversations').addColumn('last_rev', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await sql`update conversations set last_rev = last_seq`.execute(db)

  await db.schema.alterTable('messages').addColumn('rev', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('messages').addColumn('edited_at', 'bigint').execute()
  await db.schema.alterTable('messages').addColumn('deleted_at', 'bigint').execute()
  // No foreign key: messages are never removed (a deleted one stays as a tombstone), and SQLite
  // cannot add one to an existing table.
  await db.schema.alterTable('messages').addColumn('reply_to_id', 'text').execute()
  await sql`update messages set rev = seq`.execute(db)
  // changedAfter pages walk this index; unique, so two changes can never share a rev.
  await db.schema.createIndex('messages_conversation_rev').on('messages').columns(['conversation_id', 'rev']).unique().execute()
  // The replies of a message, whose previews change when it is edited or deleted.
  await db.schema.createIndex('messages_reply_to').on('messages').column('reply_to_id').execute()

  await db.schema
    .createTable('message_mentions')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    // Copied from the message so a member's unread mentions are one index range (mentionCount).
    .addColumn('conversation_id', 'text', (c) => c.notNull())
    .addColumn('seq', 'integer', (c) => c.notNull())
    /** Order of first mention in the body. */
    .addColumn('position', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_mentions_pk', ['message_id', 'user_id'])
    .execute()
  await db.schema
    .createIndex('message_mentions_user')
    .on('message_mentions')
    .columns(['user_id', 'conversation_id', 'seq'])
    .execute()

  await db.schema
    .createTable('message_reactions')
    .addColumn('message_id', 'text', (c) => c.notNull().references('messages.id').onDelete('cascade'))
    .addColumn('emoji', 'text', (c) => c.notNull())
    .addColumn('user_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    /** The conversation's rev when the reaction was added: the order of reactions (unique per conversation). */
    .addColumn('rev', 'integer', (c) => c.notNull())
    .addPrimaryKeyConstraint('message_reactions_pk', ['message_id', 'emoji', 'user_id'])
    .execute()
}
