import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import BetterSqlite3 from 'better-sqlite3'
import { afterEach, expect, test } from 'vitest'
import { openCache } from '../index'
import { CacheError } from './cache-error'
import { MUTE_FOREVER } from '../../../../shared/api'
import { latestVersion, migrate, migrations, type Migration } from './migrate'
import { LEGACY_MUTES_SETTING } from './migrations/008-groups-and-people'
import { rebuildMessages } from './migrations/011-arrival-order-rows'
import { conversationDto, serverMessage } from '../../../../../test/support/cache/temp-cache'
import { catchUpSearchIndex } from '../../testing'

const dirs: string[] = []
afterEach(() => dirs.splice(0).forEach((dir) => rmSync(dir, { recursive: true, force: true })))

function tempPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'parley-migrate-'))
  dirs.push(dir)
  return join(dir, 'nested', 'deeper', 'cache.sqlite')
}

function inspect(path: string, run: (db: BetterSqlite3.Database) => void): void {
  const db = new BetterSqlite3(path)
  try {
    run(db)
  } finally {
    db.close()
  }
}

/** Undo migration 012 on a raw database (back to schema 11: no listed unread counts). */
function undo012(raw: BetterSqlite3.Database): void {
  for (const column of ['listed_seq', 'listed_read_seq', 'listed_unread', 'listed_mentions']) raw.exec(`ALTER TABLE conversations DROP COLUMN ${column}`)
}

/** Undo migrations 012 and 011 on a raw database (back to schema 10: row_id the table's primary key again). */
function undo011(raw: BetterSqlite3.Database): void {
  undo012(raw)
  raw.pragma('foreign_keys = OFF')
  raw.transaction(() => {
    raw.exec('DROP INDEX messages_by_row')
    rebuildMessages(raw, (columns) => columns.replace(/pk INTEGER PRIMARY KEY,\s*row_id INTEGER NOT NULL,/, 'row_id INTEGER PRIMARY KEY,'))
  })()
}

/** Undo migrations 011 and 010 on a raw database (back to schema 9). */
function undo010(raw: BetterSqlite3.Database): void {
  undo011(raw)
  raw.exec('DROP INDEX messages_unpreviewed_replies')
}

/** Undo migrations 010 and 009 on a raw database (back to schema 8, as an older Parley left it). */
function undo009(raw: BetterSqlite3.Database): void {
  undo010(raw)
  raw.exec('ALTER TABLE messages DROP COLUMN reply_preview')
}

/** Undo migrations 009 and 008 on a raw database (for tests that go back to an older schema). */
function undo008(raw: BetterSqlite3.Database): void {
  undo009(raw)
  raw.exec(`DROP TABLE drafts; DROP TABLE blocked_users; DROP INDEX messages_system;
    ALTER TABLE messages DROP COLUMN kind; ALTER TABLE messages DROP COLUMN system_event; ALTER TABLE messages DROP COLUMN error_code;
    ALTER TABLE conversations DROP COLUMN muted_until; ALTER TABLE conversations DROP COLUMN left_at;
    ALTER TABLE conversations ADD COLUMN muted INTEGER NOT NULL DEFAULT 0 CHECK (muted IN (0, 1));
    ALTER TABLE conversation_members DROP COLUMN role;`)
}

test('a fresh cache is created (directories too) at the latest version, in WAL mode', () => {
  const path = tempPath()
  const cache = openCache({ path, me: 'me' })
  expect(cache.path).toBe(path)
  expect(existsSync(path)).toBe(true)
  const db = (cache as unknown as { db: BetterSqlite3.Database }).db
  expect(db.pragma('synchronous', { simple: true })).toBe(1)
  expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
  cache.close()
  inspect(path, (raw) => {
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal')
    const tables = raw.prepare(`SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name`).pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['conversations', 'conversation_members', 'markers', 'messages', 'messages_fts', 'outbox', 'settings', 'users']))
  })
})

test('reopening applies nothing again and keeps the data', () => {
  const path = tempPath()
  const first = openCache({ path, me: 'me' })
  first.setSetting('k', 'v')
  first.close()
  inspect(path, (raw) => expect(migrate(raw, path)).toEqual([]))
  const second = openCache({ path, me: 'me' })
  expect(second.getSetting('k')).toBe('v')
  second.close()
})

