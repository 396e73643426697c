/**
 * Read and delivered markers (docs/design.md §4): forward only, never past
 * lastSeq, read implies delivered, visible to every member; unreadCount counts
 * messages from others after the reader's readSeq.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Conversation } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { errorOf, Rest, type Account } from '../../helpers/rest'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

type Kind = 'read' | 'delivered'

function mark(account: Account, conversationId: string, kind: Kind, body: unknown) {
  return rest.post<{ readSeq?: number; deliveredSeq?: number }>(`/api/conversations/${conversationId}/${kind}`, account.token, body)
}

/** The marker value a successful request answers with (and asserts the exact shape). */
async function advance(account: Account, conversationId: string, kind: Kind, seq: number): Promise<number> {
  const reply = await mark(account, conversationId, kind, { seq })
  expect(reply.status).toBe(200)
  const key = kind === 'read' ? 'readSeq' : 'deliveredSeq'
  expect(Object.keys(reply.json)).toEqual([key])
  return reply.json[key] as number
}

/** a and b in a direct conversation in which a sent `count` messages. */
async function withMessages(count: number): Promise<{ a: Account; b: Account; conv: Conversation }> {
  const [a, b] = (await rest.newUsers(2)) as [Account, Account]
  const conv = await rest.conversation(a, [b])
  for (let i = 1; i <= count; i++) await rest.send(a, conv.id, `message ${i}`)
  return { a, b, conv }
}

describe('POST /api/conversations/:id/read and /delivered', () => {
  test('read {seq} → {readSeq}; it also moves delivered; every member sees it in markers', async () => {
    const { a, b, conv } = await withMessages(3)
    expect(await advance(b, conv.id, 'read', 2)).toBe(2)

    const asB = await rest.conversationById(b, conv.id)
    expect(asB).toMatchObject({ readSeq: 2, deliveredSeq: 2, unreadCount: 1 })
    const asA = await rest.conversationById(a, conv.id)
    expect(asA).toMatchObject({ readSeq: 0, deliveredSeq: 0, unreadCount: 0 })
    for (const view of [asA, asB]) {
      expect(view.markers).toEqual({
        [a.user.id]: { readSeq: 0, deliveredSeq: 0 },
        [b.user.id]: { readSeq: 2, deliveredSeq: 2 },
      })
    }
  })

  test('delivered {seq} → {deliveredSeq}; read stays where it was', async () => {
    const { a, b, conv } = await withMessages(3)
    expect(await advance(b, conv.id, 'delivered', 3)).toBe(3)
    expect(await rest.conversationById(b, conv.id)).toMatchObject({ readSeq: 0, deliveredSeq: 3, unreadCount: 3 })
    expect((await rest.conversationById(a, conv.id)).markers[b.user.id]).toEqual({ readSeq: 0, deliveredSeq: 3 })
  })

  test('markers only move forward: a lower seq answers the current, higher value', async () => {
    const { b, conv } = await withMessages(3)
    expect(await advance(b, conv.id, 'read', 2)).toBe(2)
    expect(await advance(b, conv.id, 'read', 1)).toBe(2)
    expect(await advance(b, conv.id, 'read', 0)).toBe(2)
    expect(await advance(b, conv.id, 'delivered', 3)).toBe(3)
    expect(await advance(b, conv.id, 'delivered', 1)).toBe(3)
    // Reading below the delivered marker moves read only; delivered never goes back.
    expect(await advance(b, conv.id, 'read', 2)).toBe(2)
    expect((await rest.conversationById(b, conv.id)).markers[b.user.id]).toEqual({ readSeq: 2, deliveredSeq: 3 })
  })

  test('read implies delivered: reading past the delivered marker lifts it', async () => {
    const { b, conv } = await withMessages(3)
    expect(await advance(b, conv.id, 'delivered', 1)).toBe(1)
    expect(await advance(b, conv.id, 'read', 3)).toBe(3)
    const view = await rest.conversationById(b, conv.id)
    expect(view).toMatchObject({ readSeq: 3, deliveredSeq: 3, unreadCount: 0 })
    expect(view.deliveredSeq).toBeGreaterThanOrEqual(view.readSeq)
  })

  test('never past lastSeq: seq 999 when lastSeq is 3 → 3; later messages can still be marked', async () => {
    const { a, b, conv } = await withMessages(3)
    expect(await advance(b, conv.id, 'read', 999)).toBe(3)
    expect(await advance(b, conv.id, 'delivered', 999)).toBe(3)
    expect(await advance(b, conv.id, 'read', Number.MAX_SAFE_INTEGER)).toBe(3)
    await rest.send(a, conv.id, 'message 4')
    expect((await rest.conversationById(b, conv.id)).unreadCount).toBe(1)
    expect(await advance(b, conv.id, 'delivered', 4)).toBe(4)
    expect(await advance(b, conv.id, 'read', 4)).toBe(4)
    expect(await rest.conversationById(b, conv.id)).toMatchObject({ lastSeq: 4, readSeq: 4, deliveredSeq: 4, unreadCount: 0 })
  })

  test('in an empty conversation every marker stays 0', async () => {
    const { b, conv } = await withMessages(0)
    expect(await advance(b, conv.id, 'read', 5)).toBe(0)
    expect(await advance(b, conv.id, 'delivered', 5)).toBe(0)
  })

  test('concurrent marker updates end at the highest seq', async () => {
    const { b, conv } = await withMessages(10)
    const replies = await Promise.all(
      [3, 9, 1, 10, 5, 7, 2, 8, 4, 6].map((seq) => mark(b, conv.id, seq % 2 === 0 ? 'read' : 'delivered', { seq })),
    )
    expect(replies.every((reply) => reply.status === 200)).toBe(true)
    expect((await rest.conversationById(b, conv.id)).markers[b.user.id]).toEqual({ readSeq: 10, deliveredSeq: 10 })
  })
})

