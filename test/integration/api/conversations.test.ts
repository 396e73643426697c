/**
 * Conversations (docs/design.md §4): the one direct conversation per pair, groups,
 * validation that creates nothing, the list (newest activity first, with each
 * viewer's markers and unread count) and GET /:id without an existence leak.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Conversation, ConversationPage } from '../../../src/shared/api'
import { startTestServer, type TestServer } from '../../helpers/server'
import { errorOf, Rest, sleep, type Account } from '../../helpers/rest'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000', CONVERSATION_RATE_LIMIT: '100000' })
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
      members: [
        { userId: a!.user.id, role: 'member' },
        { userId: b!.user.id, role: 'member' },
      ],
      mutedUntil: null,
      lastMessage: null,
      lastSeq: 0,
      lastRev: 0,
      readSeq: 0,
      deliveredSeq: 0,
      unreadCount: 0,
      mentionCount: 0,
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
      [a!.user.id]: { readSeq: 0, deliveredSeq: 0, unreadCount: 1, mentionCount: 0 },
      [b!.user.id]: { readSeq: 0, deliveredSeq: 3, unreadCount: 2, mentionCount: 0 },
      [c!.user.id]: { readSeq: 1, deliveredSeq: 1, unreadCount: 2, mentionCount: 0 },
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
          members: [
            { userId: a!.user.id, role: 'owner' },
            { userId: b!.user.id, role: 'member' },
            { userId: c!.user.id, role: 'member' },
          ],
          mutedUntil: null,
          lastMessage: three,
          lastSeq: 3,
          lastRev: 3,
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

describe('GET /api/conversations: pages', () => {
  const T = 1_700_000_000_000
  let a: Account
  let b: Account
  /** a's 250 conversations, five per millisecond: page boundaries cut through ties. */
  let made: Conversation[]
  const byActivity = (x: Conversation, y: Conversation) =>
    y.lastActivityAt - x.lastActivityAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0)
  const cursorOf = (text: string) => Buffer.from(text).toString('base64url')

  beforeAll(async () => {
    ;[a, b] = (await rest.newUsers(2)) as [Account, Account]
    const store = server.store!
    for (let i = 0; i < 250; i++) {
      const now = T + Math.floor(i / 5)
      const { conversation } = await store.createConversation({ kind: 'group', title: `p${i}`, memberIds: [a.user.id, b.user.id], createdBy: b.user.id, now })
      // Unread messages in the oldest conversation, at its own time: it stays on the last page.
      if (i === 0) {
        for (const clientId of ['u1', 'u2']) {
          await store.appendMessage({ conversationId: conversation.id, senderId: b.user.id, clientId, body: 'unread', now })
        }
      }
    }
    made = await rest.conversations(a, 200)
  })

  test('default pages of 100: every conversation exactly once, newest first, ties by id, unread counts on every page', async () => {
    const pages: ConversationPage[] = []
    for (let cursor: string | undefined; ; ) {
      const page = await rest.conversationPage(a, cursor === undefined ? {} : { cursor })
      pages.push(page)
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    expect(pages.map((page) => page.conversations.length)).toEqual([100, 100, 50])
    const listed = pages.flatMap((page) => page.conversations)
    expect(new Set(listed.map((conv) => conv.id)).size).toBe(250)
    expect(listed).toEqual([...listed].sort(byActivity))
    expect(listed.map((conv) => conv.lastActivityAt)).toEqual(Array.from({ length: 250 }, (_, i) => T + Math.floor((249 - i) / 5)))
    expect(listed).toEqual(made)
    // p0 (the oldest millisecond, with p1–p4) is on the last page with its two unread messages.
    const withUnread = listed.filter((conv) => conv.unreadCount > 0)
    expect(withUnread).toEqual([expect.objectContaining({ title: 'p0', lastSeq: 2, unreadCount: 2 })])
    expect(pages[2]!.conversations.slice(-5).map((conv) => conv.title).sort()).toEqual(['p0', 'p1', 'p2', 'p3', 'p4'])
    // A conversation listed alone says the same as its entry in the list.
    expect(await rest.conversationById(a, withUnread[0]!.id)).toEqual(withUnread[0])
  })

  test('any page size walks the same list: 7 a page, 36 pages', async () => {
    const listed: Conversation[] = []
    let pages = 0
    for (let cursor: string | undefined; ; ) {
      const page = await rest.conversationPage(a, { limit: 7, ...(cursor === undefined ? {} : { cursor }) })
      pages++
      expect(page.conversations.length).toBe(page.nextCursor === null ? 250 % 7 : 7)
      listed.push(...page.conversations)
      if (page.nextCursor === null) break
      cursor = page.nextCursor
    }
    expect(pages).toBe(36)
    expect(listed).toEqual(made)
  })

  test('limit bounds: 1 and 200 are pages of that size; the last page has no cursor', async () => {
    const one = await rest.conversationPage(a, { limit: 1 })
    expect(one.conversations.map((conv) => conv.id)).toEqual([made[0]!.id])
    expect(one.nextCursor).toEqual(expect.any(String))
    const most = await rest.conversationPage(a, { limit: 200 })
    expect(most.conversations).toEqual(made.slice(0, 200))
    const rest50 = await rest.conversationPage(a, { limit: 200, cursor: most.nextCursor! })
    expect(rest50).toEqual({ conversations: made.slice(200), nextCursor: null })
    // Exactly full: nothing after it, so no cursor to an empty page.
    const [x, y] = (await rest.newUsers(2)) as [Account, Account]
    await rest.conversation(x, [y])
    expect((await rest.conversationPage(x, { limit: 1 })).nextCursor).toBeNull()
    expect(await rest.conversationPage(y, {})).toEqual({ conversations: [expect.objectContaining({ kind: 'direct' })], nextCursor: null })
  })

  test('a cursor is a position, not a permission: one made up from another user’s conversation shows only your own after it', async () => {
    const [y, z] = (await rest.newUsers(2)) as [Account, Account]
    const theirs = await rest.conversation(y, [z])
    const page = await rest.conversationPage(a, { cursor: cursorOf(`${theirs.lastActivityAt}:${theirs.id}`) })
    // Made after all of a's: every one of a's comes after it, and nothing else.
    expect(page.conversations).toEqual(made.slice(0, 100))
  })

  test.each([
    ['limit 0', 'limit=0'],
    ['limit 201', 'limit=201'],
    ['limit -1', 'limit=-1'],
    ['limit 1.5', 'limit=1.5'],
    ['limit abc', 'limit=abc'],
    ['an empty limit', 'limit='],
    ['limit 1e3', 'limit=1e3'],
    ['limit twice', 'limit=5&limit=6'],
    ['an empty cursor', 'cursor='],
    ['a cursor outside base64url', 'cursor=abc%2B%2F%3D'],
    ['a cursor of 201 characters', `cursor=${'A'.repeat(201)}`],
    ['a cursor twice', () => `cursor=${cursorOf(`${T}:c_x`)}&cursor=${cursorOf(`${T}:c_y`)}`],
    ['a cursor without a colon', () => `cursor=${cursorOf('abc')}`],
    ['a cursor without an id', () => `cursor=${cursorOf(`${T}:`)}`],
    ['a cursor without a time', () => `cursor=${cursorOf(':c_x')}`],
    ['a negative time', () => `cursor=${cursorOf('-1:c_x')}`],
    ['a fractional time', () => `cursor=${cursorOf('1.5:c_x')}`],
    ['a time with a leading zero', () => `cursor=${cursorOf('01:c_x')}`],
    ['a time past 2^53', () => `cursor=${cursorOf('9007199254740993:c_x')}`],
    ['a time of 17 digits', () => `cursor=${cursorOf('10000000000000000:c_x')}`],
    ['an id with a space', () => `cursor=${cursorOf(`${T}:c x`)}`],
    ['an id of 65 characters', () => `cursor=${cursorOf(`${T}:${'c'.repeat(65)}`)}`],
    ['an id with NUL', () => `cursor=${cursorOf(`${T}:c\u0000`)}`],
    ['a non-canonical encoding (stray bits)', () => `cursor=${cursorOf('1:c_x').slice(0, -1)}h`],
    ['JSON instead', () => `cursor=${cursorOf(JSON.stringify({ lastActivityAt: T, id: 'c_x' }))}`],
  ])('%s → 400, nothing listed', async (_label, query) => {
    const qs = typeof query === 'function' ? query() : query
    const reply = await rest.get(`/api/conversations?${qs}`, a.token)
    expect(reply.status).toBe(400)
    expect(errorOf(reply).code).toBe('bad_request')
  })

  test('without a token → 401', async () => {
    expect((await rest.get(`/api/conversations?cursor=${cursorOf(`${T}:c_x`)}&limit=5`)).status).toBe(401)
  })
})

