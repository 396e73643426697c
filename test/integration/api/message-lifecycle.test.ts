/**
 * Messages people can change (issue 17, docs/design.md §4.4) over real HTTP on
 * a real server with its SQLite store: edit, delete for everyone, reactions,
 * replies and mentions — every refusal (403 others' messages, 404 non-members
 * and unknown ids, 409 deleted, 400 bad input), idempotence (the same change
 * twice uses one rev), reply previews that follow the original, mention and
 * unread counts, changedAfter paging, and that a deleted message's text is
 * gone from the database file. Concurrency and realtime are in
 * message-revs.test.ts.
 */
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Conversation, Message, MessagePage } from '../../../src/shared/api'
import { errorOf, Rest, uniqueClientId, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000', CHANGE_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

async function trio(): Promise<{ a: Account; b: Account; outsider: Account; conv: Conversation }> {
  const [a, b, outsider] = (await rest.newUsers(3, 'lc')) as [Account, Account, Account]
  const conv = await rest.conversation(a, [b], 'Lifecycle')
  return { a, b, outsider, conv }
}

const lastRev = async (account: Account, id: string): Promise<number> => (await rest.conversationById(account, id)).lastRev

function expectError(reply: { status: number; json: unknown; text: string; headers: Headers }, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status)
  expect(errorOf(reply).code).toBe(code)
}

/** Direct access to the server's SQLite file (read-only), for what the api must not keep. */
function database(): Database.Database {
  return new Database(join(server.dataDir, 'parley.sqlite'), { readonly: true, fileMustExist: true })
}

describe('PATCH /api/conversations/:id/messages/:messageId (edit)', () => {
  test('the sender edits: 200 with the new body, editedAt and the next rev; the same body again uses no rev', async () => {
    const { a, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'helo')
    expect(sent.rev).toBe(1)
    const edited = await rest.edit(a, conv.id, sent.id, 'hello')
    expect(edited.status).toBe(200)
    expect(edited.json).toMatchObject({ id: sent.id, seq: 1, rev: 2, body: 'hello', deletedAt: null, createdAt: sent.createdAt })
    expect(edited.json.editedAt).toBeGreaterThanOrEqual(sent.createdAt)
    const again = await rest.edit(a, conv.id, sent.id, '  hello ')
    expect(again.status).toBe(200)
    expect(again.json).toEqual(edited.json)
    expect(await lastRev(a, conv.id)).toBe(2)
    const [stored] = await rest.allMessages(a, conv.id)
    expect(stored).toEqual(edited.json)
  })

  test("someone else's message → 403 forbidden; a non-member → 404; unknown or malformed ids → 404; nothing changes", async () => {
    const { a, b, outsider, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'mine')
    expectError(await rest.edit(b, conv.id, sent.id, 'yours now'), 403, 'forbidden')
    expectError(await rest.edit(outsider, conv.id, sent.id, 'hi'), 404, 'not_found')
    expectError(await rest.edit(a, conv.id, 'm_doesnotexist', 'hi'), 404, 'not_found')
    expectError(await rest.edit(a, conv.id, 'not%20an%20id', 'hi'), 404, 'not_found')
    expectError(await rest.edit(a, 'c_nope', sent.id, 'hi'), 404, 'not_found')
    // A message of another conversation is not found through this one.
    const elsewhere = await rest.conversation(a, [outsider], 'Elsewhere')
    expectError(await rest.edit(a, elsewhere.id, sent.id, 'hi'), 404, 'not_found')
    expect(await rest.allMessages(a, conv.id)).toEqual([sent])
  })

  test('bad bodies → 400 naming the field, never a 5xx: empty, blank, too long, NUL, lone surrogate, not a string', async () => {
    const { a, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'original')
    const path = `/api/conversations/${conv.id}/messages/${sent.id}`
    for (const body of [{ body: '' }, { body: '   ' }, { body: 'x'.repeat(4001) }, { body: 'a\u0000b' }, { body: 42 }, {}, null]) {
      const reply = await rest.call('PATCH', path, { token: a.token, body })
      expectError(reply, 400, 'bad_request')
    }
    const surrogate = await rest.call('PATCH', path, { token: a.token, raw: '{"body":"a\\ud800b"}' })
    expectError(surrogate, 400, 'bad_request')
    const notJson = await rest.call('PATCH', path, { token: a.token, raw: '{"body":' })
    expectError(notJson, 400, 'bad_request')
    expect(await rest.allMessages(a, conv.id)).toEqual([sent])
  })

  test('a deleted message cannot be edited: 409 conflict', async () => {
    const { a, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'soon gone')
    expect((await rest.deleteMessage(a, conv.id, sent.id)).status).toBe(200)
    expectError(await rest.edit(a, conv.id, sent.id, 'back'), 409, 'conflict')
  })
})

