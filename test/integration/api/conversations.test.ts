/**
 * Conversations (DESIGN.md §4): the one direct conversation per pair, groups,
 * validation that creates nothing, the list (newest activity first, with each
 * viewer's markers and unread count) and GET /:id without an existence leak.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Conversation } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { errorOf, Rest, sleep, type Account } from '../../helpers/rest'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

function create(owner: Account, body: unknown) {
  return rest.post<Conversation>('/api/conversations', owner.token, body)
}

const ids = (...accounts: Account[]) => accounts.map((account) => account.user.id)

describe('POST /api/conversations: direct', () => {
  test('one other member and no title → 201 direct, empty, with zeroed markers for both', async () => {
    const [a, b] = await rest.newUsers(2)
    const before = Date.now()
    const reply = await create(a!, { memberIds: [b!.user.id] })
    expect(reply.status).toBe(201)
    expect(reply.json).toEqual({
      id: expect.any(String),
      kind: 'direct',
      title: null,
      memberIds: ids(a!, b!),
      lastMessage: null,
      lastSeq: 0,
      readSeq: 0,
      deliveredSeq: 0,
      unreadCount: 0,
      markers: { [a!.user.id]: { readSeq: 0, deliveredSeq: 0 }, [b!.user.id]: { readSeq: 0, deliveredSeq: 0 } },
      createdAt: expect.any(Number),
      lastActivityAt: expect.any(Number),
    })
    expect(reply.json.createdAt).toBeGreaterThanOrEqual(before)
    expect(reply.json.createdAt).toBeLessThanOrEqual(Date.now())
    expect(reply.json.lastActivityAt).toBe(reply.json.createdAt)
  })

  test('asking again — from either side, in any order, with yourself or duplicates — → 200 with the same id', async () => {
    const [a, b] = await rest.newUsers(2)
    const first = await create(a!, { memberIds: [b!.user.id] })
    expect(first.status).toBe(201)
    const again = [
      await create(a!, { memberIds: [b!.user.id] }),
      await create(b!, { memberIds: [a!.user.id] }),
      await create(a!, { memberIds: [b!.user.id, a!.user.id] }),
      await create(a!, { memberIds: [a!.user.id, b!.user.id] }),
      await create(b!, { memberIds: [b!.user.id, a!.user.id, a!.user.id] }),
      await create(a!, { memberIds: [b!.user.id, b!.user.id] }),
    ]
    for (const reply of again) {
      expect(reply.status).toBe(200)
      expect(reply.json.id).toBe(first.json.id)
      expect(reply.json.kind).toBe('direct')
      expect([...reply.json.memberIds].sort()).toEqual(ids(a!, b!).sort())
    }
    expect((await rest.conversations(a!)).map((c) => c.id)).toEqual([first.json.id])
    expect((await rest.conversations(b!)).map((c) => c.id)).toEqual([first.json.id])
  })

  test('the existing direct conversation comes back as the asker sees it (their markers and unread count)', async () => {
    const [a, b] = await rest.newUsers(2)
    const direct = await rest.conversation(a!, [b!])
    const sent = await rest.send(a!, direct.id, 'hello b')
    const fromB = await create(b!, { memberIds: [a!.user.id] })
    expect(fromB.status).toBe(200)
    expect(fromB.json).toMatchObject({ id: direct.id, lastSeq: 1, lastMessage: sent, unreadCount: 1, readSeq: 0 })
    const fromA = await create(a!, { memberIds: [b!.user.id] })
    expect(fromA.json).toMatchObject({ id: direct.id, lastSeq: 1, unreadCount: 0 })
  })

  test('10 concurrent requests for the same pair make exactly one conversation', async () => {
    const [a, b] = await rest.newUsers(2)
    const replies = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2 === 0 ? create(a!, { memberIds: [b!.user.id] }) : create(b!, { memberIds: [a!.user.id] }),
      ),
    )
    expect(replies.filter((reply) => reply.status === 201)).toHaveLength(1)
    expect(replies.filter((reply) => reply.status === 200)).toHaveLength(9)
    expect(new Set(replies.map((reply) => reply.json.id)).size).toBe(1)
    expect(await rest.conversations(a!)).toHaveLength(1)
  })
})

describe('POST /api/conversations: groups', () => {
  test('one other member with a title → 201 group; every call makes a new one', async () => {
    const [a, b] = await rest.newUsers(2)
    const first = await create(a!, { memberIds: [b!.user.id], title: '  Plans  ' })
    const second = await create(a!, { memberIds: [b!.user.id], title: '  Plans  ' })
    for (const reply of [first, second]) {
      expect(reply.status).toBe(201)
      expect(reply.json).toMatchObject({ kind: 'group', title: 'Plans', memberIds: ids(a!, b!), lastSeq: 0, lastMessage: null })
    }
    expect(second.json.id).not.toBe(first.json.id)
    // …and neither of them is the direct conversation of the pair.
    const direct = await create(a!, { memberIds: [b!.user.id] })
    expect(direct.status).toBe(201)
    expect(direct.json.kind).toBe('direct')
    expect((await rest.conversations(b!)).map((c) => c.id).sort()).toEqual([first.json.id, second.json.id, direct.json.id].sort())
  })

  test('two or more others without a title → 201 group (title null), creator first; markers for every member', async () => {
    const [a, b, c] = await rest.newUsers(3)
    const first = await create(a!, { memberIds: [c!.user.id, b!.user.id] })
    expect(first.status).toBe(201)
    expect(first.json).toMatchObject({ kind: 'group', title: null, memberIds: ids(a!, c!, b!) })
    expect(first.json.markers).toEqual(
      Object.fromEntries(ids(a!, b!, c!).map((id) => [id, { readSeq: 0, deliveredSeq: 0 }])),
    )
    const second = await create(a!, { memberIds: [c!.user.id, b!.user.id] })
    expect(second.status).toBe(201)
    expect(second.json.id).not.toBe(first.json.id)
    // Every member sees the group.
    for (const member of [a!, b!, c!]) {
      expect((await rest.conversations(member)).map((conv) => conv.id).sort()).toEqual([first.json.id, second.json.id].sort())
    }
  })

  test('a title of exactly 100 characters (emoji count once) is accepted', async () => {
    const [a, b] = await rest.newUsers(2)
    const title = '🎉'.repeat(100)
    const reply = await create(a!, { memberIds: [b!.user.id], title })
    expect(reply.status).toBe(201)
    expect(reply.json.title).toBe(title)
  })
})

describe('POST /api/conversations: bad requests create nothing', () => {
  let a: Account
  let b: Account
  beforeAll(async () => {
    ;[a, b] = (await rest.newUsers(2)) as [Account, Account]
  })

  const cases: [string, () => unknown, RegExp?][] = [
    ['memberIds empty', () => ({ memberIds: [] })],
    ['memberIds only yourself', () => ({ memberIds: [a.user.id] }), /other user/],
    ['memberIds yourself twice', () => ({ memberIds: [a.user.id, a.user.id] }), /other user/],
    ['an unknown user id', () => ({ memberIds: ['u_doesnotexist00000000'] }), /Unknown user/],
    ['a known and an unknown user', () => ({ memberIds: [b.user.id, 'u_doesnotexist00000000'] }), /Unknown user/],
    ['a known and an unknown user, titled', () => ({ memberIds: [b.user.id, 'u_nobody'], title: 'x' }), /Unknown user/],
    ['101 member ids', () => ({ memberIds: Array.from({ length: 101 }, (_, i) => `u_fake${i}`) })],
    ['100 others (101 members with you)', () => ({ memberIds: Array.from({ length: 100 }, (_, i) => `u_fake${i}`) }), /at most 100/],
    ['a title of 101 characters', () => ({ memberIds: [b.user.id], title: 't'.repeat(101) }), /title/],
    ['a title of only spaces', () => ({ memberIds: [b.user.id], title: '    ' }), /title/],
    ['an empty title', () => ({ memberIds: [b.user.id], title: '' }), /title/],
    ['a null title', () => ({ memberIds: [b.user.id], title: null }), /title/],
    ['no memberIds', () => ({ title: 'Lonely' }), /memberIds/],
    ['memberIds a string', () => ({ memberIds: b.user.id }), /memberIds/],
    ['memberIds of numbers', () => ({ memberIds: [1, 2] }), /memberIds/],
    ['an empty member id', () => ({ memberIds: [''] }), /memberIds/],
    ['a 65-character member id', () => ({ memberIds: ['u'.repeat(65)] }), /memberIds/],
  ]

  test.each(cases)('%s → 400', async (_label, body, message) => {
    const beforeA = await rest.conversations(a)
    const beforeB = await rest.conversations(b)
    const reply = await create(a, body())
    expect(reply.status).toBe(400)
    const error = errorOf(reply)
    expect(error.code).toBe('bad_request')
    if (message) expect(error.message).toMatch(message)
    expect(await rest.conversations(a)).toEqual(beforeA)
    expect(await rest.conversations(b)).toEqual(beforeB)
  })

  test('99 unknown ids plus yourself (100 members) is refused for the unknown ids, not for the size', async () => {
    const reply = await create(a, { memberIds: [a.user.id, ...Array.from({ length: 99 }, (_, i) => `u_fake${i}`)] })
    expect(reply.status).toBe(400)
    expect(errorOf(reply).message).toMatch(/Unknown user/)
  })
})

describe('GET /api/conversations', () => {
  test('newest activity first; a message moves its conversation to the top', async () => {
    const [a, b, c] = await rest.newUsers(3)
    const first = await rest.conversation(a!, [b!])
    await sleep(3)
    const second = await rest.conversation(a!, [c!])
    await sleep(3)
    const third = await rest.conversation(a!, [b!, c!], 'Trio')
    expect((await rest.conversations(a!)).map((conv) => conv.id)).toEqual([third.id, second.id, first.id])

    await sleep(3)
    const message = await rest.send(b!, first.id, 'bump')
    const list = await rest.conversations(a!)
    expect(list.map((conv) => conv.id)).toEqual([first.id, third.id, second.id])
    expect(list[0]).toMatchObject({ lastSeq: 1, lastMessage: message, lastActivityAt: message.createdAt, unreadCount: 1 })
    expect(list[0]!.lastActivityAt).toBeGreaterThan(third.lastActivityAt)

    await sleep(3)
    await rest.send(a!, second.id, 'and now this one')
    expect((await rest.conversations(a!)).map((conv) => conv.id)).toEqual([second.id, first.id, third.id])
    // b is not in the second conversation: b's own list is ordered by b's conversations only.
    expect((await rest.conversations(b!)).map((conv) => conv.id)).toEqual([first.id, third.id])
  })

  test('each viewer sees their own readSeq, deliveredSeq and unreadCount, and every member’s markers', async () => {
    const [a, b, c] = await rest.newUsers(3)
    const group = await rest.conversation(a!, [b!, c!], 'Markers')
    await rest.send(a!, group.id, 'one')
    await rest.send(a!, group.id, 'two')
    const three = await rest.send(b!, group.id, 'three')
    expect((await rest.post(`/api/conversations/${group.id}/read`, c!.token, { seq: 1 })).status).toBe(200)
    expect((await rest.post(`/api/conversations/${group.id}/delivered`, b!.token, { seq: 3 })).status).toBe(200)

    const markers = {
      [a!.user.id]: { readSeq: 0, deliveredSeq: 0 },
      [b!.user.id]: { readSeq: 0, deliveredSeq: 3 },
      [c!.user.id]: { readSeq: 1, deliveredSeq: 1 },
    }
    const expected = {
      [a!.user.id]: { readSeq: 0, deliveredSeq: 0, unreadCount: 1 },
      [b!.user.id]: { readSeq: 0, deliveredSeq: 3, unreadCount: 2 },
      [c!.user.id]: { readSeq: 1, deliveredSeq: 1, unreadCount: 2 },
    }
    for (const viewer of [a!, b!, c!]) {
      const [listed] = await rest.conversations(viewer)
      const single = await rest.conversationById(viewer, group.id)
      for (const conv of [listed, single]) {
        expect(conv).toEqual({
          id: group.id,
          kind: 'group',
          title: 'Markers',
          memberIds: ids(a!, b!, c!),
          lastMessage: three,
          lastSeq: 3,
          ...expected[viewer.user.id],
          markers,
          createdAt: group.createdAt,
          lastActivityAt: three.createdAt,
        })
      }
    }
  })

  test('a new user has no conversations; others’ conversations are not listed', async () => {
    const [a, b, loner] = await rest.newUsers(3)
    await rest.conversation(a!, [b!])
    expect(await rest.conversations(loner!)).toEqual([])
  })
})

describe('GET /api/conversations/:id', () => {
  let viewer: Account
  beforeAll(async () => {
    viewer = await rest.newUser('viewer')
  })

  test('200 for each member, 404 for a non-member — the same answer as for an id that does not exist', async () => {
    const [a, b, outsider] = await rest.newUsers(3)
    const direct = await rest.conversation(a!, [b!])
    for (const member of [a!, b!]) {
      const reply = await rest.get<Conversation>(`/api/conversations/${direct.id}`, member.token)
      expect(reply.status).toBe(200)
      expect(reply.json).toEqual((await rest.conversations(member)).find((conv) => conv.id === direct.id))
    }

    const hidden = await rest.get(`/api/conversations/${direct.id}`, outsider!.token)
    const missingId = `c_${'A'.repeat(direct.id.length - 2)}`
    const missing = await rest.get(`/api/conversations/${missingId}`, outsider!.token)
    expect(hidden.status).toBe(404)
    expect(missing.status).toBe(404)
    expect(errorOf(hidden).code).toBe('not_found')
    expect(errorOf(hidden).message.replace(direct.id, 'ID')).toBe(errorOf(missing).message.replace(missingId, 'ID'))
  })

  test.each([
    ['a space', '%20'],
    ['65 characters', 'c'.repeat(65)],
    ['a quote and SQL', "c_x'%20OR%20'1'='1"],
    ['a NUL byte', 'c_%00'],
    ['encoded slashes', '..%2F..%2Fetc'],
    ['unicode', '%E2%9C%93'],
    ['a percent sign', 'c_%25'],
  ])('a garbage id (%s) → 404 JSON', async (_label, id) => {
    const reply = await rest.get(`/api/conversations/${id}`, viewer.token)
    expect(reply.status).toBe(404)
    expect(errorOf(reply).code).toBe('not_found')
  })
})
