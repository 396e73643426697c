/**
 * Groups, people and administration in the desktop core (issue 19) against a
 * real server process: the group calls round-trip and every core's views
 * follow; system messages are cached like any message, never unread, never
 * notified, and caught up after a gap; removal — live, and while offline —
 * leaves the history readable and read-only, fails what was queued for good,
 * and being added back resumes; a mute reaches my other device and ends by
 * itself; drafts survive a restart; blocked flags; profile, sessions,
 * password and invites; the online-only calls say `offline`. (That a
 * transient error never marks a conversation left: sync/membership.test.ts.)
 *
 * alice reaches the server through a TCP proxy (to take her offline), bob
 * and a second device of alice directly; carol and dave act over REST.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { MUTE_FOREVER, type Conversation } from '../../../src/shared/api'
import type { ChatConversation } from '../../../src/shared/ipc'
import { cleanupCoreDirs, eventually, expectCacheEqualsServer, startCore, waitConnected, waitForEvent, type TestCore } from '../../helpers/core'
import { PASSWORD, Rest, type Account } from '../../helpers/rest'
import { TcpProxy } from '../../helpers/tcp-proxy'
import { spawnServer, type ServerProcess } from '../../kit/server-process'

let server: ServerProcess
let proxy: TcpProxy
let rest: Rest
let alice: TestCore
let aliceElsewhere: TestCore
let bob: TestCore
let aliceId = ''
let bobId = ''
let carol: Account
let dave: Account
const dataDir = mkdtempSync(join(tmpdir(), 'parley-groups-'))
const suffix = process.pid.toString(36)

async function viewOf(core: TestCore, conversationId: string): Promise<ChatConversation | undefined> {
  return (await core.core.listConversations()).find((c) => c.id === conversationId)
}

async function expectCode(call: Promise<unknown>, code: string): Promise<void> {
  await expect(call).rejects.toMatchObject({ code })
}

/** A group carol owns with alice (and whoever else), known to alice's core. */
async function carolsGroup(title: string, others: Account[] = []): Promise<Conversation> {
  const group = await rest.conversation(carol, [{ token: '', user: { id: aliceId } } as Account, ...others], title)
  await eventually(async () => (await viewOf(alice, group.id)) !== undefined, 10_000, 'alice has the group')
  return group
}

async function asCarol<T>(method: string, path: string, body?: unknown): Promise<T> {
  const reply = await rest.call<T>(method, path, { token: carol.token, ...(body === undefined ? {} : { body }) })
  if (reply.status >= 300) throw new Error(`${method} ${path} → ${reply.status} ${reply.text}`)
  return reply.json
}

beforeAll(async () => {
  server = await spawnServer({ DATA_DIR: dataDir, ACTIVITY_TIMEOUT: '2', PONG_GRACE: '1', AUTH_RATE_LIMIT: '1000' })
  rest = new Rest(server.url)
  proxy = new TcpProxy(server.port)
  const url = `http://127.0.0.1:${await proxy.start()}`
  alice = await startCore(url)
  bob = await startCore(server.url)
  // alice is the server's first account: its admin.
  const aliceSession = await alice.core.register({ serverUrl: url, username: `alice${suffix}`, password: PASSWORD, displayName: 'Alice' })
  aliceId = aliceSession.user?.id ?? ''
  bobId = (await bob.core.register({ serverUrl: server.url, username: `bob${suffix}`, password: PASSWORD, displayName: 'Bob' })).user?.id ?? ''
  carol = await rest.newUser('carol', 'Carol')
  dave = await rest.newUser('dave', 'Dave')
  aliceElsewhere = await startCore(server.url)
  await aliceElsewhere.core.login({ serverUrl: server.url, username: `alice${suffix}`, password: PASSWORD })
  await Promise.all([waitConnected(alice.core), waitConnected(bob.core), waitConnected(aliceElsewhere.core)])
}, 60_000)

afterAll(async () => {
  await alice?.stop()
  await aliceElsewhere?.stop()
  await bob?.stop()
  await proxy?.stop()
  server?.child.kill('SIGKILL')
  cleanupCoreDirs()
  rmSync(dataDir, { recursive: true, force: true })
})