describe('DELETE /api/conversations/:id/messages/:messageId (delete for everyone)', () => {
  test('200 tombstone: body empty, deletedAt, no reactions or mentions; again → the same, no new rev', async () => {
    const { a, b, conv } = await trio()
    const sent = await rest.send(a, conv.id, `hi @${b.username}`)
    expect(sent.mentions).toEqual([b.user.id])
    expect((await rest.react(b, conv.id, sent.id, '👍')).status).toBe(200)
    const deleted = await rest.deleteMessage(a, conv.id, sent.id)
    expect(deleted.status).toBe(200)
    expect(deleted.json).toMatchObject({ id: sent.id, seq: 1, rev: 3, body: '', reactions: [], mentions: [], replyTo: null })
    expect(deleted.json.deletedAt).toEqual(expect.any(Number))
    const again = await rest.deleteMessage(a, conv.id, sent.id)
    expect(again.status).toBe(200)
    expect(again.json).toEqual(deleted.json)
    expect(await lastRev(a, conv.id)).toBe(3)
    expect(await rest.allMessages(b, conv.id)).toEqual([deleted.json])
  })

  test("someone else's message → 403; a non-member → 404; unknown id → 404", async () => {
    const { a, b, outsider, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'keep me')
    expectError(await rest.deleteMessage(b, conv.id, sent.id), 403, 'forbidden')
    expectError(await rest.deleteMessage(outsider, conv.id, sent.id), 404, 'not_found')
    expectError(await rest.deleteMessage(a, conv.id, 'm_unknown'), 404, 'not_found')
    expect(await rest.allMessages(a, conv.id)).toEqual([sent])
  })

  test('delete means gone: no text, reactions or mentions in the database, nor in the SQLite file or its WAL after a checkpoint', async () => {
    const { a, b, conv } = await trio()
    const secret = `the launch code is ${Math.random().toString(36).slice(2)}zq`
    const kept = `still here ${Math.random().toString(36).slice(2)}zq`
    const sent = await rest.send(a, conv.id, `${secret} @${b.username}`)
    await rest.send(a, conv.id, kept)
    const replying = await rest.reply(b, conv.id, 'what?', sent.id)
    expect(replying.json.replyTo?.body).toContain(secret)
    expect((await rest.react(b, conv.id, sent.id, '😮')).status).toBe(200)
    const db = database()
    try {
      // Rows and text are there before…
      expect(db.prepare('SELECT body FROM messages WHERE id = ?').get(sent.id)).toEqual({ body: `${secret} @${b.username}` })
      expect(db.prepare('SELECT count(*) AS n FROM message_reactions WHERE message_id = ?').get(sent.id)).toEqual({ n: 1 })
      expect(db.prepare('SELECT count(*) AS n FROM message_mentions WHERE message_id = ?').get(sent.id)).toEqual({ n: 1 })

      expect((await rest.deleteMessage(a, conv.id, sent.id)).status).toBe(200)

      // …and gone after: a tombstone row with an empty body, no reactions, no mentions.
      expect(db.prepare('SELECT body, deleted_at IS NOT NULL AS deleted, reply_to_id FROM messages WHERE id = ?').get(sent.id)).toEqual({
        body: '',
        deleted: 1,
        reply_to_id: null,
      })
      expect(db.prepare('SELECT count(*) AS n FROM message_reactions WHERE message_id = ?').get(sent.id)).toEqual({ n: 0 })
      expect(db.prepare('SELECT count(*) AS n FROM message_mentions WHERE message_id = ?').get(sent.id)).toEqual({ n: 0 })
      expect(db.prepare("SELECT count(*) AS n FROM messages WHERE body LIKE '%launch code%'").get()).toEqual({ n: 0 })
    } finally {
      db.close()
    }
    // The reply now shows an empty, deleted preview.
    const [, , reply] = await rest.allMessages(b, conv.id)
    expect(reply?.replyTo).toEqual({ id: sent.id, seq: 1, senderId: a.user.id, body: '', deleted: true })

    // The server runs with secure_delete: after a checkpoint the text is in neither the file nor the WAL.
    const writer = new Database(join(server.dataDir, 'parley.sqlite'))
    try {
      const [checkpoint] = writer.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[]
      expect(checkpoint?.busy).toBe(0)
    } finally {
      writer.close()
    }
    const file = readFileSync(join(server.dataDir, 'parley.sqlite'))
    const wal = (() => {
      try {
        return readFileSync(join(server.dataDir, 'parley.sqlite-wal'))
      } catch {
        return Buffer.alloc(0)
      }
    })()
    expect(file.includes(kept), 'control: the text of a message not deleted is in the file').toBe(true)
    expect(file.includes(secret)).toBe(false)
    expect(wal.includes(secret)).toBe(false)
  })
})