describe('unreadCount', () => {
  test('messages from others after my readSeq; my own messages never count', async () => {
    const [a, b] = (await rest.newUsers(2)) as [Account, Account]
    const conv = await rest.conversation(a, [b])
    await rest.send(a, conv.id, 'a1') // seq 1
    await rest.send(b, conv.id, 'b2') // seq 2
    await rest.send(a, conv.id, 'a3') // seq 3
    await rest.send(b, conv.id, 'b4') // seq 4
    await rest.send(b, conv.id, 'b5') // seq 5

    const unread = async (who: Account) => (await rest.conversationById(who, conv.id)).unreadCount
    const unreadInList = async (who: Account) => (await rest.conversations(who)).find((c) => c.id === conv.id)?.unreadCount
    expect([await unread(a), await unread(b)]).toEqual([3, 2])
    expect([await unreadInList(a), await unreadInList(b)]).toEqual([3, 2])

    await advance(a, conv.id, 'read', 2)
    expect(await unread(a)).toBe(2) // seqs 4 and 5
    await advance(a, conv.id, 'read', 4)
    expect(await unread(a)).toBe(1)
    expect(await unreadInList(a)).toBe(1)
    // Delivered does not change unread.
    await advance(b, conv.id, 'delivered', 5)
    expect(await unread(b)).toBe(2)
    await advance(b, conv.id, 'read', 3)
    expect(await unread(b)).toBe(0)
    // Sending does not mark anything read, but one's own message is never unread.
    await rest.send(b, conv.id, 'b6')
    expect([await unread(a), await unread(b)]).toEqual([2, 0])
  })

  test('in a group each member counts the others’ messages', async () => {
    const [a, b, c] = (await rest.newUsers(3)) as [Account, Account, Account]
    const group = await rest.conversation(a, [b, c], 'Counting')
    await rest.send(a, group.id, 'a1')
    await rest.send(a, group.id, 'a2')
    await rest.send(b, group.id, 'b3')
    await rest.send(c, group.id, 'c4')
    const counts = await Promise.all([a, b, c].map(async (who) => (await rest.conversationById(who, group.id)).unreadCount))
    expect(counts).toEqual([2, 3, 3])
  })
})

describe('bad marker requests', () => {
  let a: Account
  let b: Account
  let conv: Conversation
  beforeAll(async () => {
    ;({ a, b, conv } = await withMessages(3))
    await advance(b, conv.id, 'read', 1)
  })

  test.each([
    ['negative', { seq: -1 }],
    ['not an integer', { seq: 1.5 }],
    ['a numeric string', { seq: '2' }],
    ['null', { seq: null }],
    ['missing', {}],
    ['a boolean', { seq: true }],
    ['an array', { seq: [2] }],
    ['above MAX_SAFE_INTEGER', { seq: 2 ** 53 }],
    ['NaN-like', { seq: 'NaN' }],
  ])('seq %s → 400 on read and delivered; the markers do not move', async (_label, body) => {
    for (const kind of ['read', 'delivered'] as const) {
      const reply = await mark(b, conv.id, kind, body)
      expect(reply.status).toBe(400)
      expect(errorOf(reply)).toEqual({ code: 'bad_request', message: expect.stringContaining('seq') })
    }
    expect((await rest.conversationById(a, conv.id)).markers[b.user.id]).toEqual({ readSeq: 1, deliveredSeq: 1 })
  })

  test('a non-member → 404 on read and delivered, as for a conversation that does not exist', async () => {
    const outsider = await rest.newUser('out')
    for (const kind of ['read', 'delivered'] as const) {
      const hidden = await mark(outsider, conv.id, kind, { seq: 3 })
      expect(hidden.status).toBe(404)
      expect(errorOf(hidden).code).toBe('not_found')
      const missing = await mark(outsider, 'c_nosuchconversation0', kind, { seq: 3 })
      expect(missing.status).toBe(404)
      expect(errorOf(missing).code).toBe('not_found')
    }
    const view = await rest.conversationById(a, conv.id)
    expect(Object.keys(view.markers).sort()).toEqual([a.user.id, b.user.id].sort())
    expect(view.markers[b.user.id]).toEqual({ readSeq: 1, deliveredSeq: 1 })
  })
})