test('migrations are numbered 1, 2, 3… in the list', () => {
  expect(migrations.map((migration) => migration.version)).toEqual(Array.from({ length: latestVersion }, (_, i) => i + 1))
})

test('a database from a newer Parley is refused with a clear error and left untouched', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  inspect(path, (raw) => {
    raw.pragma('journal_mode = DELETE')
    raw.exec(`CREATE TABLE from_the_future (x); INSERT INTO from_the_future VALUES (42)`)
    raw.pragma(`user_version = ${latestVersion + 1}`)
  })
  const before = readFileSync(path)
  let error: unknown
  try {
    openCache({ path, me: 'me' })
  } catch (err) {
    error = err
  }
  expect(error).toBeInstanceOf(CacheError)
  expect(error).toMatchObject({ code: 'cache_too_new' })
  expect(String((error as Error).message)).toMatch(new RegExp(`newer version of Parley.*schema ${latestVersion + 1}.*up to ${latestVersion}`))
  expect(readFileSync(path).equals(before)).toBe(true)
  inspect(path, (raw) => {
    expect(raw.pragma('journal_mode', { simple: true })).toBe('delete')
    expect(raw.prepare('SELECT x FROM from_the_future').pluck().get()).toBe(42)
  })
})

test('a migration that fails halfway leaves the previous version and nothing of itself', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  const broken: Migration = {
    version: latestVersion + 1,
    name: 'broken',
    up(db) {
      db.exec('CREATE TABLE half_done (x)')
      db.exec('INSERT INTO no_such_table VALUES (1)')
    },
  }
  inspect(path, (raw) => {
    expect(() => migrate(raw, path, [...migrations, broken])).toThrow(CacheError)
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(raw.prepare(`SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'`).pluck().get()).toBe(0)
  })
  const cache = openCache({ path, me: 'me' })
  cache.setSetting('still', 'works')
  expect(cache.getSetting('still')).toBe('works')
  cache.close()
})

test('005 (message changes) keeps a schema-4 outbox: its rows, and ids that never go back', () => {
  const path = tempPath()
  const first = openCache({ path, me: 'me' })
  first.close()
  inspect(path, (raw) => {
    // Back to schema 4's outbox, as an older Parley left it: a message, a marker, and ids used up to 41.
    undo008(raw)
    raw.exec(`DROP TABLE message_attachments; DROP TABLE outbox_attachments; DROP TABLE attachment_files; DROP TABLE outbox; PRAGMA user_version = 4;`)
    raw.exec(`CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL CHECK (kind IN ('message', 'read', 'delivered')),
      conversation_id TEXT NOT NULL, message_row_id INTEGER UNIQUE REFERENCES messages (row_id) ON DELETE CASCADE ON UPDATE CASCADE,
      seq INTEGER, attempts INTEGER NOT NULL DEFAULT 0, next_attempt_at INTEGER NOT NULL DEFAULT 0, last_error TEXT)`)
    raw.exec(`DROP INDEX messages_mentions_me; DROP INDEX messages_deleted`)
    // And without 006: schema 4's search triggers (004-search-tail.ts) again.
    raw.exec(`DROP TRIGGER messages_fts_backlog_edit; DROP TRIGGER messages_fts_backlog_update; DROP TRIGGER messages_fts_backlog_delete; DROP TABLE messages_fts_stale;
      CREATE TRIGGER messages_fts_backlog_delete AFTER DELETE ON messages BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) SELECT 'delete', old.row_id, old.body
          WHERE old.row_id <= (SELECT above FROM messages_fts_tail) AND NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
        DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;
      END;
      CREATE TRIGGER messages_fts_backlog_update AFTER UPDATE OF row_id, body ON messages WHEN old.row_id <> new.row_id OR old.body IS NOT new.body BEGIN
        INSERT INTO messages_fts (messages_fts, rowid, body) SELECT 'delete', old.row_id, old.body
          WHERE old.row_id <= (SELECT above FROM messages_fts_tail) AND NOT EXISTS (SELECT 1 FROM messages_fts_backlog WHERE row_id = old.row_id);
        DELETE FROM messages_fts_backlog WHERE row_id = old.row_id;
        INSERT INTO messages_fts_backlog (row_id) SELECT new.row_id WHERE new.row_id <= (SELECT above FROM messages_fts_tail);
      END;`)
    for (const column of ['mentions_me', 'rev', 'edited_at', 'deleted_at', 'reply_to_seq', 'reply_to_client', 'reactions', 'mentions']) raw.exec(`ALTER TABLE messages DROP COLUMN ${column}`)
    for (const column of ['last_rev', 'server_last_rev']) raw.exec(`ALTER TABLE conversations DROP COLUMN ${column}`)
    raw.exec(`INSERT INTO messages (row_id, conversation_id, sender_id, client_id, body, created_at, state, own, mine) VALUES (7, 'c1', 'me', 'k1', 'queued', 7, 'pending', 1, 1)`)
    raw.exec(`INSERT INTO outbox (id, kind, conversation_id, message_row_id) VALUES (40, 'message', 'c1', 7)`)
    raw.exec(`INSERT INTO outbox (id, kind, conversation_id, seq) VALUES (41, 'read', 'c1', 3)`)
    raw.exec(`UPDATE sqlite_sequence SET seq = 41 WHERE name = 'outbox'`)
  })
  const cache = openCache({ path, me: 'me' })
  try {
    expect(cache.outbox().map((item) => [item.id, item.kind])).toEqual([
      [40, 'message'],
      [41, 'read'],
    ])
    cache.enqueueMarker('c1', 'delivered', 3)
    expect(cache.outbox().at(-1)?.id).toBeGreaterThan(41)
    expect(cache.ownMessage('c1', 'k1')).toMatchObject({ body: 'queued', state: 'pending', rev: null, reactions: [] })
  } finally {
    cache.close()
  }
})

