import { sql, type Kysely } from 'kysely'

/**
 * Groups people can run and a server admins can run (issue 19,
 * docs/design.md §4.6).
 *
 * - members: a `role` (owner/admin/member) and the member's own `muted_until`.
 *   A removed member's row goes (the conversation is a 404 to them from then
 *   on); the system message records that they were there. Existing groups:
 *   their creator owns them (if still a member), everyone else is a member.
 * - messages: `kind` ('text'/'system') and `system` (JSON of the system event).
 * - users: `is_admin` (server administrator: invites) and `disabled_at` (an
 *   admin disabled the account: no sign-in). The earliest account of an
 *   existing server becomes its admin, as the first account of a new one does.
 * - sessions: a public `id` (the token hash is never shown), `last_used_at`
 *   and `user_agent`, for the list of signed-in devices. Existing sessions get
 *   the first 24 hex digits of their token hash as id: unique in practice,
 *   and the hash of a random 32-byte token says nothing about the token.
 * - blocks: who blocked whom.
 * - invites: single-use registration codes, stored hashed like tokens.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await db.schema.alterTable('members').addColumn('role', 'text', (c) => c.notNull().defaultTo('member')).execute()
  await db.schema.alterTable('members').addColumn('muted_until', 'bigint').execute()
  await sql`
    update members set role = 'owner'
    where exists (
      select 1 from conversations c
      where c.id = members.conversation_id and c.kind = 'group' and c.created_by = members.user_id
    )`.execute(db)

  await db.schema.alterTable('messages').addColumn('kind', 'text', (c) => c.notNull().defaultTo('text')).execute()
  await db.schema.alterTable('messages').addColumn('system', 'text').execute()

  await db.schema.alterTable('users').addColumn('is_admin', 'integer', (c) => c.notNull().defaultTo(0)).execute()
  await db.schema.alterTable('users').addColumn('disabled_at', 'bigint').execute()
  await sql`
    update users set is_admin = 1
    where id = (select id from users order by created_at, id limit 1)`.execute(db)

  await db.schema.alterTable('sessions').addColumn('id', 'text').execute()
  await db.schema.alterTable('sessions').addColumn('last_used_at', 'bigint').execute()
  await db.schema.alterTable('sessions').addColumn('user_agent', 'text', (c) => c.notNull().defaultTo('')).execute()
  await sql`update sessions set id = substr(token_hash, 1, 24), last_used_at = created_at`.execute(db)
  await db.schema.createIndex('sessions_id').on('sessions').column('id').unique().execute()

  await db.schema
    .createTable('blocks')
    .addColumn('blocker_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('blocked_id', 'text', (c) => c.notNull().references('users.id').onDelete('cascade'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addPrimaryKeyConstraint('blocks_pk', ['blocker_id', 'blocked_id'])
    .execute()
  // "Who blocked me" (presence, posting into a direct conversation).
  await db.schema.createIndex('blocks_blocked').on('blocks').columns(['blocked_id', 'blocker_id']).execute()

  await db.schema
    .createTable('invites')
    // SHA-256 of the code; the code itself is shown once, to its creator.
    .addColumn('code_hash', 'text', (c) => c.primaryKey())
    .addColumn('created_by', 'text', (c) => c.references('users.id'))
    .addColumn('created_at', 'bigint', (c) => c.notNull())
    .addColumn('expires_at', 'bigint', (c) => c.notNull())
    .addColumn('used_by', 'text', (c) => c.references('users.id'))
    .addColumn('used_at', 'bigint')
    .execute()
}