test('group calls round-trip: rename, add, role, remove — every core’s views follow; system messages are cached, never unread, never notified', async () => {
  const group = await alice.core.createConversation({ memberIds: [bobId, carol.user.id], title: 'Hikers' })
  expect(group.members).toEqual([
    { userId: aliceId, role: 'owner' },
    { userId: bobId, role: 'member' },
    { userId: carol.user.id, role: 'member' },
  ])
  expect(group).toMatchObject({ left: false, muted: false, mutedUntil: null })
  await eventually(async () => (await viewOf(bob, group.id)) !== undefined, 10_000, 'bob has the group')
  const notifiedBefore = bob.services.notifications.length

  const renamed = await alice.core.renameConversation({ conversationId: group.id, title: '  Summit crew  ' })
  expect(renamed.title).toBe('Summit crew')
  const added = await alice.core.addMembers({ conversationId: group.id, userIds: [dave.user.id] })
  expect(added.members.map((m) => [m.userId, m.role])).toContainEqual([dave.user.id, 'member'])
  const promoted = await alice.core.setMemberRole({ conversationId: group.id, userId: bobId, role: 'admin' })
  expect(promoted.members.find((m) => m.userId === bobId)?.role).toBe('admin')
  const removed = await alice.core.removeMember({ conversationId: group.id, userId: dave.user.id })
  expect(removed.memberIds).not.toContain(dave.user.id)

  await eventually(async () => {
    const view = await viewOf(bob, group.id)
    return view?.title === 'Summit crew' && view.members.find((m) => m.userId === bobId)?.role === 'admin' && !view.memberIds.includes(dave.user.id)
  }, 10_000, "bob's view follows")
  for (const core of [alice, bob]) {
    await eventually(() => (core.core.currentAccount?.cache.highestSeq(group.id) ?? 0) >= 4, 10_000, 'four system messages cached')
    const { messages } = await core.core.loadMessages({ conversationId: group.id, limit: 50 })
    expect(messages.map((m) => [m.kind, m.system?.type, m.body])).toEqual([
      ['system', 'title_changed', ''],
      ['system', 'member_added', ''],
      ['system', 'role_changed', ''],
      ['system', 'member_removed', ''],
    ])
    expect(messages[0]?.system).toMatchObject({ actorId: aliceId, title: 'Summit crew' })
    expect(messages[1]?.system).toMatchObject({ actorId: aliceId, userIds: [dave.user.id] })
  }
  const bobView = await viewOf(bob, group.id)
  expect(bobView?.unreadCount).toBe(0)
  expect(bobView?.lastMessage?.kind).toBe('system')
  expect(bob.services.notifications.slice(notifiedBefore)).toEqual([])
  await expectCacheEqualsServer(bob.core, server.url, bob.core.currentAccount?.api.token ?? '', group.id)
})

test('system messages made while offline are caught up after the gap, not unread, not notified; the text among them is', async () => {
  const group = await carolsGroup(`Gap ${suffix}`)
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice offline')
  const notifiedBefore = alice.services.notifications.length
  await asCarol('PATCH', `/api/conversations/${group.id}`, { title: 'Renamed while away' })
  await asCarol('POST', `/api/conversations/${group.id}/members`, { userIds: [dave.user.id] })
  await rest.send(carol, group.id, 'hello after the changes')
  proxy.restore()
  await alice.core.retryNow()
  // The messages may come first (a fill retried after the gap), the title with the listing.
  await eventually(
    async () => (alice.core.currentAccount?.cache.highestSeq(group.id) ?? 0) >= 3 && (await viewOf(alice, group.id))?.title === 'Renamed while away',
    15_000,
    'alice caught up',
  )
  const { messages } = await alice.core.loadMessages({ conversationId: group.id, limit: 50 })
  expect(messages.map((m) => m.kind)).toEqual(['system', 'system', 'text'])
  const view = await viewOf(alice, group.id)
  expect(view).toMatchObject({ title: 'Renamed while away', unreadCount: 1 })
  await expectCacheEqualsServer(alice.core, server.url, alice.core.currentAccount?.api.token ?? '', group.id)
  await eventually(() => alice.services.notifications.length > notifiedBefore, 5_000, 'the text notifies').catch(() => undefined)
  expect(alice.services.notifications.slice(notifiedBefore).filter((n) => n.conversationId === group.id)).toEqual([
    expect.objectContaining({ body: 'hello after the changes' }),
  ])
})