test('007 (attachments) upgrades a schema-6 cache: its messages and queued sends show no files, new ones can have them', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  inspect(path, (raw) => {
    undo008(raw)
    raw.exec(`DROP TABLE message_attachments; DROP TABLE outbox_attachments; DROP TABLE attachment_files; PRAGMA user_version = 6;`)
    raw.exec(`INSERT INTO messages (row_id, conversation_id, sender_id, client_id, body, created_at, state, own, mine) VALUES (7, 'c1', 'me', 'k1', 'queued', 7, 'pending', 1, 1)`)
    raw.exec(`INSERT INTO outbox (kind, conversation_id, message_row_id) VALUES ('message', 'c1', 7)`)
  })
  const cache = openCache({ path, me: 'me' })
  try {
    expect(cache.ownMessage('c1', 'k1')).toMatchObject({ body: 'queued', state: 'pending', attachments: [] })
    expect(cache.outboxFiles('c1', 'k1')).toEqual([])
    const file = { stagedId: 'staged-new-1', path: '/p', name: 'a.txt', size: 1, mime: 'application/octet-stream', width: null, height: null }
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k2', body: '', createdAt: 8, attachments: [file] })
    expect(cache.ownMessage('c1', 'k2')?.attachments.map((a) => a.key)).toEqual(['staged-new-1'])
  } finally {
    cache.close()
  }
  inspect(path, (raw) => expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion))
})

