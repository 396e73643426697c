/**
 * Messages (docs/design.md §4): gapless per-conversation seq (also under 100
 * concurrent sends), trimmed 1–4,000-character bodies, idempotent clientId,
 * pagination by seq, members only, and the per-user send rate limit.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Conversation, Message, MessagePage } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { errorOf, Rest, uniqueClientId, type Account } from '../../helpers/rest'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

function post(sender: Account, conversationId: string, body: unknown) {
  return rest.post<Message>(`/api/conversations/${conversationId}/messages`, sender.token, body)
}

function page(reader: Account, conversationId: string, query = '') {
  return rest.get<MessagePage>(`/api/conversations/${conversationId}/messages${query}`, reader.token)
}

async function lastSeq(reader: Account, conversationId: string): Promise<number> {
  return (await rest.conversationById(reader, conversationId)).lastSeq
}

/** Two users and their direct conversation. */
async function pair(): Promise<{ a: Account; b: Account; conv: Conversation }> {
  const [a, b] = (await rest.newUsers(2)) as [Account, Account]
  return { a, b, conv: await rest.conversation(a, [b]) }
}

const seqs = (messages: Message[]) => messages.map((message) => message.seq)
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i)

describe('POST /api/conversations/:id/messages', () => {
  test('201 Message; seq 1, 2, 3 whoever sends; GET returns them in order', async () => {
    const { a, b, conv } = await pair()
    const before = Date.now()
    const clientId = uniqueClientId()
    const first = await post(a, conv.id, { clientId, body: 'hello' })
    expect(first.status).toBe(201)
    expect(first.json).toEqual({
      id: expect.any(String),
      conversationId: conv.id,
      seq: 1,
      rev: 1,
      senderId: a.user.id,
      clientId,
      body: 'hello',
      createdAt: expect.any(Number),
      editedAt: null,
      deletedAt: null,
      replyTo: null,
      reactions: [],
      mentions: [],
      attachments: [],
      kind: 'text',
      system: null,
    })
    expect(first.json.createdAt).toBeGreaterThanOrEqual(before)
    expect(first.json.createdAt).toBeLessThanOrEqual(Date.now())

    const second = await rest.send(b, conv.id, 'hi a')
    const third = await rest.send(a, conv.id, 'how are you?')
    expect([second.seq, third.seq]).toEqual([2, 3])
    expect(new Set([first.json.id, second.id, third.id]).size).toBe(3)

    const got = await page(b, conv.id)
    expect(got.status).toBe(200)
    expect(got.json).toEqual({ messages: [first.json, second, third], hasMore: false })
  })

  test('the body is trimmed; whitespace inside is kept', async () => {
    const { a, conv } = await pair()
    const sent = await rest.send(a, conv.id, ' \n\t  two  words\nand a line  \n ')
    expect(sent.body).toBe('two  words\nand a line')
    expect((await page(a, conv.id)).json.messages[0]?.body).toBe('two  words\nand a line')
  })

  test('4,000 characters are accepted — also 4,000 emoji (counted as characters) and 4,000 after trimming', async () => {
    const { a, conv } = await pair()
    const bodies = ['x'.repeat(4000), '😀'.repeat(4000), `   ${'ß'.repeat(4000)}   `]
    for (const body of bodies) {
      const sent = await post(a, conv.id, { clientId: uniqueClientId(), body })
      expect(sent.status).toBe(201)
      expect(sent.json.body).toBe(body.trim())
    }
    const stored = (await page(a, conv.id)).json.messages
    expect(stored.map((message) => message.body)).toEqual(bodies.map((body) => body.trim()))
  })

  test.each([
    ['empty', ''],
    ['only whitespace', ' \n\t \r\n '],
    ['4,001 characters', 'x'.repeat(4001)],
    ['4,001 emoji', '😀'.repeat(4001)],
    ['4,001 characters inside spaces', `  ${'y'.repeat(4001)}  `],
    ['200,000 characters', 'z'.repeat(200_000)],
  ])('a body that is %s → 400 and nothing stored', async (_label, body) => {
    const { a, conv } = await pair()
    await rest.send(a, conv.id, 'before')
    const reply = await post(a, conv.id, { clientId: uniqueClientId(), body })
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toEqual({ code: 'bad_request', message: expect.stringContaining('body') })
    expect(await lastSeq(a, conv.id)).toBe(1)
    expect(seqs((await page(a, conv.id)).json.messages)).toEqual([1])
  })

  test.each([
    ['empty', ''],
    ['65 characters', 'c'.repeat(65)],
    ['a space', 'has space'],
    ['a slash', 'a/b'],
    ['non-ASCII', 'clíent'],
    ['a dot', 'a.b'],
    ['a number', 42],
    ['null', null],
    ['missing', undefined],
  ])('a clientId that is %s → 400 and nothing stored', async (_label, clientId) => {
    const { a, conv } = await pair()
    const reply = await post(a, conv.id, { clientId, body: 'hello' })
    expect(reply.status).toBe(400)
    expect(errorOf(reply)).toEqual({ code: 'bad_request', message: expect.stringContaining('clientId') })
    expect(await lastSeq(a, conv.id)).toBe(0)
  })

  // BUG: JSON may carry a lone surrogate ("\ud800"); the 201 echoes it, but SQLite stores
  // the string as UTF-8 and reads back three U+FFFD, so every later read (and the
  // idempotent resend) differs from what the sender was told was stored.
  test('a body with a lone surrogate is refused (400), or stored exactly as the 201 says', async () => {
    const { a, conv } = await pair()
    const clientId = uniqueClientId()
    const sent = await rest.call<Message>('POST', `/api/conversations/${conv.id}/messages`, {
      token: a.token,
      raw: '{"clientId":"' + clientId + '","body":"broken \\ud800 text"}',
    })
    expect([201, 400]).toContain(sent.status)
    if (sent.status === 400) return
    const [stored] = (await page(a, conv.id)).json.messages
    expect(stored?.body).toBe(sent.json.body)
    const resent = await post(a, conv.id, { clientId, body: 'again' })
    expect(resent.json).toEqual(sent.json)
  })

  test('control characters inside a body are stored as sent; NUL is refused (400) and stores nothing', async () => {
    const { a, conv } = await pair()
    const refused = await post(a, conv.id, { clientId: uniqueClientId(), body: 'a\u0000b' })
    expect(refused.status).toBe(400)
    expect((await page(a, conv.id)).json.messages).toEqual([])
    const body = 'a\u0001b\u0007c\u2028d'
    expect((await rest.send(a, conv.id, body)).body).toBe(body)
    expect((await page(a, conv.id)).json.messages[0]?.body).toBe(body)
  })

  test('a clientId of 64 letters, digits, _ and - is accepted', async () => {
    const { a, conv } = await pair()
    const clientId = `${uniqueClientId()}_-`.padEnd(64, 'Z')
    const reply = await post(a, conv.id, { clientId, body: 'ok' })
    expect(reply.status).toBe(201)
    expect(reply.json.clientId).toBe(clientId)
  })
})

