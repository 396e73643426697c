/**
 * Groups people run (issue 19, docs/design.md §4.6) over real HTTP on a real
 * server, once with its SQLite store and once with PostgreSQL (a scratch
 * database): rename, add, remove, leave, roles, mutes — each endpoint, each
 * refusal (404 non-members and unknown ids, 403 roles, 400 direct
 * conversations and bad input, 409 the owner's own role and system
 * messages), admin deletes, and hostile input (never a 5xx). The rate limits
 * are the api's own, the same on either store: checked once. The store's
 * rules alone: src/server/store/groups.test.ts; realtime:
 * test/integration/group-presence.test.ts.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { LIMITS, MUTE_FOREVER, type Conversation, type Message } from '../../../src/shared/api'
import { errorOf, startClockedServer, type Account, type ClockedServer, type Reply, type Rest } from '../../helpers/rest'
import { serverStores } from '../../helpers/server-stores'

const stores = await serverStores('groups api')

/** The server of the store whose tests run now (each store's describe starts its own; they run one after the other). */
let clocked: ClockedServer
let rest: Rest

function expectError(reply: Reply<unknown>, status: number, code: string): void {
  expect(reply.status, reply.text).toBe(status)
  expect(errorOf(reply).code).toBe(code)
}

const rename = (who: Account, id: string, body: unknown) => rest.call<Conversation>('PATCH', `/api/conversations/${id}`, { token: who.token, body })
const add = (who: Account, id: string, body: unknown) =>
  rest.call<Conversation>('POST', `/api/conversations/${id}/members`, { token: who.token, body })
const remove = (who: Account, id: string, userId: string) =>
  rest.call('DELETE', `/api/conversations/${id}/members/${userId}`, { token: who.token })
const setRole = (who: Account, id: string, userId: string, body: unknown) =>
  rest.call<Conversation>('PATCH', `/api/conversations/${id}/members/${userId}`, { token: who.token, body })
const settings = (who: Account, id: string, body: unknown) =>
  rest.call<Conversation>('PUT', `/api/conversations/${id}/settings`, { token: who.token, body })

async function team(size: number): Promise<{ people: Account[]; conv: Conversation }> {
  const people = await rest.newUsers(size, 'grp')
  const conv = await rest.conversation(people[0]!, people.slice(1), 'Team')
  return { people, conv }
}