describe('POST /api/conversations: rate limited per user (CONVERSATION_RATE_LIMIT, default 20 a minute)', () => {
  let limited: TestServer
  let api: Rest
  beforeAll(async () => {
    limited = await startTestServer({ AUTH_RATE_LIMIT: '100000' })
    api = new Rest(limited.url)
  })
  afterAll(async () => {
    await limited.stop()
  })

  test('a stranger spamming 30 groups at a victim gets 429 after 20; the victim’s list holds the 20 and nothing else', async () => {
    const [spammer, victim, filler, bystander] = await api.newUsers(4)
    const replies = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        api.post<Conversation>('/api/conversations', spammer!.token, { memberIds: [victim!.user.id, filler!.user.id], title: `spam ${i}` }),
      ),
    )
    const created = replies.filter((reply) => reply.status === 201)
    const refused = replies.filter((reply) => reply.status === 429)
    expect(created).toHaveLength(20)
    expect(refused).toHaveLength(10)
    for (const reply of refused) {
      expect(errorOf(reply).code).toBe('rate_limited')
      expect(reply.headers.get('retry-after')).toMatch(/^\d+$/)
    }
    const listed = await api.conversations(victim!)
    expect(listed.map((conv) => conv.id).sort()).toEqual(created.map((reply) => reply.json.id).sort())
    // A direct conversation asked for again counts too: the spammer stays refused.
    expect((await api.post('/api/conversations', spammer!.token, { memberIds: [victim!.user.id] })).status).toBe(429)
    // Per user, not per address: the others (same IP) still create.
    expect((await api.post('/api/conversations', victim!.token, { memberIds: [bystander!.user.id] })).status).toBe(201)
    expect((await api.post('/api/conversations', bystander!.token, { memberIds: [filler!.user.id], title: 'ok' })).status).toBe(201)
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