test('conversation.removed live: left, history readable, everything that writes refused; added back: sync resumes', async () => {
  const group = await carolsGroup(`Live ${suffix}`, [dave])
  await rest.send(carol, group.id, 'before the removal')
  await eventually(() => (alice.core.currentAccount?.cache.highestSeq(group.id) ?? 0) >= 1, 10_000, 'message arrived')
  const left = waitForEvent(alice.core, 'conversations', (views) => views.some((v) => v.id === group.id && v.left))
  await asCarol('DELETE', `/api/conversations/${group.id}/members/${aliceId}`)
  await left
  const view = await viewOf(alice, group.id)
  expect(view).toMatchObject({ left: true, unreadCount: 0 })
  expect((await alice.core.loadMessages({ conversationId: group.id, limit: 50 })).messages.map((m) => m.body)).toContain('before the removal')
  await expectCode(alice.core.sendMessage({ conversationId: group.id, body: 'refused' }), 'left')
  await expectCode(alice.core.markRead({ conversationId: group.id, seq: 1 }), 'left')
  await expectCode(alice.core.setTyping({ conversationId: group.id, typing: true }), 'left')
  const key = `${carol.user.id}:${(await alice.core.loadMessages({ conversationId: group.id, limit: 50 })).messages[0]?.clientId}`
  await expectCode(alice.core.setReaction({ conversationId: group.id, messageKey: key, emoji: '👍', on: true }), 'left')
  await expectCode(alice.core.renameConversation({ conversationId: group.id, title: 'x' }), 'left')
  expect(alice.core.currentAccount?.supervisor.activeLink?.subscribedConversations()).not.toContain(group.id)

  // Added back: the upsert listing alice clears `left`, presence and sync resume.
  await asCarol('POST', `/api/conversations/${group.id}/members`, { userIds: [aliceId] })
  await eventually(async () => (await viewOf(alice, group.id))?.left === false, 10_000, 'alice is a member again')
  await rest.send(carol, group.id, 'welcome back')
  await eventually(async () => (await alice.core.loadMessages({ conversationId: group.id, limit: 50 })).messages.some((m) => m.body === 'welcome back'), 10_000, 'sync resumed')
  await alice.core.sendMessage({ conversationId: group.id, body: 'glad to be back' })
  await eventually(() => alice.core.currentAccount?.cache.outbox().some((item) => item.conversationId === group.id && item.kind === 'message') === false, 10_000, 'sent')
  await eventually(() => alice.core.currentAccount?.supervisor.activeLink?.subscribedConversations().includes(group.id) === true, 10_000, 'presence again')
})

test('removed while offline: found out after reconnecting; history kept read-only; the queued message fails for good', async () => {
  const group = await carolsGroup(`Offline ${suffix}`)
  await rest.send(carol, group.id, 'old news')
  await eventually(() => (alice.core.currentAccount?.cache.highestSeq(group.id) ?? 0) >= 1, 10_000, 'message arrived')
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice offline')
  const queued = await alice.core.sendMessage({ conversationId: group.id, body: 'written offline' })
  await asCarol('DELETE', `/api/conversations/${group.id}/members/${aliceId}`)
  // The app is closed meanwhile, and opened again: conversation.removed went to nobody.
  alice = await alice.restart()
  proxy.restore()
  await waitConnected(alice.core)
  await eventually(async () => (await viewOf(alice, group.id))?.left === true, 15_000, 'alice found out')
  const account = alice.core.currentAccount
  await eventually(() => account?.cache.ownMessage(group.id, queued.clientId)?.state === 'failed', 10_000, 'the queued message failed')
  expect(account?.cache.ownMessage(group.id, queued.clientId)?.error).toBeTruthy()
  // 'left' when the sync found out first; the server's 404 when the outbox's post got there first.
  expect(account?.cache.ownMessage(group.id, queued.clientId)?.errorCode).toMatch(/^(left|not_found)$/)
  expect(account?.cache.outbox().filter((item) => item.conversationId === group.id)).toEqual([])
  expect((await alice.core.loadMessages({ conversationId: group.id, limit: 50 })).messages.map((m) => m.body)).toContain('old news')
  await expectCode(alice.core.sendMessage({ conversationId: group.id, body: 'refused' }), 'left')
  await expectCode(alice.core.retryMessage({ conversationId: group.id, clientId: queued.clientId }), 'left')
  // Another sync (reconnect) keeps it left and asks nothing again of what it knows.
  await alice.core.retryNow()
  await waitConnected(alice.core)
  expect((await viewOf(alice, group.id))?.left).toBe(true)
})