for (const store of stores) {
  describe.skipIf(store.skipped !== null)(`on ${store.name}`, () => {
    let drop: () => Promise<void>
    beforeAll(async () => {
      const created = await store.create()
      drop = created.drop
      clocked = await startClockedServer({
        ...created.env,
        AUTH_RATE_LIMIT: '100000',
        SEND_RATE_LIMIT: '100000',
        CHANGE_RATE_LIMIT: '100000',
        CONVERSATION_RATE_LIMIT: '100000',
      })
      rest = clocked.rest
    })
    afterAll(async () => {
      await clocked?.stop()
      await drop?.()
    })

    describe('PATCH /api/conversations/:id (rename)', () => {
      test('the owner renames: 200 Conversation with the title, a title_changed system message as lastMessage', async () => {
        const { people, conv } = await team(2)
        const [owner, member] = people as [Account, Account]
        await rest.send(member, conv.id, 'before')
        const reply = await rename(owner, conv.id, { title: '  Renamed  ' })
        expect(reply.status, reply.text).toBe(200)
        expect(reply.json).toMatchObject({ id: conv.id, title: 'Renamed', lastSeq: 2, lastRev: 2 })
        expect(reply.json.lastMessage).toMatchObject({
          seq: 2,
          rev: 2,
          kind: 'system',
          body: '',
          senderId: owner.user.id,
          system: { type: 'title_changed', actorId: owner.user.id, title: 'Renamed' },
        })
        expect(reply.json.members).toEqual([
          { userId: owner.user.id, role: 'owner' },
          { userId: member.user.id, role: 'member' },
        ])
        // The member sees it; it is not unread for them (the text before it is).
        const seen = await rest.conversationById(member, conv.id)
        expect(seen).toMatchObject({ title: 'Renamed', unreadCount: 0 })
        const messages = await rest.allMessages(member, conv.id)
        expect(messages.map((m) => [m.seq, m.kind])).toEqual([
          [1, 'text'],
          [2, 'system'],
        ])
      })

      test('a plain member → 403; a non-member and unknown or malformed ids → 404; a direct conversation → 400; bad titles → 400', async () => {
        const { people, conv } = await team(3)
        const [owner, member] = people as [Account, Account]
        const [outsider] = await rest.newUsers(1, 'out')
        expectError(await rename(member, conv.id, { title: 'Mine' }), 403, 'forbidden')
        expectError(await rename(outsider!, conv.id, { title: 'Mine' }), 404, 'not_found')
        expectError(await rename(owner, 'c_nothere', { title: 'x' }), 404, 'not_found')
        expectError(await rename(owner, 'bad%20id', { title: 'x' }), 404, 'not_found')
        const direct = await rest.conversation(owner, [member])
        expectError(await rename(owner, direct.id, { title: 'x' }), 400, 'bad_request')
        for (const body of [{}, { title: '' }, { title: '   ' }, { title: 'x'.repeat(LIMITS.titleMax + 1) }, { title: 5 }, { title: null }, { title: 'a\u0000b' }, [], 'title']) {
          expectError(await rename(owner, conv.id, body), 400, 'bad_request')
        }
        expect((await rest.conversationById(owner, conv.id)).lastSeq).toBe(0)
      })
    })

    describe('POST /api/conversations/:id/members', () => {
      test('an admin adds: 200 with the new members last; their readSeq is the system message; they read the whole history', async () => {
        const { people, conv } = await team(2)
        const [owner, admin] = people as [Account, Account]
        const [newcomer, other] = await rest.newUsers(2, 'new')
        await rest.send(owner, conv.id, 'one')
        await rest.send(admin, conv.id, 'two')
        expect((await setRole(owner, conv.id, admin.user.id, { role: 'admin' })).status).toBe(200)
        const reply = await add(admin, conv.id, { userIds: [owner.user.id, newcomer!.user.id, other!.user.id] })
        expect(reply.status, reply.text).toBe(200)
        expect(reply.json.memberIds).toEqual([owner.user.id, admin.user.id, newcomer!.user.id, other!.user.id])
        expect(reply.json.lastMessage?.system).toEqual({ type: 'member_added', actorId: admin.user.id, userIds: [newcomer!.user.id, other!.user.id] })
        const theirs = await rest.conversationById(newcomer!, conv.id)
        expect(theirs).toMatchObject({ readSeq: 4, deliveredSeq: 4, unreadCount: 0, lastSeq: 4 })
        expect((await rest.allMessages(newcomer!, conv.id)).map((m) => m.body)).toEqual(['one', 'two', '', ''])
        // Adding only people who are there already changes nothing.
        const again = await add(admin, conv.id, { userIds: [newcomer!.user.id] })
        expect(again.status).toBe(200)
        expect(again.json.lastSeq).toBe(4)
      })

      test('refusals: member 403, non-member 404, unknown user 400, direct 400, over 100 ids 400, bad bodies 400', async () => {
        const { people, conv } = await team(3)
        const [owner, member] = people as [Account, Account]
        const [outsider] = await rest.newUsers(1, 'out')
        expectError(await add(member, conv.id, { userIds: [outsider!.user.id] }), 403, 'forbidden')
        expectError(await add(outsider!, conv.id, { userIds: [outsider!.user.id] }), 404, 'not_found')
        expectError(await add(owner, conv.id, { userIds: [outsider!.user.id, 'u_nobody'] }), 400, 'bad_request')
        const direct = await rest.conversation(owner, [member])
        expectError(await add(owner, direct.id, { userIds: [outsider!.user.id] }), 400, 'bad_request')
        const tooMany = Array.from({ length: LIMITS.groupMembersMax + 1 }, (_, i) => `u_${i}`)
        for (const body of [
          {},
          { userIds: [] },
          { userIds: tooMany },
          { userIds: Array.from({ length: 20_000 }, (_, i) => `u_${i}`) },
          { userIds: [outsider!.user.id, outsider!.user.id] },
          { userIds: 'u_x' },
          { userIds: [5] },
          { userIds: [''] },
          { userIds: ['x'.repeat(65)] },
          null,
        ]) {
          expectError(await add(owner, conv.id, body), 400, 'bad_request')
        }
        expect((await rest.conversationById(owner, conv.id)).memberIds).toHaveLength(3)
      })
    })

    describe('DELETE /api/conversations/:id/members/:userId', () => {
      test('the owner removes a member: 204; the member then gets 404 on the conversation, its messages and its markers', async () => {
        const { people, conv } = await team(3)
        const [owner, gone, stays] = people as [Account, Account, Account]
        const sent = await rest.send(gone, conv.id, 'my last words')
        const reply = await remove(owner, conv.id, gone.user.id)
        expect(reply.status, reply.text).toBe(204)
        expect(reply.text).toBe('')
        expectError(await rest.get(`/api/conversations/${conv.id}`, gone.token), 404, 'not_found')
        expectError(await rest.get(`/api/conversations/${conv.id}/messages`, gone.token), 404, 'not_found')
        expectError(await rest.post(`/api/conversations/${conv.id}/messages`, gone.token, { clientId: 'x', body: 'hi' }), 404, 'not_found')
        expectError(await rest.post(`/api/conversations/${conv.id}/read`, gone.token, { seq: 1 }), 404, 'not_found')
        expectError(await rest.edit(gone, conv.id, sent.id, 'edit'), 404, 'not_found')
        expectError(await rename(gone, conv.id, { title: 'x' }), 404, 'not_found')
        expect((await rest.conversations(gone)).map((c) => c.id)).not.toContain(conv.id)
        const view = await rest.conversationById(stays, conv.id)
        expect(view.memberIds).toEqual([owner.user.id, stays.user.id])
        expect(view.lastMessage?.system).toEqual({ type: 'member_removed', actorId: owner.user.id, userIds: [gone.user.id] })
      })

      test('leaving: anyone removes themself; the owner leaving hands ownership on (member_left names the new owner)', async () => {
        const { people, conv } = await team(4)
        const [owner, a, b, c] = people as [Account, Account, Account, Account]
        expect((await remove(c, conv.id, c.user.id)).status).toBe(204)
        expect((await setRole(owner, conv.id, b.user.id, { role: 'admin' })).status).toBe(200)
        expect((await remove(owner, conv.id, owner.user.id)).status).toBe(204)
        const view = await rest.conversationById(a, conv.id)
        expect(view.members).toEqual([
          { userId: a.user.id, role: 'member' },
          { userId: b.user.id, role: 'owner' },
        ])
        expect(view.lastMessage?.system).toEqual({ type: 'member_left', actorId: owner.user.id, userIds: [b.user.id], role: 'owner' })
        expectError(await rest.get(`/api/conversations/${conv.id}`, owner.token), 404, 'not_found')
      })

      test('refusals: a member removing another 403, an admin removing an admin or the owner 403, not a member 404, direct 400', async () => {
        const { people, conv } = await team(4)
        const [owner, admin, admin2, member] = people as [Account, Account, Account, Account]
        const [outsider] = await rest.newUsers(1, 'out')
        await setRole(owner, conv.id, admin.user.id, { role: 'admin' })
        await setRole(owner, conv.id, admin2.user.id, { role: 'admin' })
        expectError(await remove(member, conv.id, admin.user.id), 403, 'forbidden')
        expectError(await remove(admin, conv.id, admin2.user.id), 403, 'forbidden')
        expectError(await remove(admin, conv.id, owner.user.id), 403, 'forbidden')
        expectError(await remove(owner, conv.id, outsider!.user.id), 404, 'not_found')
        expectError(await remove(owner, conv.id, 'u_nobody'), 404, 'not_found')
        expectError(await remove(owner, conv.id, 'not%20an%20id'), 404, 'not_found')
        expectError(await remove(outsider!, conv.id, member.user.id), 404, 'not_found')
        expectError(await remove(outsider!, conv.id, outsider!.user.id), 404, 'not_found')
        const direct = await rest.conversation(owner, [member])
        expectError(await remove(owner, direct.id, member.user.id), 400, 'bad_request')
        expectError(await remove(owner, direct.id, owner.user.id), 400, 'bad_request')
        expect((await remove(admin, conv.id, member.user.id)).status).toBe(204)
        expect((await rest.conversationById(owner, conv.id)).memberIds).toHaveLength(3)
      })
    })

    describe('PATCH /api/conversations/:id/members/:userId (role)', () => {
      test('the owner makes an admin and back: 200 with the roles, a role_changed message each time', async () => {
        const { people, conv } = await team(2)
        const [owner, member] = people as [Account, Account]
        const up = await setRole(owner, conv.id, member.user.id, { role: 'admin' })
        expect(up.status, up.text).toBe(200)
        expect(up.json.members[1]).toEqual({ userId: member.user.id, role: 'admin' })
        expect(up.json.lastMessage?.system).toEqual({ type: 'role_changed', actorId: owner.user.id, userIds: [member.user.id], role: 'admin' })
        const down = await setRole(owner, conv.id, member.user.id, { role: 'member' })
        expect(down.json).toMatchObject({ lastSeq: 2, members: [{ role: 'owner' }, { role: 'member' }] })
      })

      test('refusals: admins 403, the owner’s own role 409, not a member 404, direct 400, bad roles 400', async () => {
        const { people, conv } = await team(3)
        const [owner, admin, member] = people as [Account, Account, Account]
        const [outsider] = await rest.newUsers(1, 'out')
        await setRole(owner, conv.id, admin.user.id, { role: 'admin' })
        expectError(await setRole(admin, conv.id, member.user.id, { role: 'admin' }), 403, 'forbidden')
        expectError(await setRole(member, conv.id, member.user.id, { role: 'admin' }), 403, 'forbidden')
        expectError(await setRole(owner, conv.id, owner.user.id, { role: 'member' }), 409, 'conflict')
        expectError(await setRole(owner, conv.id, outsider!.user.id, { role: 'admin' }), 404, 'not_found')
        expectError(await setRole(outsider!, conv.id, member.user.id, { role: 'admin' }), 404, 'not_found')
        const direct = await rest.conversation(owner, [member])
        expectError(await setRole(owner, direct.id, member.user.id, { role: 'admin' }), 400, 'bad_request')
        for (const body of [{ role: 'owner' }, { role: 'ADMIN' }, { role: 1 }, {}, null]) {
          expectError(await setRole(owner, conv.id, member.user.id, body), 400, 'bad_request')
        }
      })
    })

    describe('PUT /api/conversations/:id/settings (mute)', () => {
      test('your own mute, until a time or forever; null once the time has passed; null unmutes; others do not see it', async () => {
        const { people, conv } = await team(2)
        const [owner, member] = people as [Account, Account]
        const until = clocked.now() + 60_000
        const muted = await settings(member, conv.id, { mutedUntil: until })
        expect(muted.status, muted.text).toBe(200)
        expect(muted.json).toMatchObject({ id: conv.id, mutedUntil: until, lastSeq: 0 })
        expect((await rest.conversationById(owner, conv.id)).mutedUntil).toBeNull()
        expect((await rest.conversationById(member, conv.id)).mutedUntil).toBe(until)
        clocked.advance(60_001)
        expect((await rest.conversationById(member, conv.id)).mutedUntil).toBeNull()
        expect((await rest.conversations(member)).find((c) => c.id === conv.id)?.mutedUntil).toBeNull()
        expect((await settings(member, conv.id, { mutedUntil: MUTE_FOREVER })).json.mutedUntil).toBe(MUTE_FOREVER)
        expect((await settings(member, conv.id, { mutedUntil: null })).json.mutedUntil).toBeNull()
        // A direct conversation can be muted too.
        const direct = await rest.conversation(owner, [member])
        expect((await settings(owner, direct.id, { mutedUntil: MUTE_FOREVER })).json.mutedUntil).toBe(MUTE_FOREVER)
      })

      test('refusals: a non-member 404, bad bodies 400', async () => {
        const { people, conv } = await team(2)
        const [outsider] = await rest.newUsers(1, 'out')
        expectError(await settings(outsider!, conv.id, { mutedUntil: null }), 404, 'not_found')
        expectError(await settings(people[0]!, 'c_nothere', { mutedUntil: null }), 404, 'not_found')
        for (const body of [{}, { mutedUntil: -1 }, { mutedUntil: 1.5 }, { mutedUntil: MUTE_FOREVER + 1 }, { mutedUntil: '5' }, { mutedUntil: 1e308 }]) {
          expectError(await settings(people[0]!, conv.id, body), 400, 'bad_request')
        }
      })
    })

    describe('messages in groups', () => {
      test('owners and admins delete others’ messages; plain members cannot; system messages are 409 to every change', async () => {
        const { people, conv } = await team(3)
        const [owner, admin, member] = people as [Account, Account, Account]
        await setRole(owner, conv.id, admin.user.id, { role: 'admin' })
        const one = await rest.send(member, conv.id, 'one')
        const two = await rest.send(owner, conv.id, 'two')
        expectError(await rest.deleteMessage(member, conv.id, two.id), 403, 'forbidden')
        const byAdmin = await rest.deleteMessage(admin, conv.id, one.id)
        expect(byAdmin.status, byAdmin.text).toBe(200)
        expect(byAdmin.json).toMatchObject({ id: one.id, senderId: member.user.id, body: '', deletedAt: expect.any(Number) })
        expect((await rest.deleteMessage(admin, conv.id, two.id)).status).toBe(200)
        // A direct conversation has no owner: only the sender deletes there.
        const direct = await rest.conversation(owner, [member])
        const theirs = await rest.send(member, direct.id, 'direct')
        expectError(await rest.deleteMessage(owner, direct.id, theirs.id), 403, 'forbidden')

        const system = (await rename(owner, conv.id, { title: 'Sys' })).json.lastMessage as Message
        expectError(await rest.edit(owner, conv.id, system.id, 'no'), 409, 'conflict')
        expectError(await rest.deleteMessage(owner, conv.id, system.id), 409, 'conflict')
        expectError(await rest.react(member, conv.id, system.id, '👍'), 409, 'conflict')
        expectError(await rest.reply(member, conv.id, 'no', system.id), 409, 'conflict')
      })

      test('hostile paths and bodies are 4xx, never 5xx', async () => {
        const { people, conv } = await team(2)
        const [owner] = people as [Account]
        const long = 'x'.repeat(5_000)
        const replies = await Promise.all([
          rest.call('PATCH', `/api/conversations/${long}`, { token: owner.token, body: { title: 'x' } }),
          rest.call('POST', `/api/conversations/${conv.id}/members`, { token: owner.token, raw: '{"userIds":[', contentType: 'application/json' }),
          rest.call('POST', `/api/conversations/${conv.id}/members`, { token: owner.token, raw: '{"__proto__":{"x":1}}' }),
          rest.call('DELETE', `/api/conversations/${conv.id}/members/${long}`, { token: owner.token }),
          rest.call('DELETE', `/api/conversations/${conv.id}/members/%00`, { token: owner.token }),
          rest.call('PATCH', `/api/conversations/${conv.id}/members/%E0%A4%A`, { token: owner.token, body: { role: 'admin' } }),
          rest.call('PUT', `/api/conversations/${conv.id}/settings`, { token: owner.token, raw: 'mutedUntil=5', contentType: 'text/plain' }),
          rest.call('PATCH', `/api/conversations/${conv.id}`, { body: { title: 'x' } }),
        ])
        for (const reply of replies) {
          expect(reply.status, reply.text).toBeGreaterThanOrEqual(400)
          expect(reply.status, reply.text).toBeLessThan(500)
        }
        expect(replies.at(-1)!.status).toBe(401)
      })
    })
  })
}

