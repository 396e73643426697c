/**
 * Messages people can change (issue 17), two desktop cores against a real
 * server process: alice reaches it only through a TCP proxy (so her link can
 * be cut), bob directly. Edits, deletes for everyone, reactions, replies and
 * mentions cross over live and while alice is offline; afterwards both caches
 * equal the server (revs, bodies, tombstones, reactions, reply previews,
 * mentions). The outbox coalesces, waits for pending sends, rolls back what
 * the server refuses and survives a restart; notifications follow the rules.
 */
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Database } from 'better-sqlite3'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { MUTE_FOREVER, type Message } from '../../../src/shared/api'
import type { ChatMessage } from '../../../src/shared/ipc'
import {
  eventually,
  expectCacheEqualsServer,
  serverConversation,
  serverHistory,
  startProxiedPair, stopProxiedPair,
  waitConnected,
  waitForEvent,
  type TestCore,
} from '../../helpers/core'
import { callApi } from '../../helpers/messenger'
import type { TcpProxy } from '../../helpers/tcp-proxy'
import type { ServerProcess } from '../../kit/server-process'
import { freePort } from '../../kit/ports'

const dataDir = mkdtempSync(join(tmpdir(), 'parley-changes-'))
let server: ServerProcess
let proxy: TcpProxy
let alice: TestCore
let bob: TestCore
let aliceId = ''
let conversationId = ''

beforeAll(async () => {
  const port = await freePort()
  const env = { DATA_DIR: dataDir, ACTIVITY_TIMEOUT: '2', PONG_GRACE: '1', AUTH_RATE_LIMIT: '1000', SEND_RATE_LIMIT: '100000', CHANGE_RATE_LIMIT: '100000' }
  ;({ server, proxy, alice, bob, aliceId, conversationId } = await startProxiedPair(env, port, 'mc'))
}, 60_000)

afterAll(() => stopProxiedPair({ server, proxy, alice, bob }, dataDir))

const token = (side: TestCore) => side.core.currentAccount?.api.token ?? ''
const bobName = () => bob.core.currentAccount?.cache.users([bob.core.currentAccount.me])[0]?.username ?? ''

async function settle(): Promise<void> {
  for (const side of [alice, bob]) {
    await waitConnected(side.core, 20_000)
    await side.core.currentAccount?.outbox.whenEmpty()
  }
  const last = async () => (await serverHistory(server.url, token(bob), conversationId)).at(-1)?.seq ?? 0
  const seq = await last()
  await eventually(() => [alice, bob].every((side) => side.core.currentAccount?.cache.highestSeq(conversationId) === seq), 20_000, 'both caught up')
  for (const side of [alice, bob]) {
    await side.core.currentAccount?.sync.whenIdle()
    await expectCacheEqualsServer(side.core, server.url, token(side), conversationId)
  }
}

/** Send and wait until the other core has it; the sent message as the sender's core shows it. */
async function sendAndWait(from: TestCore, to: TestCore, body: string, replyToKey?: string): Promise<ChatMessage> {
  const arrived = waitForEvent(to.core, 'messages', (e) => e.messages.some((m) => m.body === body))
  const sent = waitForEvent(from.core, 'messages', (e) => e.messages.some((m) => m.body === body && m.state === 'sent'))
  await from.core.sendMessage({ conversationId, body, ...(replyToKey ? { replyToKey } : {}) })
  await arrived
  return (await sent).messages.find((m) => m.body === body) as ChatMessage
}

const onServer = async (id: string | null): Promise<Message> =>
  (await serverHistory(server.url, token(bob), conversationId)).find((m) => m.id === id) as Message

async function goOffline(): Promise<void> {
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice offline')
}

async function goOnline(): Promise<void> {
  proxy.restore()
  await alice.core.retryNow()
}

