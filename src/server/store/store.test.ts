/**
 * The Store contract, run against every implementation we ship (SQLite now;
 * PostgreSQL joins the list with its own factory). Real databases, no mocks.
 */
import { afterEach, beforeEach, describe, expect, test } from 'vitest'
import pg from 'pg'
import { newId } from './ids'
import { openPostgresStore } from './postgres'
import { MessageRefusedError, UsernameTakenError, type Store, type UserRecord } from './store'
import { postgresUrl, requirePostgres } from '../../../test/kit/services'
import { storeFactories, type StoreFactory } from '../../../test/support/store-factories'

/** The machine's PostgreSQL (CI starts it); each test gets a schema of its own, dropped afterwards. */
const postgresMissing = await requirePostgres('store tests: the postgres variant')

const factories = storeFactories

/** The contract every store keeps; each factory runs it (the postgres one listed as skipped when PostgreSQL is missing). */
function storeContract(factory: StoreFactory): void {
  let store: Store
  let cleanup: () => Promise<void>
  let n = 0
  beforeEach(async () => {
    ;({ store, cleanup } = await factory.open())
  })
  afterEach(async () => {
    await cleanup()
  })

  const user = async (name = 'user'): Promise<UserRecord> =>
    store.createUser({ id: newId('u'), username: `${name}${++n}`, displayName: name, passwordHash: 'x', createdAt: 1 })

  const group = async (members: UserRecord[]) =>
    (
      await store.createConversation({
        kind: 'group',
        title: 'g',
        memberIds: members.map((m) => m.id),
        createdBy: members[0]!.id,
        now: 10,
      })
    ).conversation

  test('usernames are unique case-insensitively', async () => {
    await store.createUser({ id: newId('u'), username: 'Zoe', displayName: 'Z', passwordHash: 'x', createdAt: 1 })
    await expect(
      store.createUser({ id: newId('u'), username: 'zoe', displayName: 'z', passwordHash: 'x', createdAt: 1 }),
    ).rejects.toBeInstanceOf(UsernameTakenError)
    expect((await store.userByUsername('ZOE'))?.username).toBe('Zoe')
  })

  test('sessions resolve to their user until they expire, and not after deletion', async () => {
    const u = await user()
    await store.createSession('hash1', u.id, 100, 200)
    expect((await store.sessionUser('hash1', 150))?.id).toBe(u.id)
    expect(await store.sessionUser('hash1', 200)).toBeNull()
    await store.deleteSession('hash1')
    expect(await store.sessionUser('hash1', 150)).toBeNull()
  })

  test('a pair has exactly one direct conversation, even when both create it at once', async () => {
    const [a, b] = [await user(), await user()]
    const results = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        store.createConversation({
          kind: 'direct',
          title: null,
          memberIds: i % 2 ? [a.id, b.id] : [b.id, a.id],
          createdBy: i % 2 ? a.id : b.id,
          now: 10,
        }),
      ),
    )
    expect(new Set(results.map((r) => r.conversation.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
  })

  test('100 concurrent sends get seq 1..100, no gap, no duplicate', async () => {
    const members = [await user(), await user(), await user()]
    const conversation = await group(members)
    const sent = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        store.appendMessage({
          conversationId: conversation.id,
          senderId: members[i % 3]!.id,
          clientId: `c${i}`,
          body: `m${i}`,
          now: 100 + i,
        }),
      ),
    )
    expect(sent.map((s) => s.message.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    const page = await store.messages(conversation.id, { after: 0, limit: 200 })
    expect(page.messages.map((m) => m.seq)).toEqual(Array.from({ length: 100 }, (_, i) => i + 1))
    expect((await store.conversationFor(conversation.id, members[0]!.id))?.lastSeq).toBe(100)
  })

  test('the same clientId sent concurrently by the same sender is stored once', async () => {
    const [a, b] = [await user(), await user()]
    const conversation = await group([a, b])
    const results = await Promise.all(
      Array.from({ length: 5 }, () =>
        store.appendMessage({ conversationId: conversation.id, senderId: a.id, clientId: 'same', body: 'hi', now: 1 }),
      ),
    )
    expect(new Set(results.map((r) => r.message.id)).size).toBe(1)
    expect(results.filter((r) => r.created)).toHaveLength(1)
    const other = await store.appendMessage({ conversationId: conversation.id, senderId: b.id, clientId: 'same', body: 'yo', now: 2 })
    expect(other).toMatchObject({ created: true, message: { seq: 2 } })
  })

  test('pages: after, before and latest, with hasMore at both ends', async () => {
    const [a, b] = [await user(), await user()]
    const conversation = await group([a, b])
    for (let i = 1; i <= 7; i++) {
      await store.appendMessage({ conversationId: conversation.id, senderId: a.id, clientId: `c${i}`, body: `${i}`, now: i })
    }
    const seqs = (p: { messages: { seq: number }[]; hasMore: boolean }) => [p.messages.map((m) => m.seq), p.hasMore]
    expect(seqs(await store.messages(conversation.id, { after: 0, limit: 3 }))).toEqual([[1, 2, 3], true])
    expect(seqs(await store.messages(conversation.id, { after: 4, limit: 3 }))).toEqual([[5, 6, 7], false])
    expect(seqs(await store.messages(conversation.id, { limit: 3 }))).toEqual([[5, 6, 7], true])
    expect(seqs(await store.messages(conversation.id, { before: 5, limit: 3 }))).toEqual([[2, 3, 4], true])
    expect(seqs(await store.messages(conversation.id, { before: 3, limit: 3 }))).toEqual([[1, 2], false])
    expect(seqs(await store.messages(conversation.id, { after: 7, limit: 3 }))).toEqual([[], false])
    // Bounds past a 32-bit seq or rev (the API allows up to 2^53; PostgreSQL's integer columns would refuse them).
    const huge = Number.MAX_SAFE_INTEGER
    expect(seqs(await store.messages(conversation.id, { before: huge, limit: 3 }))).toEqual([[5, 6, 7], true])
    expect(seqs(await store.messages(conversation.id, { after: huge, limit: 3 }))).toEqual([[], false])
    expect(seqs(await store.messages(conversation.id, { changedAfter: huge, limit: 3 }))).toEqual([[], false])
  })

  test('markers move forward only, never past lastSeq, and read implies delivered', async () => {
    const [a, b] = [await user(), await user()]
    const conversation = await group([a, b])
    for (let i = 1; i <= 3; i++) {
      await store.appendMessage({ conversationId: conversation.id, senderId: a.id, clientId: `c${i}`, body: 'x', now: i })
    }
    expect(await store.advanceMarker(conversation.id, b.id, 'delivered', 2)).toEqual({ readSeq: 0, deliveredSeq: 2, changed: true })
    expect(await store.advanceMarker(conversation.id, b.id, 'delivered', 1)).toEqual({ readSeq: 0, deliveredSeq: 2, changed: false })
    expect(await store.advanceMarker(conversation.id, b.id, 'read', 99)).toEqual({ readSeq: 3, deliveredSeq: 3, changed: true })
    expect(await store.advanceMarker(conversation.id, b.id, 'read', 1)).toEqual({ readSeq: 3, deliveredSeq: 3, changed: false })
    // Concurrent calls: each answers with a marker at least as far as it asked (capped at lastSeq 3);
    // one that asks for nothing new may answer before the others commit (PostgreSQL, read committed).
    const asked = [2, 1, 3, 0]
    const results = await Promise.all(asked.map((seq) => store.advanceMarker(conversation.id, a.id, 'read', seq)))
    results.forEach((result, i) => expect(result.readSeq).toBeGreaterThanOrEqual(Math.min(asked[i] as number, 3)))
    expect((await store.conversationFor(conversation.id, a.id))?.members.find((m) => m.userId === a.id)).toEqual({
      userId: a.id,
      readSeq: 3,
      deliveredSeq: 3,
      role: 'owner',
      joinedAt: 10,
      mutedUntil: null,
    })
  })

  test('unread counts: messages from others after the reader’s marker', async () => {
    const n = (unread: number) => ({ unread, mentions: 0 })
    const [a, b] = [await user(), await user()]
    const conversation = await group([a, b])
    const send = (sender: UserRecord, i: number) =>
      store.appendMessage({ conversationId: conversation.id, senderId: sender.id, clientId: `c${i}`, body: 'x', now: i })
    await send(a, 1)
    await send(a, 2)
    await send(b, 3)
    await send(a, 4)
    expect(await store.unreadCounts(conversation.id, [a.id, b.id])).toEqual(new Map([[a.id, n(1)], [b.id, n(3)]]))
    await store.advanceMarker(conversation.id, b.id, 'read', 2)
    expect((await store.unreadCountsOf(b.id, [conversation.id])).get(conversation.id)).toEqual(n(1))
    expect((await store.unreadCountsOf(a.id, [conversation.id])).get(conversation.id)).toEqual(n(1))
    // Only the conversations asked about: another one with unread messages is left out.
    const other = await group([a, b])
    await store.appendMessage({ conversationId: other.id, senderId: a.id, clientId: 'o', body: 'x', now: 5 })
    expect(await store.unreadCountsOf(b.id, [conversation.id])).toEqual(new Map([[conversation.id, n(1)]]))
    expect(await store.unreadCountsOf(b.id, [conversation.id, other.id])).toEqual(
      new Map([
        [conversation.id, n(1)],
        [other.id, n(1)],
      ]),
    )
    expect(await store.unreadCountsOf(b.id, [])).toEqual(new Map())
  })

  test('conversations of a user: newest activity first, members in join order, last message included', async () => {
    const [a, b, c] = [await user(), await user(), await user()]
    const first = await group([a, b])
    const second = await group([c, a, b])
    await store.appendMessage({ conversationId: first.id, senderId: b.id, clientId: 'x', body: 'latest', now: 1_000 })
    const { conversations: list, hasMore } = await store.conversationPageOf(a.id, { limit: 10 })
    expect(hasMore).toBe(false)
    expect(list.map((conv) => conv.id)).toEqual([first.id, second.id])
    expect(list[0]?.lastMessage?.body).toBe('latest')
    expect(list[1]?.members.map((m) => m.userId)).toEqual([c.id, a.id, b.id])
    expect(await store.conversationFor(first.id, c.id)).toBeNull()
    expect(await store.memberIds(second.id)).toEqual([c.id, a.id, b.id])
    expect(await store.memberIds('c_missing')).toEqual([])
  })

  test('conversation pages: 250 with tied activity times, each exactly once, the same order whatever the page size', async () => {
    const [a, b, c] = [await user(), await user(), await user()]
    const made: string[] = []
    for (let i = 0; i < 250; i++) {
      // Five conversations per millisecond: every page boundary cuts through a tie.
      const { conversation } = await store.createConversation({
        kind: 'group',
        title: `g${i}`,
        memberIds: [a.id, b.id],
        createdBy: a.id,
        now: 1_000 + Math.floor(i / 5),
      })
      made.push(conversation.id)
    }
    await group([b, c]) // not a's
    const walk = async (limit: number) => {
      const seen: { id: string; lastActivityAt: number }[] = []
      let after: { lastActivityAt: number; id: string } | undefined
      for (let pages = 1; ; pages++) {
        const page = await store.conversationPageOf(a.id, { ...(after ? { after } : {}), limit })
        expect(page.conversations.length).toBe(page.hasMore ? limit : 250 - seen.length)
        seen.push(...page.conversations.map(({ id, lastActivityAt }) => ({ id, lastActivityAt })))
        const last = page.conversations.at(-1)
        if (!page.hasMore || last === undefined) return { seen, pages }
        after = { lastActivityAt: last.lastActivityAt, id: last.id }
      }
    }
    const small = await walk(7)
    const large = await walk(200)
    expect(small.pages).toBe(36)
    expect(large.pages).toBe(2)
    expect(new Set(small.seen.map((s) => s.id)).size).toBe(250)
    expect([...small.seen.map((s) => s.id)].sort()).toEqual([...made].sort())
    expect(small.seen).toEqual(large.seen)
    // Newest first (ties by id in the database's collation: the same for both page sizes, checked above).
    small.seen.forEach((s, i) => i === 0 || expect(s.lastActivityAt).toBeLessThanOrEqual(small.seen[i - 1]!.lastActivityAt))
    // A message moves its conversation to the first page.
    const bottom = small.seen.at(-1)!.id
    await store.appendMessage({ conversationId: bottom, senderId: b.id, clientId: 'up', body: 'up', now: 5_000 })
    const first = await store.conversationPageOf(a.id, { limit: 1 })
    expect(first.conversations.map((conv) => [conv.id, conv.lastActivityAt, conv.lastMessage?.body])).toEqual([[bottom, 5_000, 'up']])
    expect(first.hasMore).toBe(true)
    // Past the end: an empty last page.
    expect(await store.conversationPageOf(a.id, { after: { lastActivityAt: 0, id: '' }, limit: 5 })).toEqual({
      conversations: [],
      hasMore: false,
    })
  })

  test('directory search matches username or display name, with % and _ taken literally', async () => {
    await store.createUser({ id: newId('u'), username: 'dana', displayName: 'Dana 100%', passwordHash: 'x', createdAt: 1 })
    await store.createUser({ id: newId('u'), username: 'dan_x', displayName: 'Daniel', passwordHash: 'x', createdAt: 1 })
    await store.createUser({ id: newId('u'), username: 'erin', displayName: 'Erin', passwordHash: 'x', createdAt: 1 })
    const names = async (q?: string) => (await store.searchUsers(q, 10)).map((u) => u.username)
    expect(await names('DAN')).toEqual(['dan_x', 'dana'])
    expect(await names('%')).toEqual(['dana'])
    expect(await names('_')).toEqual(['dan_x'])
    expect(await names('iel')).toEqual(['dan_x'])
    expect(await names()).toEqual(['dan_x', 'dana', 'erin'])
  })

  describe('message lifecycle (docs/design.md §4.4)', () => {
    const refusal = (promise: Promise<unknown>) =>
      promise.then(
        () => 'accepted',
        (err: unknown) => (err instanceof MessageRefusedError ? err.reason : err),
      )

    test('concurrent sends, edits, deletes, reactions and replies: each change its own rev, together 1..lastRev', async () => {
      const members = [await user(), await user(), await user()]
      const conversation = await group(members)
      const base = await Promise.all(
        Array.from({ length: 9 }, (_, i) =>
          store.appendMessage({ conversationId: conversation.id, senderId: members[i % 3]!.id, clientId: `b${i}`, body: `base ${i}`, now: i }),
        ),
      )
      const ids = base.map((b) => b.message)
      const ops: Promise<{ revs: number[] }>[] = []
      for (let i = 0; i < 60; i++) {
        const target = ids[i % 9]!
        const actor = members[i % 3]!
        const mine = target.senderId === actor.id
        const change = (p: Promise<{ message: { rev: number }; changed: boolean; replies: { rev: number }[] }>) =>
          p.then(
            (c) => ({ revs: c.changed ? [c.message.rev, ...c.replies.map((r) => r.rev)] : [] }),
            (err: unknown) => {
              if (err instanceof MessageRefusedError && err.reason === 'deleted') return { revs: [] }
              throw err
            },
          )
        if (i % 5 === 0) {
          ops.push(
            store
              .appendMessage({ conversationId: conversation.id, senderId: actor.id, clientId: `r${i}`, body: 'reply', now: 100 + i, replyToId: target.id })
              .then(
                (r) => ({ revs: [r.message.rev] }),
                (err: unknown) => {
                  if (err instanceof MessageRefusedError && err.reason === 'reply_deleted') return { revs: [] }
                  throw err
                },
              ),
          )
        } else if (i % 5 === 1 && mine) {
          ops.push(change(store.editMessage({ conversationId: conversation.id, messageId: target.id, userId: actor.id, body: `edit ${i}`, mentions: [], now: 200 + i })))
        } else if (i === 44 && mine) {
          ops.push(change(store.deleteMessage({ conversationId: conversation.id, messageId: target.id, userId: actor.id, now: 300 })))
        } else {
          const emoji = ['👍', '🎉'][i % 2]!
          ops.push(change(store.setReaction({ conversationId: conversation.id, messageId: target.id, userId: actor.id, emoji, present: i % 4 !== 3 })))
        }
      }
      const revs = [...base.map((b) => b.message.rev), ...(await Promise.all(ops)).flatMap((op) => op.revs)]
      const lastRev = (await store.conversationFor(conversation.id, members[0]!.id))!.lastRev
      expect(revs.sort((x, y) => x - y)).toEqual(Array.from({ length: lastRev }, (_, i) => i + 1))
      const changed = await store.messages(conversation.id, { changedAfter: 0, limit: 200 })
      const finalRevs = changed.messages.map((m) => m.rev)
      expect(finalRevs).toEqual([...new Set(finalRevs)].sort((x, y) => x - y))
      expect(finalRevs.at(-1)).toBe(lastRev)
      expect(changed.messages).toHaveLength((await store.messages(conversation.id, { after: 0, limit: 200 })).messages.length)
    })

    test('the same change twice, even at once, uses one rev; refusals use none', async () => {
      const [a, b] = [await user(), await user()]
      const conversation = await group([a, b])
      const { message } = await store.appendMessage({ conversationId: conversation.id, senderId: a.id, clientId: 'x', body: 'hi', now: 1 })
      const at = { conversationId: conversation.id, messageId: message.id }
      const reactions = await Promise.all(
        Array.from({ length: 5 }, () => store.setReaction({ ...at, userId: b.id, emoji: '👍', present: true })),
      )
      expect(reactions.filter((r) => r.changed)).toHaveLength(1)
      const edits = await Promise.all(
        Array.from({ length: 5 }, () => store.editMessage({ ...at, userId: a.id, body: 'hello', mentions: [], now: 2 })),
      )
      expect(edits.filter((r) => r.changed)).toHaveLength(1)
      expect((await store.conversationFor(conversation.id, a.id))!.lastRev).toBe(3)

      expect(await refusal(store.editMessage({ ...at, userId: b.id, body: 'no', mentions: [], now: 3 }))).toBe('not_sender')
      expect(await refusal(store.deleteMessage({ ...at, userId: b.id, now: 3 }))).toBe('not_sender')
      expect(await refusal(store.editMessage({ ...at, messageId: 'm_none', userId: a.id, body: 'no', mentions: [], now: 3 }))).toBe('not_found')
      expect(await refusal(store.setReaction({ ...at, conversationId: 'c_none', userId: a.id, emoji: '👍', present: true }))).toBe('not_found')
      const deletes = await Promise.all(Array.from({ length: 3 }, () => store.deleteMessage({ ...at, userId: a.id, now: 4 })))
      expect(deletes.filter((r) => r.changed)).toHaveLength(1)
      expect(await refusal(store.editMessage({ ...at, userId: a.id, body: 'again', mentions: [], now: 5 }))).toBe('deleted')
      expect(await refusal(store.setReaction({ ...at, userId: a.id, emoji: '👍', present: false }))).toBe('deleted')
      expect(
        await refusal(store.appendMessage({ conversationId: conversation.id, senderId: b.id, clientId: 'r', body: 'r', now: 6, replyToId: message.id })),
      ).toBe('reply_deleted')
      expect((await store.conversationFor(conversation.id, a.id))!.lastRev).toBe(4)
    })

    test('at most 20 distinct emoji on a message; delete removes body, reactions and mentions; replies follow the original', async () => {
      const [a, b] = [await user(), await user()]
      const conversation = await group([a, b])
      const { message } = await store.appendMessage({ conversationId: conversation.id, senderId: a.id, clientId: 'o', body: 'original', now: 1, mentions: [b.id] })
      const at = { conversationId: conversation.id, messageId: message.id }
      const emoji = [...'😀😁😂🤣😃😄😅😆😉😊😋😎😍😘🥰😗😙🥲😚🙂🤗']
      for (const e of emoji.slice(0, 20)) await store.setReaction({ ...at, userId: b.id, emoji: e, present: true })
      expect(await refusal(store.setReaction({ ...at, userId: a.id, emoji: emoji[20]!, present: true }))).toBe('too_many_reactions')
      expect((await store.setReaction({ ...at, userId: a.id, emoji: emoji[0]!, present: true })).message.reactions[0]).toEqual({
        emoji: emoji[0],
        userIds: [b.id, a.id],
      })
      const elsewhere = await group([a, b])
      expect(
        await refusal(store.appendMessage({ conversationId: elsewhere.id, senderId: b.id, clientId: 'x', body: 'x', now: 2, replyToId: message.id })),
      ).toBe('reply_not_found')
      const reply = await store.appendMessage({ conversationId: conversation.id, senderId: b.id, clientId: 'r', body: 'yes', now: 3, replyToId: message.id })
      expect(reply.message.replyTo).toEqual({ id: message.id, seq: 1, senderId: a.id, body: 'original', deleted: false })
      expect((await store.unreadCounts(conversation.id, [b.id])).get(b.id)).toEqual({ unread: 1, mentions: 1 })

      const deleted = await store.deleteMessage({ ...at, userId: a.id, now: 4 })
      expect(deleted.message).toMatchObject({ body: '', deletedAt: 4, reactions: [], mentions: [] })
      expect(deleted.replies).toEqual([
        { ...reply.message, rev: deleted.message.rev + 1, replyTo: { id: message.id, seq: 1, senderId: a.id, body: '', deleted: true } },
      ])
      expect((await store.unreadCounts(conversation.id, [a.id, b.id]))).toEqual(
        new Map([
          [a.id, { unread: 1, mentions: 0 }],
          [b.id, { unread: 0, mentions: 0 }],
        ]),
      )
    })
  })
}

for (const factory of factories) {
  describe.skipIf(factory.name === 'postgres' && postgresMissing !== null)(`${factory.name} store`, () => storeContract(factory))
}

describe.skipIf(postgresMissing !== null)('postgres store in a schema of its own', () => {
  test('migrates even when another schema already holds migration tables', async () => {
    const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 10)}`
    const first = `m1_${suffix}`
    const second = `m2_${suffix}`
    const client = new pg.Client({ connectionString: postgresUrl })
    await client.connect()
    try {
      // The first store leaves kysely_migration(_lock) in its schema; the second must still get its own.
      await (await openPostgresStore({ connectionString: postgresUrl, schema: first })).close()
      const store = await openPostgresStore({ connectionString: postgresUrl, schema: second })
      const id = newId('u')
      await store.createUser({ id, username: 'solo', displayName: 'Solo', passwordHash: 'x', createdAt: 1 })
      expect((await store.searchUsers('solo', 10)).map((u) => u.id)).toEqual([id])
      await store.close()
      const tables = await client.query<{ table_schema: string }>(
        `SELECT table_schema FROM information_schema.tables WHERE table_name = 'kysely_migration' AND table_schema IN ($1, $2) ORDER BY table_schema`,
        [first, second],
      )
      expect(tables.rows.map((row) => row.table_schema)).toEqual([first, second])
    } finally {
      await client.query(`DROP SCHEMA IF EXISTS ${first} CASCADE`)
      await client.query(`DROP SCHEMA IF EXISTS ${second} CASCADE`)
      await client.end()
    }
  })
})