test('008 (groups and people) upgrades a schema-7 cache: members become plain members, a local mute becomes a mute until turned off, to be sent to the server once', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  inspect(path, (raw) => {
    undo008(raw)
    raw.pragma('user_version = 7')
    raw.exec(`INSERT INTO conversations (id, kind, title, created_at, last_activity_at, muted) VALUES ('quiet', 'group', 'Quiet', 1, 1, 1), ('loud', 'direct', NULL, 1, 1, 0)`)
    raw.exec(`INSERT INTO conversation_members (conversation_id, user_id, position) VALUES ('quiet', 'me', 0), ('quiet', 'bob', 1), ('loud', 'me', 0)`)
    raw.exec(`INSERT INTO messages (row_id, conversation_id, id, seq, sender_id, client_id, body, created_at, state, rev) VALUES (5, 'quiet', 'm1', 1, 'bob', 'k1', 'old', 5, 'sent', 1)`)
  })
  const cache = openCache({ path, me: 'me' })
  try {
    expect(cache.conversation('quiet')).toMatchObject({
      members: [
        { userId: 'me', role: 'member' },
        { userId: 'bob', role: 'member' },
      ],
      mutedUntil: MUTE_FOREVER,
      leftAt: null,
    })
    expect(cache.conversation('loud')?.mutedUntil).toBeNull()
    expect(cache.getSetting(LEGACY_MUTES_SETTING)).toEqual(['quiet'])
    expect(cache.messagesInRange('quiet', 1, 1)[0]).toMatchObject({ body: 'old', kind: 'text', system: null })
    expect(cache.unreadCount('quiet')).toBe(1)
  } finally {
    cache.close()
  }
})

test('009 (reply previews) upgrades a schema-8 cache: an old reply keeps its cached original, new copies carry the server preview', () => {
  const path = tempPath()
  openCache({ path, me: 'me' }).close()
  inspect(path, (raw) => {
    undo009(raw)
    raw.pragma('user_version = 8')
    raw.exec(`INSERT INTO conversations (id, kind, title, created_at, last_activity_at) VALUES ('c1', 'direct', NULL, 1, 1)`)
    raw.exec(`INSERT INTO messages (row_id, conversation_id, id, seq, sender_id, client_id, body, created_at, state, rev, reply_to_seq)
      VALUES (5, 'c1', 'm1', 1, 'bob', 'k1', 'the question', 5, 'sent', 1, NULL), (6, 'c1', 'm2', 2, 'me', 'k2', 'the answer', 6, 'sent', 2, 1),
             (7, 'c1', 'm9', 9, 'me', 'k9', 'to an evicted one', 7, 'sent', 9, 3)`)
  })
  const cache = openCache({ path, me: 'me' })
  try {
    expect(cache.messageBySeq('c1', 2)?.replyTo).toEqual({ id: 'm1', seq: 1, senderId: 'bob', body: 'the question', deleted: false, key: 'bob:k1' })
    // Nothing known of the original but its seq until the server sends the reply again (not "deleted": it may not be).
    expect(cache.messageBySeq('c1', 9)?.replyTo).toEqual({ id: '', seq: 3, senderId: '', body: '', deleted: false, key: null })
    const preview = { id: 'm3', seq: 3, senderId: 'bob', body: 'an old question', deleted: false }
    cache.storeMessages([serverMessage('c1', 9, { id: 'm9', clientId: 'k9', senderId: 'me', body: 'to an evicted one', rev: 10, replyTo: preview })])
    expect(cache.messageBySeq('c1', 9)?.replyTo).toEqual({ ...preview, key: null })
  } finally {
    cache.close()
  }
  inspect(path, (raw) => expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion))
})