test('live: a reaction, an edit, a reply and a delete reach the other core as they happen', async () => {
  const original = await sendAndWait(alice, bob, 'lunch at noon?')
  const bobsView = (m: ChatMessage) => m.key === original.key

  const reacted = waitForEvent(alice.core, 'messages', (e) => e.messages.some((m) => bobsView(m) && m.reactions.length === 1))
  const optimistic = await bob.core.setReaction({ conversationId, messageKey: original.key, emoji: '👍', on: true })
  expect(optimistic.reactions).toEqual([{ emoji: '👍', userIds: [optimistic.reactions[0]?.userIds[0]] }])
  expect((await reacted).messages.find(bobsView)?.reactions[0]?.emoji).toBe('👍')

  const edited = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => bobsView(m) && m.body === 'lunch at one?'))
  expect(await alice.core.editMessage({ conversationId, messageKey: original.key, body: 'lunch at one?' })).toMatchObject({
    body: 'lunch at one?',
    editedAt: expect.any(Number),
  })
  expect((await edited).messages.find(bobsView)?.editedAt).not.toBeNull()

  const reply = await sendAndWait(bob, alice, 'one works', original.key)
  expect(reply.replyTo).toMatchObject({ id: original.id, body: 'lunch at one?', deleted: false, key: original.key })

  const gone = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => bobsView(m) && m.deletedAt !== null))
  const tombstone = await alice.core.deleteForEveryone({ conversationId, messageKey: original.key })
  expect(tombstone).toMatchObject({ body: '', reactions: [], deletedAt: expect.any(Number) })
  await gone
  // The reply's preview of the deleted message is empty at bob's too.
  await eventually(() => bob.core.currentAccount?.cache.messageBySeq(conversationId, reply.seq ?? 0)?.replyTo?.deleted === true, 10_000, 'preview emptied')
  expect(await bob.core.search({ query: 'lunch at', limit: 10 })).toEqual([])
  await settle()
}, 60_000)

test('offline: both edit, delete, react, reply and mention while alice’s link is cut; then both caches equal the server', async () => {
  const hers = await sendAndWait(alice, bob, 'hers: draft one')
  const hersToDelete = await sendAndWait(alice, bob, 'hers: to delete')
  const his = await sendAndWait(bob, alice, 'his: plan for saturday')
  await goOffline()

  await alice.core.editMessage({ conversationId, messageKey: hers.key, body: 'hers: final one' })
  await alice.core.setReaction({ conversationId, messageKey: his.key, emoji: '🎉', on: true })
  await alice.core.deleteForEveryone({ conversationId, messageKey: hersToDelete.key })
  // A reply to her own message that is itself still unsent: it waits for it, then refers to it.
  const unsent = await alice.core.sendMessage({ conversationId, body: 'hers: sent while offline' })
  const replyOffline = await alice.core.sendMessage({ conversationId, body: 'hers: replying to myself', replyToKey: unsent.key })
  expect(replyOffline.replyTo).toMatchObject({ key: unsent.key, body: 'hers: sent while offline' })

  await bob.core.editMessage({ conversationId, messageKey: his.key, body: 'his: plan for sunday' })
  await bob.core.setReaction({ conversationId, messageKey: hers.key, emoji: '❤️', on: true })
  await bob.core.sendMessage({ conversationId, body: `@${alice.core.currentAccount?.cache.users([aliceId])[0]?.username} are you in?`, replyToKey: his.key })
  await bob.core.currentAccount?.outbox.whenEmpty()

  await goOnline()
  await settle()
  const aliceCache = alice.core.currentAccount?.cache
  const reply = aliceCache?.messages(conversationId, { limit: 100 }).find((m) => m.body === 'hers: replying to myself')
  expect(reply?.replyTo).toMatchObject({ body: 'hers: sent while offline', key: unsent.key, deleted: false })
  expect((await alice.core.listConversations()).find((c) => c.id === conversationId)?.mentionCount).toBe(1)
  expect((await onServer(hers.id)).reactions.map((r) => r.emoji)).toEqual(['❤️'])
}, 60_000)