test('leaveConversation: left on success; history stays', async () => {
  const group = await carolsGroup(`Leave ${suffix}`)
  await rest.send(carol, group.id, 'see you')
  await eventually(() => (alice.core.currentAccount?.cache.highestSeq(group.id) ?? 0) >= 1, 10_000, 'message arrived')
  expect(await alice.core.leaveConversation({ conversationId: group.id })).toBeNull()
  expect((await viewOf(alice, group.id))?.left).toBe(true)
  expect((await rest.call('GET', `/api/conversations/${group.id}`, { token: alice.core.currentAccount?.api.token ?? '' })).status).toBe(404)
  // The other device hears conversation.removed.
  await eventually(async () => (await viewOf(aliceElsewhere, group.id))?.left === true, 10_000, 'the other device knows')
})

test('a mute set on one device reaches the other and ends by itself everywhere; muted, nothing notifies', async () => {
  const group = await carolsGroup(`Mute ${suffix}`)
  await eventually(async () => (await viewOf(aliceElsewhere, group.id)) !== undefined, 10_000, 'the other device has it')
  const until = Date.now() + 3_000
  const muted = await alice.core.setMuted({ conversationId: group.id, mutedUntil: until })
  expect(muted).toMatchObject({ muted: true, mutedUntil: until })
  await eventually(async () => (await viewOf(aliceElsewhere, group.id))?.mutedUntil === until, 10_000, 'synced to the other device')
  const before = alice.services.notifications.length
  await rest.send(carol, group.id, 'while muted')
  await eventually(async () => (await alice.core.loadMessages({ conversationId: group.id, limit: 10 })).messages.some((m) => m.body === 'while muted'), 10_000, 'arrived')
  expect(alice.services.notifications.slice(before).filter((n) => n.conversationId === group.id)).toEqual([])
  // No event from the server: each core's timer sends the view again when the mute passes.
  const [here, there] = await Promise.all([
    waitForEvent(alice.core, 'conversations', (views) => views.some((v) => v.id === group.id && !v.muted), 10_000),
    waitForEvent(aliceElsewhere.core, 'conversations', (views) => views.some((v) => v.id === group.id && !v.muted), 10_000),
  ])
  expect(Date.now()).toBeGreaterThanOrEqual(until)
  expect(here.find((v) => v.id === group.id)?.mutedUntil).toBeNull()
  expect(there.find((v) => v.id === group.id)?.mutedUntil).toBeNull()
  await rest.send(carol, group.id, 'after the mute')
  await eventually(() => alice.services.notifications.some((n) => n.body === 'after the mute'), 10_000, 'notifies again')

  // Until turned back on; and off again.
  expect((await aliceElsewhere.core.setMuted({ conversationId: group.id, mutedUntil: MUTE_FOREVER })).muted).toBe(true)
  await eventually(async () => (await viewOf(alice, group.id))?.mutedUntil === MUTE_FOREVER, 10_000, 'forever reaches alice')
  expect((await alice.core.setMuted({ conversationId: group.id, mutedUntil: null })).muted).toBe(false)
  await eventually(async () => (await viewOf(aliceElsewhere, group.id))?.muted === false, 10_000, 'unmute reaches the other device')
})