test('011 (arrival-order rows) upgrades a schema-10 cache: rows, queued sends, files, search and references kept; new rows appended whatever their time', async () => {
  const path = tempPath()
  const photo = { id: 'a1', name: 'a1.jpg', size: 1_000, mime: 'image/jpeg', width: 4, height: 3, hasThumbnail: true }
  const before = openCache({ path, me: 'me', backgroundIndexing: false })
  before.upsertConversations([conversationDto('c1')])
  before.storeMessages([
    serverMessage('c1', 1, { body: 'the harbour at dawn', createdAt: 30_000 }),
    serverMessage('c1', 2, { body: '周末去爬山', createdAt: 20_000, attachments: [photo] }),
    serverMessage('c1', 3, { body: 'edited later', createdAt: 40_000 }),
  ])
  catchUpSearchIndex(before)
  before.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: 'still queued', createdAt: 50_000 })
  before.close()
  inspect(path, (raw) => {
    undo011(raw)
    raw.pragma('user_version = 10')
    expect(raw.prepare("SELECT count(*) FROM pragma_table_info('messages') WHERE name = 'pk'").pluck().get()).toBe(0)
  })

  const cache = openCache({ path, me: 'me', backgroundIndexing: false })
  try {
    expect(cache.messages('c1', { limit: 10 }).map((m) => [m.body, m.state])).toEqual([
      ['the harbour at dawn', 'sent'],
      ['周末去爬山', 'sent'],
      ['edited later', 'sent'],
      ['still queued', 'pending'],
    ])
    expect(cache.messageBySeq('c1', 2)?.attachments.map((a) => a.id)).toEqual(['a1'])
    expect(cache.outbox().filter((item) => item.kind === 'message')).toHaveLength(1)
    // The search index was kept as it was (nothing to re-index), and an edit still replaces its entry.
    const found = async (query: string) => (await cache.search(query, 10)).map((hit) => `${hit.conversationId}/${hit.seq}`)
    expect(await found('harbour')).toEqual(['c1/1'])
    expect(await found('爬山')).toEqual(['c1/2'])
    cache.storeMessages([serverMessage('c1', 3, { body: 'now about lighthouses', createdAt: 40_000, rev: 30, editedAt: 41_000 })])
    catchUpSearchIndex(cache)
    expect(await found('edited')).toEqual([])
    expect(await found('lighthouse')).toEqual(['c1/3'])
    // An older message arriving now is appended to the table; its row id still sorts it by time.
    cache.storeMessages([serverMessage('c1', 4, { body: 'harbour again', createdAt: 60_000 })])
    cache.storeMessages([serverMessage('c2', 1, { body: 'an older harbour', createdAt: 10_000 })])
    catchUpSearchIndex(cache)
    expect(await found('harbour')).toEqual(['c1/4', 'c1/1', 'c2/1'])
  } finally {
    cache.close()
  }
  inspect(path, (raw) => {
    expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion)
    expect(raw.pragma('foreign_key_check')).toEqual([])
    const rows = raw.prepare<[], { pk: number; row_id: number; body: string }>('SELECT pk, row_id, body FROM messages ORDER BY pk').all()
    // Copied in row-id (time) order, then appended in the order stored.
    expect(rows.map((row) => row.body)).toEqual(['周末去爬山', 'the harbour at dawn', 'now about lighthouses', 'still queued', 'harbour again', 'an older harbour'])
    expect(rows.at(-1)?.row_id).toBeLessThan(rows[0]?.row_id as number)
    const attached = raw.prepare<[], string>("SELECT name FROM sqlite_schema WHERE tbl_name = 'messages' AND type IN ('index', 'trigger') AND sql IS NOT NULL").pluck().all()
    expect(attached).toEqual(expect.arrayContaining(['messages_by_row', 'messages_by_seq', 'messages_fts_backlog_delete', 'messages_unpreviewed_replies']))
    // The outbox's reference follows the row: deleting the message deletes its queued send.
    raw.pragma('foreign_keys = ON')
    raw.prepare("DELETE FROM messages WHERE client_id = 'k1'").run()
    expect(raw.prepare("SELECT count(*) FROM outbox WHERE kind = 'message'").pluck().get()).toBe(0)
  })
})

test('012 (listed unread counts) upgrades a schema-11 cache: counts from the cache until a listing brings the server’s', () => {
  const path = tempPath()
  const before = openCache({ path, me: 'me', backgroundIndexing: false })
  before.upsertConversations([conversationDto('c1', { lastSeq: 2 })])
  before.storeMessages([serverMessage('c1', 1, { senderId: 'bob' }), serverMessage('c1', 2, { senderId: 'bob' })])
  before.close()
  inspect(path, (raw) => {
    undo012(raw)
    raw.pragma('user_version = 11')
  })

  const cache = openCache({ path, me: 'me', backgroundIndexing: false })
  try {
    expect(cache.unreadCount('c1')).toBe(2)
    // A listing of 7 messages, 5 unread: the cache holds 2 of them, so the server's count stands.
    cache.upsertConversations([conversationDto('c1', { lastSeq: 7, unreadCount: 5 })])
    expect(cache.unreadCount('c1')).toBe(5)
  } finally {
    cache.close()
  }
  inspect(path, (raw) => expect(raw.pragma('user_version', { simple: true })).toBe(latestVersion))
})