describe('idempotent clientId', () => {
  test('the same clientId from the same sender → 200 with the original message, even with another body; no new seq', async () => {
    const { a, b, conv } = await pair()
    const clientId = uniqueClientId()
    const original = await post(a, conv.id, { clientId, body: 'first version' })
    expect(original.status).toBe(201)
    await rest.send(b, conv.id, 'in between')

    const same = await post(a, conv.id, { clientId, body: 'first version' })
    const changed = await post(a, conv.id, { clientId, body: 'a different body' })
    for (const reply of [same, changed]) {
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual(original.json)
    }
    expect(await lastSeq(a, conv.id)).toBe(2)
    const stored = (await page(a, conv.id)).json.messages
    expect(stored.map((message) => [message.seq, message.body])).toEqual([
      [1, 'first version'],
      [2, 'in between'],
    ])
    // The next new message still gets the next seq.
    expect((await rest.send(a, conv.id, 'next')).seq).toBe(3)
  })

  test('the same clientId from a different sender is a different message', async () => {
    const { a, b, conv } = await pair()
    const clientId = uniqueClientId()
    const fromA = await post(a, conv.id, { clientId, body: 'from a' })
    const fromB = await post(b, conv.id, { clientId, body: 'from b' })
    expect([fromA.status, fromB.status]).toEqual([201, 201])
    expect(fromB.json).toMatchObject({ seq: 2, senderId: b.user.id, clientId, body: 'from b' })
    expect(fromB.json.id).not.toBe(fromA.json.id)
  })

  test('the same clientId from the same sender in another conversation is a different message', async () => {
    const [a, b, c] = (await rest.newUsers(3)) as [Account, Account, Account]
    const withB = await rest.conversation(a, [b])
    const withC = await rest.conversation(a, [c])
    const clientId = uniqueClientId()
    const one = await post(a, withB.id, { clientId, body: 'to b' })
    const two = await post(a, withC.id, { clientId, body: 'to c' })
    expect([one.status, two.status]).toEqual([201, 201])
    expect(two.json).toMatchObject({ conversationId: withC.id, seq: 1, body: 'to c' })
  })

  test('10 concurrent sends with one clientId store one message: one 201, nine 200, all the same', async () => {
    const { a, conv } = await pair()
    const clientId = uniqueClientId()
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) => post(a, conv.id, { clientId, body: `attempt ${i}` })),
    )
    expect(replies.map((reply) => reply.status).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 200, 200, 201])
    const created = replies.find((reply) => reply.status === 201)!.json
    for (const reply of replies) expect(reply.json).toEqual(created)
    expect(await lastSeq(a, conv.id)).toBe(1)
  })
})