test('drafts survive a restart over the same cache', async () => {
  const group = await carolsGroup(`Draft ${suffix}`)
  await alice.core.setDraft({ conversationId: group.id, text: 'half a thought…' })
  alice = await alice.restart()
  expect(await alice.core.getDraft({ conversationId: group.id })).toBe('half a thought…')
  await alice.core.setDraft({ conversationId: group.id, text: '' })
  expect(await alice.core.getDraft({ conversationId: group.id })).toBe('')
  await expectCode(alice.core.setDraft({ conversationId: 'c_nope', text: 'x' }), 'not_found')
  await waitConnected(alice.core)
})

test('the conversation the window showed last is in the session after a restart; closing it forgets it', async () => {
  const group = await carolsGroup(`Reopen ${suffix}`)
  await alice.core.setActiveConversation({ conversationId: group.id })
  alice = await alice.restart()
  expect((await alice.core.getSession()).lastOpenConversationId).toBe(group.id)
  await alice.core.setActiveConversation({ conversationId: null })
  expect((await alice.core.getSession()).lastOpenConversationId).toBeNull()
  await waitConnected(alice.core)
})

test('blocking: ChatUser.blocked follows block, list and unblock, and users are pushed', async () => {
  await alice.core.getUsers({ ids: [dave.user.id] })
  const pushed = waitForEvent(alice.core, 'users', (users) => users.some((u) => u.id === dave.user.id && u.blocked === true))
  await alice.core.blockUser({ userId: dave.user.id })
  await pushed
  expect((await alice.core.listBlocked()).map((u) => [u.id, u.blocked])).toEqual([[dave.user.id, true]])
  expect((await alice.core.getUsers({ ids: [dave.user.id] }))[0]?.blocked).toBe(true)
  expect((await alice.core.listUsers({ query: 'dave' })).find((u) => u.id === dave.user.id)?.blocked).toBe(true)
  await alice.core.unblockUser({ userId: dave.user.id })
  expect((await alice.core.getUsers({ ids: [dave.user.id] }))[0]?.blocked).toBeUndefined()
  expect(await alice.core.listBlocked()).toEqual([])
  // Blocked on another device: this one learns it at its next sync.
  await aliceElsewhere.core.blockUser({ userId: dave.user.id })
  proxy.cut()
  proxy.restore()
  await alice.core.retryNow()
  await eventually(async () => (await alice.core.getUsers({ ids: [dave.user.id] }))[0]?.blocked === true, 15_000, 'learnt at the next sync')
  await aliceElsewhere.core.unblockUser({ userId: dave.user.id })
})

test('a message into the direct conversation of someone who blocked me fails for good with errorCode blocked', async () => {
  const direct = await rest.conversation(dave, [{ token: '', user: { id: aliceId } } as Account])
  await eventually(async () => (await viewOf(alice, direct.id)) !== undefined, 10_000, 'alice has the direct conversation')
  await rest.call('PUT', `/api/users/${aliceId}/block`, { token: dave.token })
  const sent = await alice.core.sendMessage({ conversationId: direct.id, body: 'hello?' })
  const account = alice.core.currentAccount
  await eventually(() => account?.cache.ownMessage(direct.id, sent.clientId)?.state === 'failed', 10_000, 'the send failed')
  expect(account?.cache.ownMessage(direct.id, sent.clientId)).toMatchObject({ errorCode: 'blocked', error: expect.stringMatching(/blocked/) })
  // Retrying clears the code while it is pending again; unblocked, it goes.
  await rest.call('DELETE', `/api/users/${aliceId}/block`, { token: dave.token })
  expect((await alice.core.retryMessage({ conversationId: direct.id, clientId: sent.clientId })).errorCode).toBeNull()
  await eventually(() => account?.cache.ownMessage(direct.id, sent.clientId)?.state === 'sent', 10_000, 'sent after unblocking')
})