describe('rate limits', () => {
  test('group changes share CONVERSATION_RATE_LIMIT a minute per user, mutes CHANGE_RATE_LIMIT: then 429', async () => {
    const limited = await startClockedServer({ AUTH_RATE_LIMIT: '100000', CONVERSATION_RATE_LIMIT: '4', CHANGE_RATE_LIMIT: '2' })
    try {
      const r = limited.rest
      const [owner, member] = (await r.newUsers(2, 'rl')) as [Account, Account]
      // Creating the group has a budget of its own; the four changes below use this one up.
      const conv = await r.conversation(owner, [member], 'Limits')
      const call = (method: string, path: string, body?: unknown) => r.call(method, path, { token: owner.token, body })
      expect((await call('PATCH', `/api/conversations/${conv.id}`, { title: 'a' })).status).toBe(200)
      expect((await call('PATCH', `/api/conversations/${conv.id}/members/${member.user.id}`, { role: 'admin' })).status).toBe(200)
      expect((await call('PATCH', `/api/conversations/${conv.id}`, { title: 'b' })).status).toBe(200)
      expect((await call('PATCH', `/api/conversations/${conv.id}`, { title: 'c' })).status).toBe(200)
      expectError(await call('DELETE', `/api/conversations/${conv.id}/members/${member.user.id}`), 429, 'rate_limited')
      expect((await call('PUT', `/api/conversations/${conv.id}/settings`, { mutedUntil: null })).status).toBe(200)
      expect((await call('PUT', `/api/conversations/${conv.id}/settings`, { mutedUntil: null })).status).toBe(200)
      expectError(await call('PUT', `/api/conversations/${conv.id}/settings`, { mutedUntil: null }), 429, 'rate_limited')
    } finally {
      await limited.stop()
    }
  })
})