describe('concurrency', () => {
  test('100 concurrent sends from 4 members → seqs exactly 1..100, and GET returns exactly those 100', async () => {
    const members = (await rest.newUsers(4)) as [Account, Account, Account, Account]
    const [owner, ...others] = members
    const group = await rest.conversation(owner, others, 'Busy')
    const replies = await Promise.all(
      Array.from({ length: 100 }, (_, i) => post(members[i % 4]!, group.id, { clientId: `burst-${i}`, body: `message ${i}` })),
    )
    expect(replies.filter((reply) => reply.status !== 201).map((reply) => reply.text)).toEqual([])
    const sent = replies.map((reply) => reply.json)
    expect(seqs(sent).sort((x, y) => x - y)).toEqual(range(1, 100))

    const stored = await rest.allMessages(others[0], group.id)
    expect(seqs(stored)).toEqual(range(1, 100))
    expect(stored).toEqual([...sent].sort((x, y) => x.seq - y.seq))
    const conversation = await rest.conversationById(owner, group.id)
    expect(conversation.lastSeq).toBe(100)
    expect(conversation.lastMessage).toEqual(stored[99])
    // Every member's unread count is the number of messages the others sent: 75.
    expect(conversation.unreadCount).toBe(75)
  })
})

describe('GET /api/conversations/:id/messages (pagination)', () => {
  let reader: Account
  let conv: Conversation
  let all: Message[]

  beforeAll(async () => {
    const { a, b, conv: direct } = await pair()
    reader = b
    conv = direct
    const replies = await Promise.all(
      Array.from({ length: 60 }, (_, i) => post(i % 3 === 0 ? b : a, direct.id, { clientId: `page-${i}`, body: `m${i}` })),
    )
    expect(replies.every((reply) => reply.status === 201)).toBe(true)
    all = replies.map((reply) => reply.json).sort((x, y) => x.seq - y.seq)
    expect(seqs(all)).toEqual(range(1, 60))
  })

  test.each([
    ['no cursor: the latest 50', '', range(11, 60), true],
    ['after=0: the first 50', '?after=0', range(1, 50), true],
    ['after=50: the rest', '?after=50', range(51, 60), false],
    ['after=10: exactly the 50 left', '?after=10', range(11, 60), false],
    ['after=9: 50 of the 51 left', '?after=9', range(10, 59), true],
    ['after=60: nothing newer', '?after=60', [], false],
    ['after beyond lastSeq', '?after=1000', [], false],
    ['before=11: the oldest 10', '?before=11', range(1, 10), false],
    ['before=61: the latest 50', '?before=61', range(11, 60), true],
    ['before=52: 50 of the 51 older', '?before=52', range(2, 51), true],
    ['before=51: exactly 50 left', '?before=51', range(1, 50), false],
    ['before=1: nothing older', '?before=1', [], false],
    ['before=0', '?before=0', [], false],
    ['limit=7', '?limit=7', range(54, 60), true],
    ['after=20&limit=5', '?after=20&limit=5', range(21, 25), true],
    ['before=20&limit=5', '?before=20&limit=5', range(15, 19), true],
    ['limit=1', '?limit=1', [60], true],
    ['limit=200 (the maximum)', '?limit=200', range(1, 60), false],
    ['after=0&limit=60', '?after=0&limit=60', range(1, 60), false],
  ])('%s', async (_label, query, expectedSeqs, hasMore) => {
    const reply = await page(reader, conv.id, query)
    expect(reply.status).toBe(200)
    expect(seqs(reply.json.messages)).toEqual(expectedSeqs)
    expect(reply.json.hasMore).toBe(hasMore)
    expect(reply.json.messages).toEqual(all.filter((message) => expectedSeqs.includes(message.seq)))
  })

  test('an empty conversation: no messages, hasMore false', async () => {
    const { a, conv: empty } = await pair()
    for (const query of ['', '?after=0', '?before=1']) {
      expect((await page(a, empty.id, query)).json).toEqual({ messages: [], hasMore: false })
    }
  })

  test.each([
    ['limit=201', '?limit=201'],
    ['limit=0', '?limit=0'],
    ['limit=-5', '?limit=-5'],
    ['limit=abc', '?limit=abc'],
    ['limit=1.5', '?limit=1.5'],
    ['after and before together', '?after=1&before=10'],
    ['after=abc', '?after=abc'],
    ['before=xyz', '?before=xyz'],
    ['after=-1', '?after=-1'],
    ['after=1.5', '?after=1.5'],
    ['after=1e400', '?after=1e400'],
    ['after twice', '?after=1&after=2'],
  ])('%s → 400', async (_label, query) => {
    const reply = await page(reader, conv.id, query)
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
  })
})