test('a reply to my unsent message keeps its link when the answer for the original lands beyond a hole the sync is still filling', async () => {
  const account = alice.core.currentAccount
  if (account === null) throw new Error('signed out')
  await goOffline()
  // Bob writes meanwhile: alice's cache will miss a seq below her own next one.
  await bob.core.sendMessage({ conversationId, body: 'his: while you were away' })
  await bob.core.currentAccount?.outbox.whenEmpty()
  const original = await alice.core.sendMessage({ conversationId, body: 'hers: written in the dark' })
  const reply = await alice.core.sendMessage({ conversationId, body: 'hers: and a follow-up', replyToKey: original.key })

  // Alice's history fetches (the catch-up fill, the changes) wait until the outbox has had the
  // server's answer for the original: its seq lies beyond the hole, so the sync cannot store it yet.
  const api = account.api
  const fetchMessages = api.messages.bind(api)
  let release = () => {}
  const gate = new Promise<void>((resolve) => (release = resolve))
  api.messages = async (...args) => {
    await gate
    return fetchMessages(...args)
  }
  const answered = new Promise<Message>((resolve) => {
    const off = account.events.on('sent', (message) => {
      if (message.clientId !== original.clientId) return
      off()
      resolve(message)
    })
  })
  try {
    await goOnline()
    const sent = await answered
    expect(sent.seq).toBeGreaterThan(account.cache.highestSeq(conversationId) + 1)
    // The outbox goes on in microtasks: whatever it would post next has gone (or not) by now.
    await new Promise((resolve) => setTimeout(resolve, 300))
    expect(account.cache.ownMessage(conversationId, original.clientId)?.state).toBe('pending')
  } finally {
    api.messages = fetchMessages
    release()
  }
  await settle()
  const sentOriginal = account.cache.ownMessage(conversationId, original.clientId)
  expect((await serverHistory(server.url, token(bob), conversationId)).find((m) => m.clientId === reply.clientId)?.replyTo).toMatchObject({
    id: sentOriginal?.id,
    seq: sentOriginal?.seq,
  })
  expect(account.cache.ownMessage(conversationId, reply.clientId)?.replyTo).toMatchObject({ key: original.key, body: 'hers: written in the dark', deleted: false })
}, 60_000)

test('coalescing: two edits send one; a reaction added and taken back sends nothing', async () => {
  const message = await sendAndWait(alice, bob, 'typo teh')
  const before = (await serverConversation(server.url, token(bob), conversationId)).lastRev
  // REST fails at once (connection reset) while the link stays up: each attempt fails and waits for its retry.
  proxy.failHttp()
  await alice.core.editMessage({ conversationId, messageKey: message.key, body: 'typo the' })
  await alice.core.editMessage({ conversationId, messageKey: message.key, body: 'no typo' })
  await alice.core.setReaction({ conversationId, messageKey: message.key, emoji: '😂', on: true })
  await alice.core.setReaction({ conversationId, messageKey: message.key, emoji: '😂', on: false })
  await eventually(() => (alice.core.currentAccount?.cache.outbox()[0]?.attempts ?? 0) > 0, 10_000, 'an attempt failed')
  await goOnline()
  await settle()
  const after = await onServer(message.id)
  expect(after).toMatchObject({ body: 'no typo', reactions: [] })
  // One change on the server: one edit, no reaction.
  expect(after.rev).toBe(before + 1)
  expect((await serverConversation(server.url, token(bob), conversationId)).lastRev).toBe(before + 1)
  expect(alice.core.currentAccount?.cache.outbox()).toEqual([])
}, 60_000)

test('changes of a pending message wait for its send; queued changes survive an app restart', async () => {
  await goOffline()
  const draft = await alice.core.sendMessage({ conversationId, body: 'draft body' })
  await alice.core.editMessage({ conversationId, messageKey: draft.key, body: 'final body' })
  await alice.core.setReaction({ conversationId, messageKey: draft.key, emoji: '✅', on: true })
  expect(alice.core.currentAccount?.cache.ownMessage(conversationId, draft.clientId)).toMatchObject({ body: 'final body', state: 'pending' })
  // Quit between queueing and sending, and start again.
  alice = await alice.restart()
  expect(alice.core.currentAccount?.cache.ownMessage(conversationId, draft.clientId)).toMatchObject({
    body: 'final body',
    reactions: [{ emoji: '✅', userIds: [aliceId] }],
  })
  await goOnline()
  await settle()
  const sent = alice.core.currentAccount?.cache.ownMessage(conversationId, draft.clientId)
  expect(await onServer(sent?.id ?? null)).toMatchObject({ body: 'final body', editedAt: expect.any(Number), reactions: [{ emoji: '✅', userIds: [aliceId] }] })
}, 60_000)