test('profile, admin flag, sessions, invites and password', async () => {
  expect((await alice.core.getSession()).serverAdmin).toBe(true)
  expect((await bob.core.getSession()).serverAdmin).toBe(false)
  const sessionEvent = waitForEvent(alice.core, 'session', (info) => info.user?.displayName === 'Alice Liddell')
  expect((await alice.core.updateProfile({ displayName: '  Alice Liddell ' })).displayName).toBe('Alice Liddell')
  await sessionEvent
  await expectCode(alice.core.updateProfile({ displayName: '\u202eevil' }), 'bad_request')

  const invite = await alice.core.createInvite({ expiresInHours: 2 })
  expect(invite.url).toContain(invite.code)
  expect(invite.expiresAt).toBeGreaterThan(Date.now())
  await expectCode(bob.core.createInvite({}), 'forbidden')

  const sessions = await alice.core.listSessions()
  expect(sessions.filter((s) => s.current)).toHaveLength(1)
  expect(sessions.length).toBeGreaterThanOrEqual(2)

  await expectCode(bob.core.changePassword({ current: 'not-my-password', next: 'another-password-1' }), 'forbidden')
  expect((await bob.core.getSession()).user?.id).toBe(bobId)
  // A device of bob's signed out by bob from this one.
  const bobElsewhere = await startCore(server.url)
  await bobElsewhere.core.login({ serverUrl: server.url, username: `bob${suffix}`, password: PASSWORD })
  const other = (await bob.core.listSessions()).filter((s) => !s.current)
  expect(other.length).toBeGreaterThanOrEqual(1)
  for (const session of other) await bob.core.revokeSession({ sessionId: session.id })
  await bobElsewhere.core.listUsers({}).catch(() => undefined)
  await eventually(async () => (await bobElsewhere.core.getSession()).user === null, 10_000, 'the other device is signed out')
  await bobElsewhere.stop()
  await bob.core.changePassword({ current: PASSWORD, next: 'a-new-password-2' })
  expect((await bob.core.getSession()).user?.id).toBe(bobId)
})

test('online-only calls offline: `offline`, nothing queued', async () => {
  const group = await carolsGroup(`Offline calls ${suffix}`)
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state === 'offline', 10_000, 'alice offline')
  await expectCode(alice.core.renameConversation({ conversationId: group.id, title: 'nope' }), 'offline')
  await expectCode(alice.core.setMuted({ conversationId: group.id, mutedUntil: MUTE_FOREVER }), 'offline')
  await expectCode(alice.core.blockUser({ userId: dave.user.id }), 'offline')
  await expectCode(alice.core.listSessions(), 'offline')
  proxy.restore()
  await alice.core.retryNow()
  await waitConnected(alice.core)
  expect((await viewOf(alice, group.id))?.muted).toBe(false)
})

test('registration by invite: refused without one (invite_required), accepted with one from the admin', async () => {
  const inviteDir = mkdtempSync(join(tmpdir(), 'parley-invite-'))
  const invited = await spawnServer({ DATA_DIR: inviteDir, AUTH_RATE_LIMIT: '1000', REGISTRATION: 'invite' })
  const admin = await startCore(invited.url)
  const newcomer = await startCore(invited.url)
  try {
    await admin.core.register({ serverUrl: invited.url, username: `admin${suffix}`, password: PASSWORD })
    expect((await admin.core.getSession()).serverAdmin).toBe(true)
    await waitConnected(admin.core)
    const refused = newcomer.core.register({ serverUrl: invited.url, username: `new${suffix}`, password: PASSWORD })
    await expect(refused).rejects.toMatchObject({ code: 'invite_required', message: expect.stringMatching(/invit/i) })
    const { code } = await admin.core.createInvite({})
    const session = await newcomer.core.register({ serverUrl: invited.url, username: `new${suffix}`, password: PASSWORD, invite: code })
    expect(session.user?.username).toBe(`new${suffix}`)
    expect(session.serverAdmin).toBe(false)
  } finally {
    await admin.stop()
    await newcomer.stop()
    invited.child.kill('SIGKILL')
    rmSync(inviteDir, { recursive: true, force: true })
  }
})