describe('POST /api/conversations/delivered-batch', () => {
  const batch = (account: Account, body: unknown) =>
    rest.post<{ markers: Record<string, { deliveredSeq: number } | { error: { status: number; code: string; message: string } }> }>(
      '/api/conversations/delivered-batch',
      account.token,
      body,
    )

  test('each conversation as the single route would take it: forward only, never past lastSeq, the higher of two; every member sees it', async () => {
    const [a, b] = (await rest.newUsers(2)) as [Account, Account]
    const first = await rest.conversation(a, [b])
    const second = await rest.conversation(a, [b], 'second')
    for (let i = 1; i <= 3; i++) await rest.send(a, first.id, `first ${i}`)
    for (let i = 1; i <= 5; i++) await rest.send(a, second.id, `second ${i}`)
    expect(await advance(b, second.id, 'delivered', 4)).toBe(4)

    const reply = await batch(b, {
      markers: [
        { conversationId: first.id, seq: 2 },
        { conversationId: second.id, seq: 2 },
        { conversationId: first.id, seq: 999 },
      ],
    })
    expect(reply.status).toBe(200)
    expect(reply.json).toEqual({ markers: { [first.id]: { deliveredSeq: 3 }, [second.id]: { deliveredSeq: 4 } } })
    expect((await rest.conversationById(a, first.id)).markers[b.user.id]).toEqual({ readSeq: 0, deliveredSeq: 3 })
    expect((await rest.conversationById(a, second.id)).markers[b.user.id]).toEqual({ readSeq: 0, deliveredSeq: 4 })
    expect(await rest.conversationById(b, first.id)).toMatchObject({ readSeq: 0, deliveredSeq: 3, unreadCount: 3 })
  })

  test("a conversation that is not mine is refused as the single route would (404), and the others' markers still move", async () => {
    const [a, b, outsider] = (await rest.newUsers(3)) as [Account, Account, Account]
    const mine = await rest.conversation(a, [b])
    const theirs = await rest.conversation(a, [outsider])
    await rest.send(a, mine.id, 'hello')
    await rest.send(a, theirs.id, 'not for b')
    const reply = await batch(b, {
      markers: [
        { conversationId: theirs.id, seq: 1 },
        { conversationId: 'c_nosuchconversation0', seq: 1 },
        { conversationId: '__proto__', seq: 1 },
        { conversationId: mine.id, seq: 1 },
      ],
    })
    expect(reply.status).toBe(200)
    expect(Object.keys(reply.json.markers).sort()).toEqual([theirs.id, 'c_nosuchconversation0', '__proto__', mine.id].sort())
    for (const id of [theirs.id, 'c_nosuchconversation0', '__proto__']) {
      expect(reply.json.markers[id]).toEqual({ error: { status: 404, code: 'not_found', message: expect.stringContaining('No conversation') } })
    }
    expect(reply.json.markers[mine.id]).toEqual({ deliveredSeq: 1 })
    // Nothing of b was written into the conversation b is not in.
    expect(Object.keys((await rest.conversationById(a, theirs.id)).markers).sort()).toEqual([a.user.id, outsider.user.id].sort())
  })

  test.each([
    ['no markers', { markers: [] }],
    ['markers not a list', { markers: { c: 1 } }],
    ['a seq that is not a marker', { markers: [{ conversationId: 'c_x', seq: -1 }] }],
    ['an empty conversation id', { markers: [{ conversationId: '', seq: 1 }] }],
    ['a conversation id that is not a string', { markers: [{ conversationId: 7, seq: 1 }] }],
    ['201 of them', { markers: Array.from({ length: 201 }, (_, i) => ({ conversationId: `c_${i}`, seq: 1 })) }],
    ['no body', null],
  ])('%s → 400, and no marker moves', async (_label, body) => {
    const { a, b, conv } = await withMessages(2)
    const reply = await batch(b, body === null ? undefined : body)
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
    expect((await rest.conversationById(a, conv.id)).markers[b.user.id]).toEqual({ readSeq: 0, deliveredSeq: 0 })
  })

  test('without a token → 401', async () => {
    const reply = await rest.post('/api/conversations/delivered-batch', undefined, { markers: [{ conversationId: 'c_x', seq: 1 }] })
    expect(reply.status).toBe(401)
  })
})