test('refusals roll back and say why: an edit of someone else’s message (403), an edit of a message deleted elsewhere (409)', async () => {
  const his = await sendAndWait(bob, alice, 'his: not yours to edit')
  const account = alice.core.currentAccount
  if (account === null) throw new Error('signed out')
  // Forged straight into the queue: the core itself refuses to queue it (forbidden).
  await expect(alice.core.editMessage({ conversationId, messageKey: his.key, body: 'forged' })).rejects.toMatchObject({ code: 'forbidden' })
  const db = (account.cache as unknown as { db: Database }).db
  const refused = waitForEvent(alice.core, 'changeRefused')
  const rolledBack = waitForEvent(alice.core, 'messages', (e) => e.messages.some((m) => m.key === his.key && m.body === 'his: not yours to edit'))
  db.prepare(`INSERT INTO outbox (kind, conversation_id, message_row_id, body, queued_at) SELECT 'edit', conversation_id, row_id, 'forged', 1 FROM messages WHERE id = ?`).run(his.id)
  account.outbox.kick()
  expect(await refused).toMatchObject({ conversationId, messageKey: his.key, change: 'edit', code: 'forbidden' })
  await rolledBack

  // Alice's other device deletes her message while this one, offline, edits it; a delete racing that delete is idempotent.
  const hers = await sendAndWait(alice, bob, 'hers: edited here, deleted there')
  const hersToo = await sendAndWait(alice, bob, 'hers: deleted twice')
  await goOffline()
  await alice.core.editMessage({ conversationId, messageKey: hers.key, body: 'hers: too late' })
  await alice.core.deleteForEveryone({ conversationId, messageKey: hersToo.key })
  for (const id of [hers.id, hersToo.id]) {
    expect((await callApi(server.url, 'DELETE', `/api/conversations/${conversationId}/messages/${id}`, { token: token(alice) })).status).toBe(200)
  }
  const conflict = waitForEvent(alice.core, 'changeRefused', (e) => e.messageKey === hers.key, 20_000)
  await goOnline()
  expect(await conflict).toMatchObject({ change: 'edit', code: 'conflict' })
  await settle()
  const cache = alice.core.currentAccount?.cache
  expect(cache?.messageByKey(conversationId, hers.key)).toMatchObject({ body: '', deletedAt: expect.any(Number) })
  expect(cache?.messageByKey(conversationId, hersToo.key)).toMatchObject({ body: '', deletedAt: expect.any(Number) })
}, 60_000)

test('notifications: a mention notifies in a muted conversation; edits and reactions never notify; a delete closes it', async () => {
  bob.core.windowFocusChanged(false)
  await bob.core.setMuted({ conversationId, mutedUntil: MUTE_FOREVER })
  bob.services.notifications.length = 0
  bob.services.closed.length = 0
  await sendAndWait(alice, bob, 'muted: nobody is told')
  expect(bob.services.notifications).toEqual([])
  const mention = await sendAndWait(alice, bob, `@${bobName()} muted, but you are called`)
  expect(bob.services.notifications.map((n) => n.body)).toEqual([mention.body])

  await alice.core.editMessage({ conversationId, messageKey: mention.key, body: `@${bobName()} edited` })
  await alice.core.setReaction({ conversationId, messageKey: mention.key, emoji: '👀', on: true })
  await eventually(() => bob.core.currentAccount?.cache.messageByKey(conversationId, mention.key)?.reactions.length === 1, 10_000, 'bob has both changes')
  expect(bob.services.notifications).toHaveLength(1)

  await alice.core.deleteForEveryone({ conversationId, messageKey: mention.key })
  await eventually(() => bob.services.closed.includes(conversationId), 10_000, 'the notification of the deleted message closed')
  await bob.core.setMuted({ conversationId, mutedUntil: null })
  await settle()
}, 60_000)
