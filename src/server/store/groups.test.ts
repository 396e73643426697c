/**
 * Groups, roles and mutes in the store (docs/design.md §4.6), on SQLite and
 * PostgreSQL: every operation and every refusal, seq and rev gapless across
 * text and system messages, ownership passing on, unread counts without
 * system messages, an added member's markers, mute expiry in the view.
 * Real databases, no mocks.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import { LIMITS, MUTE_FOREVER, type Message } from '../../shared/api'
import { conversationView } from '../api/views'
import { requirePostgres } from '../../../test/kit/services'
import { storeFactories, type StoreFactory } from '../../../test/support/store-factories'
import { newId } from './ids'
import { GroupRefusedError, MessageRefusedError, type ConversationRecord, type GroupRefusal, type Store, type UserRecord } from './store'

const postgresMissing = await requirePostgres('group store tests: the postgres variant')

async function refusal(promise: Promise<unknown>): Promise<GroupRefusal | string> {
  try {
    await promise
  } catch (err) {
    if (err instanceof GroupRefusedError || err instanceof MessageRefusedError) return err.reason
    throw err
  }
  throw new Error('expected a refusal')
}

function groupContract(factory: StoreFactory): void {
  let store: Store
  let cleanup: () => Promise<void>
  let n = 0
  beforeEach(async () => {
    ;({ store, cleanup } = await factory.open())
  })
  afterEach(async () => {
    await cleanup()
  })

  const user = async (name = 'g'): Promise<UserRecord> =>
    store.createUser({ id: newId('u'), username: `${name}${++n}`, displayName: name, passwordHash: 'x', createdAt: 1 })
  const users = async (count: number): Promise<UserRecord[]> => Promise.all(Array.from({ length: count }, () => user()))

  const group = async (members: UserRecord[], now = 10): Promise<ConversationRecord> =>
    (await store.createConversation({ kind: 'group', title: 'g', memberIds: members.map((m) => m.id), createdBy: members[0]!.id, now }))
      .conversation
  const roles = (record: ConversationRecord) => record.members.map((m) => [m.userId, m.role])
  const send = (conversationId: string, senderId: string, body = 'hi', now = 100) =>
    store.appendMessage({ conversationId, senderId, clientId: newId('m'), body, now })
  const all = async (conversationId: string): Promise<Message[]> => (await store.messages(conversationId, { after: 0, limit: 200 })).messages

  test('the creator owns a group; both members of a direct conversation are members', async () => {
    const [a, b, c] = await users(3)
    expect(roles(await group([a!, b!, c!]))).toEqual([
      [a!.id, 'owner'],
      [b!.id, 'member'],
      [c!.id, 'member'],
    ])
    const direct = await store.createConversation({ kind: 'direct', title: null, memberIds: [b!.id, a!.id], createdBy: b!.id, now: 1 })
    expect(direct.conversation.members.map((m) => m.role)).toEqual(['member', 'member'])
    expect(direct.conversation.members[0]).toEqual({ userId: b!.id, readSeq: 0, deliveredSeq: 0, role: 'member', joinedAt: 1, mutedUntil: null })
  })

  test('rename: a title_changed message with the next seq and rev; the same title again writes nothing', async () => {
    const [a, b] = await users(2)
    const g = await group([a!, b!])
    await send(g.id, b!.id)
    const change = await store.renameConversation({ conversationId: g.id, actorId: a!.id, title: 'New', now: 500 })
    expect(change.system).toMatchObject({
      seq: 2,
      rev: 2,
      kind: 'system',
      body: '',
      senderId: a!.id,
      system: { type: 'title_changed', actorId: a!.id, title: 'New' },
      createdAt: 500,
    })
    expect(change.conversation).toMatchObject({ title: 'New', lastSeq: 2, lastRev: 2, lastActivityAt: 500, lastMessage: change.system })
    expect(change.removedUserIds).toEqual([])
    const again = await store.renameConversation({ conversationId: g.id, actorId: a!.id, title: 'New', now: 600 })
    expect(again.system).toBeNull()
    expect(again.conversation.lastSeq).toBe(2)
    // The stored row reads back exactly as returned (system JSON parsed and validated).
    expect((await all(g.id))[1]).toEqual(change.system)
  })

  test('role rules: members cannot rename, add, remove or change roles; admins can rename, add and remove members only', async () => {
    const [owner, admin, m1, m2, outsider] = await users(5)
    const g = await group([owner!, admin!, m1!, m2!])
    await store.setMemberRole({ conversationId: g.id, actorId: owner!.id, userId: admin!.id, role: 'admin', now: 20 })
    const at = { conversationId: g.id, now: 30 }
    expect(await refusal(store.renameConversation({ ...at, actorId: m1!.id, title: 'x' }))).toBe('forbidden')
    expect(await refusal(store.addMembers({ ...at, actorId: m1!.id, userIds: [outsider!.id] }))).toBe('forbidden')
    expect(await refusal(store.removeMember({ ...at, actorId: m1!.id, userId: m2!.id }))).toBe('forbidden')
    expect(await refusal(store.setMemberRole({ ...at, actorId: m1!.id, userId: m2!.id, role: 'admin' }))).toBe('forbidden')
    expect(await refusal(store.setMemberRole({ ...at, actorId: admin!.id, userId: m2!.id, role: 'admin' }))).toBe('forbidden')
    expect(await refusal(store.removeMember({ ...at, actorId: admin!.id, userId: owner!.id }))).toBe('forbidden')
    await store.setMemberRole({ ...at, actorId: owner!.id, userId: m1!.id, role: 'admin' })
    expect(await refusal(store.removeMember({ ...at, actorId: admin!.id, userId: m1!.id }))).toBe('forbidden')
    expect((await store.renameConversation({ ...at, actorId: admin!.id, title: 'By admin' })).system).not.toBeNull()
    expect((await store.removeMember({ ...at, actorId: admin!.id, userId: m2!.id })).removedUserIds).toEqual([m2!.id])
    // The owner removes an admin; nobody changes the owner's role.
    expect((await store.removeMember({ ...at, actorId: owner!.id, userId: m1!.id })).system?.system).toEqual({
      type: 'member_removed',
      actorId: owner!.id,
      userIds: [m1!.id],
    })
    expect(await refusal(store.setMemberRole({ ...at, actorId: owner!.id, userId: owner!.id, role: 'member' }))).toBe('owner_role')
    // Nothing refused left a trace: two role changes, a rename, two removals.
    expect((await store.conversationFor(g.id, owner!.id))!.lastSeq).toBe(5)
  })

  test('non-members and unknown conversations are not_found before anything else; targets must be members; direct is not a group', async () => {
    const [a, b, outsider] = await users(3)
    const g = await group([a!, b!])
    const at = { conversationId: g.id, now: 30 }
    expect(await refusal(store.renameConversation({ ...at, actorId: outsider!.id, title: 'x' }))).toBe('not_found')
    expect(await refusal(store.addMembers({ ...at, actorId: outsider!.id, userIds: [outsider!.id] }))).toBe('not_found')
    expect(await refusal(store.removeMember({ ...at, actorId: outsider!.id, userId: outsider!.id }))).toBe('not_found')
    expect(await refusal(store.setMemberRole({ ...at, actorId: outsider!.id, userId: a!.id, role: 'admin' }))).toBe('not_found')
    expect(await refusal(store.renameConversation({ ...at, conversationId: 'c_none', actorId: a!.id, title: 'x' }))).toBe('not_found')
    expect(await refusal(store.removeMember({ ...at, actorId: a!.id, userId: outsider!.id }))).toBe('not_member')
    expect(await refusal(store.setMemberRole({ ...at, actorId: a!.id, userId: 'u_none', role: 'admin' }))).toBe('not_member')

    const direct = (await store.createConversation({ kind: 'direct', title: null, memberIds: [a!.id, b!.id], createdBy: a!.id, now: 1 }))
      .conversation
    const d = { conversationId: direct.id, now: 30 }
    expect(await refusal(store.renameConversation({ ...d, actorId: a!.id, title: 'x' }))).toBe('not_group')
    expect(await refusal(store.addMembers({ ...d, actorId: a!.id, userIds: [outsider!.id] }))).toBe('not_group')
    expect(await refusal(store.removeMember({ ...d, actorId: a!.id, userId: b!.id }))).toBe('not_group')
    expect(await refusal(store.removeMember({ ...d, actorId: a!.id, userId: a!.id }))).toBe('not_group')
    expect(await refusal(store.setMemberRole({ ...d, actorId: a!.id, userId: b!.id, role: 'admin' }))).toBe('not_group')
    expect(await refusal(store.renameConversation({ ...d, actorId: outsider!.id, title: 'x' }))).toBe('not_found')
    expect((await store.conversationFor(direct.id, a!.id))!.lastSeq).toBe(0)
  })

  test('add: existing members skipped, unknown users and too many members refused whole; added markers start at the system message', async () => {
    const [a, b, c, d] = await users(4)
    const g = await group([a!, b!])
    await send(g.id, a!.id, 'one')
    await send(g.id, b!.id, 'two')
    expect(await refusal(store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [c!.id, 'u_nobody'], now: 50 }))).toBe(
      'unknown_users',
    )
    const nothing = await store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [b!.id, a!.id], now: 50 })
    expect(nothing.system).toBeNull()
    const change = await store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [b!.id, d!.id, c!.id], now: 60 })
    expect(change.system).toMatchObject({ seq: 3, rev: 3, system: { type: 'member_added', actorId: a!.id, userIds: [d!.id, c!.id] } })
    expect(change.conversation.members.map((m) => m.userId)).toEqual([a!.id, b!.id, d!.id, c!.id])
    const added = change.conversation.members.find((m) => m.userId === d!.id)!
    expect(added).toMatchObject({ role: 'member', readSeq: 3, deliveredSeq: 3, mutedUntil: null })
    expect(added.joinedAt).toBeGreaterThan(change.conversation.members[1]!.joinedAt)
    // Old history is theirs to read, and none of it is unread; the next message is.
    expect((await store.unreadCounts(g.id, [d!.id])).get(d!.id)).toEqual({ unread: 0, mentions: 0 })
    expect(await store.isMember(g.id, d!.id)).toBe(true)
    expect((await all(g.id)).map((m) => m.seq)).toEqual([1, 2, 3])
    await send(g.id, b!.id, 'three')
    expect((await store.unreadCounts(g.id, [d!.id])).get(d!.id)).toEqual({ unread: 1, mentions: 0 })

    // Up to the limit in all, not one more.
    const crowd = await users(LIMITS.groupMembersMax - 4)
    expect(await refusal(store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [...crowd.map((u) => u.id), 'u_x'], now: 70 }))).toBe(
      'unknown_users',
    )
    const extra = await user()
    expect(
      await refusal(store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [...crowd.map((u) => u.id), extra.id], now: 70 })),
    ).toBe('too_many_members')
    const full = await store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: crowd.map((u) => u.id), now: 70 })
    expect(full.conversation.members).toHaveLength(LIMITS.groupMembersMax)
    expect(await refusal(store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [extra.id], now: 80 }))).toBe('too_many_members')
  })

  test('leave and remove: the row goes, conversationFor is null, presence authorisation (isMember) is false', async () => {
    const [a, b, c] = await users(3)
    const g = await group([a!, b!, c!])
    const left = await store.removeMember({ conversationId: g.id, actorId: c!.id, userId: c!.id, now: 40 })
    expect(left.system?.system).toEqual({ type: 'member_left', actorId: c!.id })
    expect(left.removedUserIds).toEqual([c!.id])
    expect(left.conversation.members.map((m) => m.userId)).toEqual([a!.id, b!.id])
    expect(await store.conversationFor(g.id, c!.id)).toBeNull()
    expect(await store.isMember(g.id, c!.id)).toBe(false)
    expect(await refusal(store.removeMember({ conversationId: g.id, actorId: c!.id, userId: c!.id, now: 41 }))).toBe('not_found')
    const removed = await store.removeMember({ conversationId: g.id, actorId: a!.id, userId: b!.id, now: 42 })
    expect(removed.removedUserIds).toEqual([b!.id])
    expect((await store.conversationPageOf(b!.id, { limit: 10 })).conversations).toEqual([])
    expect(await store.memberIds(g.id)).toEqual([a!.id])
  })

  test('the owner leaving hands ownership to the longest-standing admin, else the longest-standing member', async () => {
    const [a, b, c, d] = await users(4)
    const g = await group([a!, b!, c!, d!])
    const at = { conversationId: g.id, now: 50 }
    // c and d are admins; d was made admin first, but c joined earlier: c is the heir.
    await store.setMemberRole({ ...at, actorId: a!.id, userId: d!.id, role: 'admin' })
    await store.setMemberRole({ ...at, actorId: a!.id, userId: c!.id, role: 'admin' })
    const first = await store.removeMember({ ...at, actorId: a!.id, userId: a!.id })
    expect(first.system?.system).toEqual({ type: 'member_left', actorId: a!.id, userIds: [c!.id], role: 'owner' })
    expect(roles(first.conversation)).toEqual([
      [b!.id, 'member'],
      [c!.id, 'owner'],
      [d!.id, 'admin'],
    ])
    const second = await store.removeMember({ ...at, actorId: c!.id, userId: c!.id })
    expect(second.system?.system).toMatchObject({ userIds: [d!.id], role: 'owner' })
    // No admin left: the longest-standing member.
    const third = await store.removeMember({ ...at, actorId: d!.id, userId: d!.id })
    expect(third.system?.system).toMatchObject({ userIds: [b!.id], role: 'owner' })
    expect(roles(third.conversation)).toEqual([[b!.id, 'owner']])
    // The last one out: nobody to hand over to.
    const last = await store.removeMember({ ...at, actorId: b!.id, userId: b!.id })
    expect(last.system?.system).toEqual({ type: 'member_left', actorId: b!.id })
    expect(last.conversation.members).toEqual([])
  })

  test('setRole: owner only, admin ↔ member, a role_changed message; the same role again writes nothing', async () => {
    const [a, b] = await users(2)
    const g = await group([a!, b!])
    const up = await store.setMemberRole({ conversationId: g.id, actorId: a!.id, userId: b!.id, role: 'admin', now: 5 })
    expect(up.system?.system).toEqual({ type: 'role_changed', actorId: a!.id, userIds: [b!.id], role: 'admin' })
    expect((await store.setMemberRole({ conversationId: g.id, actorId: a!.id, userId: b!.id, role: 'admin', now: 6 })).system).toBeNull()
    const down = await store.setMemberRole({ conversationId: g.id, actorId: a!.id, userId: b!.id, role: 'member', now: 7 })
    expect(down.system?.system).toMatchObject({ role: 'member' })
    expect(roles(down.conversation)).toEqual([
      [a!.id, 'owner'],
      [b!.id, 'member'],
    ])
  })

  test('seq and rev stay gapless across concurrent text and system messages; unread and mentions leave system messages out', async () => {
    const [a, b, c, ...more] = await users(8)
    const g = await group([a!, b!, c!])
    const ops: Promise<unknown>[] = []
    for (let i = 0; i < 30; i++) {
      ops.push(
        store.appendMessage({ conversationId: g.id, senderId: i % 2 ? a!.id : b!.id, clientId: `t${i}`, body: `@c ${i}`, now: 100 + i, mentions: [c!.id] }),
      )
      if (i % 6 === 0) ops.push(store.renameConversation({ conversationId: g.id, actorId: a!.id, title: `t${i}`, now: 100 + i }))
      if (i % 6 === 3) ops.push(store.addMembers({ conversationId: g.id, actorId: a!.id, userIds: [more[i % 5]!.id], now: 100 + i }))
    }
    await Promise.all(ops)
    const messages = await all(g.id)
    const record = (await store.conversationFor(g.id, a!.id))!
    expect(messages.map((m) => m.seq)).toEqual(Array.from({ length: record.lastSeq }, (_, i) => i + 1))
    expect(messages.map((m) => m.rev).sort((x, y) => x - y)).toEqual(Array.from({ length: record.lastRev }, (_, i) => i + 1))
    const system = messages.filter((m) => m.kind === 'system')
    expect(system).toHaveLength(10)
    expect(new Set(messages.map((m) => m.clientId)).size).toBe(messages.length)
    // c has read nothing: 30 texts unread, each mentioning them; the 10 system messages are not counted.
    expect((await store.unreadCounts(g.id, [c!.id])).get(c!.id)).toEqual({ unread: 30, mentions: 30 })
    expect((await store.unreadCountsOf(c!.id, [g.id])).get(g.id)).toEqual({ unread: 30, mentions: 30 })
    // A system message from someone else after your marker is still not unread.
    await store.advanceMarker(g.id, c!.id, 'read', record.lastSeq)
    await store.renameConversation({ conversationId: g.id, actorId: a!.id, title: 'later', now: 999 })
    expect((await store.unreadCounts(g.id, [c!.id])).get(c!.id)).toEqual({ unread: 0, mentions: 0 })
  })

  test('system messages cannot be edited, deleted, reacted to or replied to; owners and admins delete others’ messages', async () => {
    const [a, b, c] = await users(3)
    const g = await group([a!, b!, c!])
    const { system } = await store.renameConversation({ conversationId: g.id, actorId: a!.id, title: 'x', now: 1 })
    const at = { conversationId: g.id, messageId: system!.id }
    expect(await refusal(store.editMessage({ ...at, userId: a!.id, body: 'no', mentions: [], now: 2 }))).toBe('system_message')
    expect(await refusal(store.deleteMessage({ ...at, userId: a!.id, now: 2 }))).toBe('system_message')
    expect(await refusal(store.setReaction({ ...at, userId: b!.id, emoji: '👍', present: true }))).toBe('system_message')
    expect(
      await refusal(store.appendMessage({ conversationId: g.id, senderId: b!.id, clientId: 'r', body: 'r', now: 3, replyToId: system!.id })),
    ).toBe('system_message')

    const fromC = (await send(g.id, c!.id, 'c says')).message
    const fromC2 = (await send(g.id, c!.id, 'c again')).message
    expect(await refusal(store.deleteMessage({ conversationId: g.id, messageId: fromC.id, userId: b!.id, now: 4 }))).toBe('not_sender')
    const byOwner = await store.deleteMessage({ conversationId: g.id, messageId: fromC.id, userId: a!.id, now: 4 })
    expect(byOwner.message).toMatchObject({ deletedAt: 4, body: '', senderId: c!.id })
    await store.setMemberRole({ conversationId: g.id, actorId: a!.id, userId: b!.id, role: 'admin', now: 5 })
    expect((await store.deleteMessage({ conversationId: g.id, messageId: fromC2.id, userId: b!.id, now: 6 })).changed).toBe(true)
    // Nobody deletes in a direct conversation but the sender.
    const direct = (await store.createConversation({ kind: 'direct', title: null, memberIds: [a!.id, c!.id], createdBy: a!.id, now: 1 }))
      .conversation
    const mine = (await send(direct.id, c!.id)).message
    expect(await refusal(store.deleteMessage({ conversationId: direct.id, messageId: mine.id, userId: a!.id, now: 7 }))).toBe('not_sender')
  })

  test('mutes: per member, any conversation kind; the view shows null once the time has passed; null unmutes', async () => {
    const [a, b, outsider] = await users(3)
    const g = await group([a!, b!])
    const muted = await store.setMutedUntil(g.id, a!.id, 1_000)
    expect(muted!.members.find((m) => m.userId === a!.id)!.mutedUntil).toBe(1_000)
    expect(muted!.members.find((m) => m.userId === b!.id)!.mutedUntil).toBeNull()
    expect(conversationView(muted!, a!.id, undefined, 999).mutedUntil).toBe(1_000)
    expect(conversationView(muted!, a!.id, undefined, 1_000).mutedUntil).toBeNull()
    expect(conversationView(muted!, b!.id, undefined, 999).mutedUntil).toBeNull()
    const forever = await store.setMutedUntil(g.id, a!.id, MUTE_FOREVER)
    expect(conversationView(forever!, a!.id, undefined, Date.now()).mutedUntil).toBe(MUTE_FOREVER)
    const unmuted = await store.setMutedUntil(g.id, a!.id, null)
    expect(conversationView(unmuted!, a!.id, undefined, 0).mutedUntil).toBeNull()
    expect(await store.setMutedUntil(g.id, outsider!.id, 5)).toBeNull()
    expect(await store.setMutedUntil('c_none', a!.id, 5)).toBeNull()
    const direct = (await store.createConversation({ kind: 'direct', title: null, memberIds: [a!.id, b!.id], createdBy: a!.id, now: 1 }))
      .conversation
    expect((await store.setMutedUntil(direct.id, b!.id, 77))!.members.find((m) => m.userId === b!.id)!.mutedUntil).toBe(77)
    // A mute is no change to the conversation: no message, no seq.
    expect((await store.conversationFor(g.id, a!.id))!.lastSeq).toBe(0)
  })
}

for (const factory of storeFactories) {
  describe.skipIf(factory.name === 'postgres' && postgresMissing !== null)(`${factory.name} store: groups`, () => groupContract(factory))
}