describe('PUT/DELETE /api/conversations/:id/messages/:messageId/reactions/:emoji', () => {
  test('add and remove, each idempotent; several users under one emoji in reaction order; emoji in order of first use among those left', async () => {
    const { a, b, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'react to me')
    const thumbs = await rest.react(b, conv.id, sent.id, '👍')
    expect(thumbs.status).toBe(200)
    expect(thumbs.json).toMatchObject({ rev: 2, reactions: [{ emoji: '👍', userIds: [b.user.id] }] })
    const again = await rest.react(b, conv.id, sent.id, '👍')
    expect(again.json).toEqual(thumbs.json)
    await rest.react(a, conv.id, sent.id, '🎉')
    const both = await rest.react(a, conv.id, sent.id, '👍')
    expect(both.json).toMatchObject({
      rev: 4,
      reactions: [
        { emoji: '👍', userIds: [b.user.id, a.user.id] },
        { emoji: '🎉', userIds: [a.user.id] },
      ],
    })
    // First use counts among the reactions still there: 👍 is now a's, after 🎉.
    const removed = await rest.react(b, conv.id, sent.id, '👍', false)
    expect(removed.status).toBe(200)
    expect(removed.json).toMatchObject({
      rev: 5,
      reactions: [
        { emoji: '🎉', userIds: [a.user.id] },
        { emoji: '👍', userIds: [a.user.id] },
      ],
    })
    const removedAgain = await rest.react(b, conv.id, sent.id, '👍', false)
    expect(removedAgain.status).toBe(200)
    expect(removedAgain.json).toEqual(removed.json)
    expect(await lastRev(a, conv.id)).toBe(5)
  })

  test('the emoji is one canonical grapheme: ❤ and ❤️ are the same reaction; skin tones, flags, ZWJ sequences and keycaps are one each', async () => {
    const { a, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'emoji')
    const heart = await rest.react(a, conv.id, sent.id, '❤')
    expect(heart.json.reactions).toEqual([{ emoji: '❤️', userIds: [a.user.id] }])
    const same = await rest.react(a, conv.id, sent.id, '❤️')
    expect(same.json).toEqual(heart.json)
    for (const emoji of ['👍🏽', '🇫🇷', '👩‍💻', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿']) {
      const reply = await rest.react(a, conv.id, sent.id, emoji)
      expect(reply.status, `${emoji}: ${reply.text}`).toBe(200)
    }
    const final = await rest.react(a, conv.id, sent.id, '❤', false)
    expect(final.json.reactions.map((r) => r.emoji)).toEqual(['👍🏽', '🇫🇷', '👩‍💻', '1️⃣', '🏴󠁧󠁢󠁳󠁣󠁴󠁿'])
  })

  test('not one emoji → 400, never a 5xx: letters, two emoji, text, whitespace, bad percent-encoding, a lone surrogate, NUL, too long', async () => {
    const { a, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'no')
    const base = `/api/conversations/${conv.id}/messages/${sent.id}/reactions/`
    const segments = [
      'a',
      'ab',
      encodeURIComponent('👍👍'),
      encodeURIComponent('👍 '),
      '%20',
      encodeURIComponent('x👍'),
      '%ZZ',
      '%ED%A0%80',
      '%00',
      '%F0%9F%91',
      encodeURIComponent('👍'.repeat(40)),
      encodeURIComponent('\u200D'),
    ]
    for (const segment of segments) {
      for (const method of ['PUT', 'DELETE']) {
        const reply = await rest.call(method, base + segment, { token: a.token })
        expect(reply.status, `${method} ${segment}: ${reply.text}`).toBe(400)
        errorOf(reply)
      }
    }
    const [stored] = await rest.allMessages(a, conv.id)
    expect(stored).toEqual(sent)
  })

  test('a 21st distinct emoji → 400; more people under the 20 are fine', async () => {
    const { a, b, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'popular')
    const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂']
    expect(emoji).toHaveLength(20)
    for (const e of emoji) expect((await rest.react(a, conv.id, sent.id, e)).status).toBe(200)
    const rev = await lastRev(a, conv.id)
    expectError(await rest.react(b, conv.id, sent.id, '🤗'), 400, 'bad_request')
    expect((await rest.react(b, conv.id, sent.id, '😀')).status).toBe(200)
    expect(await lastRev(a, conv.id)).toBe(rev + 1)
  })

  test('on a deleted message → 409; a non-member → 404; unknown message → 404', async () => {
    const { a, b, outsider, conv } = await trio()
    const sent = await rest.send(a, conv.id, 'x')
    expectError(await rest.react(outsider, conv.id, sent.id, '👍'), 404, 'not_found')
    expectError(await rest.react(outsider, conv.id, sent.id, '👍', false), 404, 'not_found')
    expectError(await rest.react(b, conv.id, 'm_nothere', '👍'), 404, 'not_found')
    await rest.deleteMessage(a, conv.id, sent.id)
    expectError(await rest.react(b, conv.id, sent.id, '👍'), 409, 'conflict')
    expectError(await rest.react(b, conv.id, sent.id, '👍', false), 409, 'conflict')
  })
})

describe('replies', () => {
  test('replyToId: the reply carries a preview (first 200 characters) of the original, as it is now', async () => {
    const { a, b, conv } = await trio()
    const long = `${'🙂'.repeat(150)}${'x'.repeat(100)}`
    const original = await rest.send(a, conv.id, long)
    const reply = await rest.reply(b, conv.id, 'agreed', original.id)
    expect(reply.status).toBe(201)
    expect(reply.json.replyTo).toEqual({
      id: original.id,
      seq: 1,
      senderId: a.user.id,
      body: `${'🙂'.repeat(150)}${'x'.repeat(50)}`,
      deleted: false,
    })
    // The same clientId again: the original reply, unchanged.
    const again = await rest.post<Message>(`/api/conversations/${conv.id}/messages`, b.token, {
      clientId: reply.json.clientId,
      body: 'agreed',
      replyToId: original.id,
    })
    expect(again.status).toBe(200)
    expect(again.json).toEqual(reply.json)
  })

  test('an edit of the original shows in every reply, which gets a new rev; an edit past the preview does not', async () => {
    const { a, b, conv } = await trio()
    const original = await rest.send(a, conv.id, 'meet at 5')
    const r1 = (await rest.reply(b, conv.id, 'ok', original.id)).json
    const r2 = (await rest.reply(a, conv.id, 'see you', original.id)).json
    expect([r1.rev, r2.rev]).toEqual([2, 3])
    const edited = await rest.edit(a, conv.id, original.id, 'meet at 6')
    expect(edited.json.rev).toBe(4)
    const changes = await rest.changedAfter(b, conv.id, 3)
    expect(changes.messages.map((m) => [m.id, m.rev])).toEqual([
      [original.id, 4],
      [r1.id, 5],
      [r2.id, 6],
    ])
    expect(changes.messages.slice(1).map((m) => m.replyTo?.body)).toEqual(['meet at 6', 'meet at 6'])
    expect(await lastRev(a, conv.id)).toBe(6)

    const long = await rest.send(a, conv.id, 'y'.repeat(250))
    const r3 = (await rest.reply(b, conv.id, 'long', long.id)).json
    const tail = await rest.edit(a, conv.id, long.id, `${'y'.repeat(250)} and more`)
    expect(tail.json.rev).toBe(r3.rev + 1)
    expect(await lastRev(a, conv.id)).toBe(r3.rev + 1)
  })

  test('a deleted original: replies show an empty preview marked deleted (new rev each); a reply to it → 409', async () => {
    const { a, b, conv } = await trio()
    const original = await rest.send(a, conv.id, 'oops')
    const reply = (await rest.reply(b, conv.id, 'what?', original.id)).json
    const deleted = await rest.deleteMessage(a, conv.id, original.id)
    expect(deleted.json.rev).toBe(3)
    const [, after] = await rest.allMessages(b, conv.id)
    expect(after).toMatchObject({ id: reply.id, rev: 4, replyTo: { id: original.id, body: '', deleted: true } })
    expectError(await rest.reply(b, conv.id, 'late', original.id), 409, 'conflict')
    // A deleted reply keeps no link to what it answered.
    expect((await rest.deleteMessage(b, conv.id, reply.id)).json.replyTo).toBeNull()
  })

  test('replyToId of another conversation, unknown or malformed → 400; nothing stored', async () => {
    const { a, b, outsider, conv } = await trio()
    const elsewhere = await rest.conversation(a, [outsider], 'Other')
    const foreign = await rest.send(a, elsewhere.id, 'over there')
    expectError(await rest.reply(a, conv.id, 'x', foreign.id), 400, 'bad_request')
    expectError(await rest.reply(b, conv.id, 'x', 'm_unknownid'), 400, 'bad_request')
    expectError(await rest.reply(b, conv.id, 'x', 'not an id!'), 400, 'bad_request')
    expect(await rest.allMessages(a, conv.id)).toEqual([])
    expect((await rest.conversationById(a, conv.id)).lastRev).toBe(0)
  })
})

describe('mentions, mentionCount and unreadCount', () => {
  test('@username of members (any case) become mentions; mentionCount counts my unread ones from others; deleted messages count for neither', async () => {
    const [a, b, c, outsider] = (await rest.newUsers(4, 'mn')) as [Account, Account, Account, Account]
    const conv = await rest.conversation(a, [b, c], 'Mentions')
    const m1 = await rest.send(a, conv.id, `hey @${b.username.toUpperCase()} and @${c.username}, not @${outsider.username}`)
    expect(m1.mentions).toEqual([b.user.id, c.user.id])
    const m2 = await rest.send(a, conv.id, `@${b.username} again`)
    await rest.send(b, conv.id, `me myself @${b.username}`)
    const plain = await rest.send(a, conv.id, 'no one')

    const counts = async (account: Account) => {
      const view = await rest.conversationById(account, conv.id)
      const [listed] = (await rest.conversations(account)).filter((x) => x.id === conv.id)
      expect(listed).toMatchObject({ unreadCount: view.unreadCount, mentionCount: view.mentionCount })
      return [view.unreadCount, view.mentionCount]
    }
    expect(await counts(b)).toEqual([3, 2])
    expect(await counts(c)).toEqual([4, 1])
    expect(await counts(a)).toEqual([1, 0])

    // An edit recomputes mentions; a delete takes the message out of both counts.
    const edited = await rest.edit(a, conv.id, m2.id, 'never mind')
    expect(edited.json.mentions).toEqual([])
    expect(await counts(b)).toEqual([3, 1])
    await rest.deleteMessage(a, conv.id, m1.id)
    expect(await counts(b)).toEqual([2, 0])
    expect(await counts(c)).toEqual([3, 0])
    await rest.edit(a, conv.id, plain.id, `now @${c.username}`)
    expect(await counts(c)).toEqual([3, 1])
    // Reading past a mention clears it.
    expect((await rest.post(`/api/conversations/${conv.id}/read`, c.token, { seq: 4 })).status).toBe(200)
    expect(await counts(c)).toEqual([0, 0])
  })
})

describe('GET /api/conversations/:id/messages?changedAfter=REV', () => {
  test('ascending rev, each message once with its latest change, tombstones included, paged with hasMore', async () => {
    const { a, b, conv } = await trio()
    const sent: Message[] = []
    for (let i = 0; i < 6; i++) sent.push(await rest.send(i % 2 ? b : a, conv.id, `m${i}`))
    await rest.edit(a, conv.id, sent[0]!.id, 'm0 edited')
    await rest.react(b, conv.id, sent[2]!.id, '👀')
    await rest.deleteMessage(b, conv.id, sent[3]!.id)
    await rest.react(a, conv.id, sent[0]!.id, '✅')
    const all = await rest.changedAfter(a, conv.id, 0, 200)
    expect(all.messages).toHaveLength(6)
    const revs = all.messages.map((m) => m.rev)
    expect(revs).toEqual([...revs].sort((x, y) => x - y))
    expect(revs.at(-1)).toBe(10)
    expect(all.messages.at(-1)).toMatchObject({ id: sent[0]!.id, body: 'm0 edited', reactions: [{ emoji: '✅' }] })
    expect(all.messages.find((m) => m.id === sent[3]!.id)).toMatchObject({ body: '', deletedAt: expect.any(Number) })

    const paged = await rest.changedAfter(a, conv.id, 0, 2)
    expect(paged.pages).toBe(3)
    expect(paged.messages).toEqual(all.messages)
    const first = await rest.get<MessagePage>(`/api/conversations/${conv.id}/messages?changedAfter=0&limit=2`, a.token)
    expect(first.json.hasMore).toBe(true)
    const tail = await rest.get<MessagePage>(`/api/conversations/${conv.id}/messages?changedAfter=9`, a.token)
    expect(tail.json).toEqual({ messages: [all.messages.at(-1)], hasMore: false })
    const none = await rest.get<MessagePage>(`/api/conversations/${conv.id}/messages?changedAfter=10`, a.token)
    expect(none.json).toEqual({ messages: [], hasMore: false })
  })

  test('bad queries → 400: with after or before, negative, not a number; a non-member → 404', async () => {
    const { a, outsider, conv } = await trio()
    await rest.send(a, conv.id, 'x')
    for (const query of ['changedAfter=1&after=0', 'changedAfter=0&before=3', 'changedAfter=-1', 'changedAfter=abc', 'changedAfter=0&limit=201']) {
      expectError(await rest.get(`/api/conversations/${conv.id}/messages?${query}`, a.token), 400, 'bad_request')
    }
    expectError(await rest.get(`/api/conversations/${conv.id}/messages?changedAfter=0`, outsider.token), 404, 'not_found')
  })
})

describe('CHANGE_RATE_LIMIT (a separate server)', () => {
  test('edits, deletes and reactions share one budget per user; then 429 rate_limited', async () => {
    const limited = await startTestServer({ CHANGE_RATE_LIMIT: '3' })
    try {
      const api = new Rest(limited.url)
      const [a, b] = (await api.newUsers(2, 'rl')) as [Account, Account]
      const conv = await api.conversation(a, [b])
      const m1 = await api.send(a, conv.id, 'one', uniqueClientId())
      const m2 = await api.send(a, conv.id, 'two', uniqueClientId())
      expect((await api.edit(a, conv.id, m1.id, 'one!')).status).toBe(200)
      expect((await api.react(a, conv.id, m1.id, '👍')).status).toBe(200)
      expect((await api.deleteMessage(a, conv.id, m2.id)).status).toBe(200)
      expectError(await api.react(a, conv.id, m1.id, '👍', false), 429, 'rate_limited')
      expectError(await api.edit(a, conv.id, m1.id, 'one?'), 429, 'rate_limited')
      // Another user has a budget of their own, and sends are not counted in it.
      expect((await api.react(b, conv.id, m1.id, '👍')).status).toBe(200)
      expect((await api.send(a, conv.id, 'three', uniqueClientId())).seq).toBe(3)
    } finally {
      await limited.stop()
    }
  })
})
