/**
 * Migration 0005 on SQLite and PostgreSQL: conversations and messages stored
 * before it start their rev history at their seq (rev = seq, last_rev =
 * last_seq, nothing edited, deleted or replied to), the store carries on from
 * there without a gap, and changedAfter=0 returns every old message once.
 */
import type { Kysely } from 'kysely'
import { afterEach, describe, expect, test } from 'vitest'
import { migrateTo, migrateToLatest } from '../migrate'
import { SqlStore } from '../sql-store'
import { migrationDatabases, type OpenedDatabase } from '../../../../test/helpers/migration-databases'
import { requirePostgres } from '../../../../test/kit/services'

const postgresMissing = await requirePostgres('0005-message-lifecycle: the postgres variant')

const databases = migrationDatabases('0005')

describe.each(databases)('migration 0005 on $name', (database) => {
  let opened: OpenedDatabase | undefined
  afterEach(async () => {
    await opened?.close()
    opened = undefined
  })

  test.skipIf(database.name === 'postgres' && postgresMissing !== null)('old messages get rev = seq, conversations last_rev = last_seq; changes carry on from there', async () => {
    opened = await database.open()
    const { db } = opened
    const old = db as unknown as Kysely<Record<string, Record<string, unknown>>>
    await migrateTo(db as unknown as Kysely<unknown>, '0004-display-name-nfkc')
    await old
      .insertInto('users')
      .values(['ua', 'ub'].map((id) => ({ id, username: id, username_key: id, display_name: id, display_name_key: id, password_hash: 'x', created_at: 0 })))
      .execute()
    await old
      .insertInto('conversations')
      .values([
        { id: 'c1', kind: 'group', title: 't', created_by: 'ua', created_at: 0, last_seq: 3, last_activity_at: 3 },
        { id: 'c2', kind: 'group', title: 'empty', created_by: 'ua', created_at: 0, last_seq: 0, last_activity_at: 0 },
      ])
      .execute()
    await old
      .insertInto('members')
      .values(['ua', 'ub'].map((user_id, i) => ({ conversation_id: 'c1', user_id, joined_at: i, read_seq: 0, delivered_seq: 0 })))
      .execute()
    await old
      .insertInto('messages')
      .values([1, 2, 3].map((seq) => ({ id: `m${seq}`, conversation_id: 'c1', seq, sender_id: seq === 2 ? 'ub' : 'ua', client_id: `k${seq}`, body: `old ${seq}`, created_at: seq })))
      .execute()

    await migrateToLatest(db as unknown as Kysely<unknown>)

    const conversations = await db.selectFrom('conversations').select(['id', 'last_rev']).orderBy('id').execute()
    expect(conversations.map((c) => [c.id, Number(c.last_rev)])).toEqual([
      ['c1', 3],
      ['c2', 0],
    ])
    const store = new SqlStore(db)
    const page = await store.messages('c1', { changedAfter: 0, limit: 10 })
    expect(page.messages.map((m) => [m.id, m.seq, m.rev, m.editedAt, m.deletedAt, m.replyTo, m.reactions, m.mentions])).toEqual(
      [1, 2, 3].map((seq) => [`m${seq}`, seq, seq, null, null, null, [], []]),
    )
    const edited = await store.editMessage({ conversationId: 'c1', messageId: 'm2', userId: 'ub', body: 'new', mentions: ['ua'], now: 9 })
    expect(edited.message).toMatchObject({ rev: 4, body: 'new', mentions: ['ua'] })
    const sent = await store.appendMessage({ conversationId: 'c1', senderId: 'ua', clientId: 'k4', body: 'next', now: 10, replyToId: 'm1' })
    expect(sent.message).toMatchObject({ seq: 4, rev: 5, replyTo: { id: 'm1', body: 'old 1', deleted: false } })
    expect((await store.unreadCounts('c1', ['ua'])).get('ua')).toEqual({ unread: 1, mentions: 1 })
  })
})
