/**
 * Migration 0006 on SQLite and PostgreSQL: messages stored before it carry
 * `attachments: []`, and uploads attach to new messages from then on.
 */
import type { Kysely } from 'kysely'
import { afterEach, describe, expect, test } from 'vitest'
import { migrateTo, migrateToLatest } from '../migrate'
import { SqlStore } from '../sql-store'
import { migrationDatabases, type OpenedDatabase } from '../../../../test/helpers/migration-databases'
import { requirePostgres } from '../../../../test/kit/services'

const postgresMissing = await requirePostgres('0006-attachments: the postgres variant')

describe.each(migrationDatabases('0006'))('migration 0006 on $name', (database) => {
  let opened: OpenedDatabase | undefined
  afterEach(async () => {
    await opened?.close()
    opened = undefined
  })

  test.skipIf(database.name === 'postgres' && postgresMissing !== null)('old messages have no attachments; new ones carry theirs', async () => {
    opened = await database.open()
    const { db } = opened
    const old = db as unknown as Kysely<Record<string, Record<string, unknown>>>
    await migrateTo(db as unknown as Kysely<unknown>, '0005-message-lifecycle')
    await old
      .insertInto('users')
      .values(['ua', 'ub'].map((id) => ({ id, username: id, username_key: id, display_name: id, display_name_key: id, password_hash: 'x', created_at: 0 })))
      .execute()
    await old
      .insertInto('conversations')
      .values({ id: 'c1', kind: 'group', title: 't', created_by: 'ua', created_at: 0, last_seq: 1, last_rev: 1, last_activity_at: 1 })
      .execute()
    await old
      .insertInto('members')
      .values(['ua', 'ub'].map((user_id, i) => ({ conversation_id: 'c1', user_id, joined_at: i, read_seq: 0, delivered_seq: 0 })))
      .execute()
    await old
      .insertInto('messages')
      .values({ id: 'm1', conversation_id: 'c1', seq: 1, rev: 1, sender_id: 'ua', client_id: 'k1', body: 'old', created_at: 1 })
      .execute()

    await migrateToLatest(db as unknown as Kysely<unknown>)

    const store = new SqlStore(db)
    expect((await store.messages('c1', { limit: 10 })).messages.map((m) => [m.id, m.attachments])).toEqual([['m1', []]])
    await store.reserveBlobKeys(['a1'], 5)
    await store.createAttachment({
      id: 'a1', uploaderId: 'ub', name: '照片.png', size: 3, mime: 'image/png', width: 2, height: 1, hasThumbnail: true,
      sha256: '00'.repeat(32), blobKey: 'a1', thumbnailKey: 'a1.thumb', thumbnailSize: 9, createdAt: 2,
    })
    const sent = await store.appendMessage({ conversationId: 'c1', senderId: 'ub', clientId: 'k2', body: '', now: 3, attachmentIds: ['a1'] })
    expect(sent.message).toMatchObject({ seq: 2, rev: 2, attachments: [{ id: 'a1', name: '照片.png', size: 3, mime: 'image/png', width: 2, height: 1, hasThumbnail: true }] })
    expect(await store.dueBlobDeletions(10, 10)).toEqual([])
  })
})