describe('members only', () => {
  test('a non-member gets 404 for GET and POST, and nothing is stored', async () => {
    const { a, conv } = await pair()
    const outsider = await rest.newUser('out')
    await rest.send(a, conv.id, 'private')

    const read = await page(outsider, conv.id)
    expect(read.status).toBe(404)
    expect(errorOf(read).code).toBe('not_found')
    expect(read.text).not.toContain('private')

    const write = await post(outsider, conv.id, { clientId: uniqueClientId(), body: 'let me in' })
    expect(write.status).toBe(404)
    expect(errorOf(write).code).toBe('not_found')

    expect(await lastSeq(a, conv.id)).toBe(1)
    expect((await page(a, conv.id)).json.messages.map((message) => message.body)).toEqual(['private'])
    // The same answer as for a conversation that does not exist.
    const missing = await post(outsider, 'c_nosuchconversation0', { clientId: uniqueClientId(), body: 'x' })
    expect(missing.status).toBe(404)
    expect((await page(outsider, 'c_nosuchconversation0')).status).toBe(404)
  })
})

describe('SEND_RATE_LIMIT=5 (a separate server)', () => {
  let limited: TestServer
  let api: Rest
  beforeAll(async () => {
    limited = await startTestServer({ SEND_RATE_LIMIT: '5' })
    api = new Rest(limited.url)
  })
  afterAll(async () => {
    await limited.stop()
  })

  test('the 6th send in a minute by one user → 429 rate_limited; another user can still send; nothing extra stored', async () => {
    const [a, b] = (await api.newUsers(2)) as [Account, Account]
    const conv = await api.conversation(a, [b])
    for (let i = 1; i <= 5; i++) expect((await api.send(a, conv.id, `m${i}`)).seq).toBe(i)

    const sixth = await api.post(`/api/conversations/${conv.id}/messages`, a.token, { clientId: uniqueClientId(), body: 'm6' })
    expect(sixth.status).toBe(429)
    expect(errorOf(sixth).code).toBe('rate_limited')
    expect(Number(sixth.headers.get('retry-after'))).toBeGreaterThan(0)

    expect((await api.send(b, conv.id, 'b is fine')).seq).toBe(6)
    // Reading is not limited.
    const messages = await api.allMessages(a, conv.id)
    expect(messages.map((message) => message.body)).toEqual(['m1', 'm2', 'm3', 'm4', 'm5', 'b is fine'])
  })
})
