/**
 * A sync's catch-up against an in-memory server (seq and rev counters as the
 * real store keeps them, docs/design.md §4.4) and a real cache: the open
 * conversation first and alone; no changedAfter pages when the revs used
 * since the cache's lastRev were all sends of the messages the fill stored;
 * the pages fetched as ever when anything else used a rev; the search index
 * waiting until the catch-up is done.
 */
import { expect, test } from 'vitest'
import { quietSync } from '../../../../test/helpers/sync'
import { conversationDto, serverMessage, tempCache, type CacheTestOptions } from '../../../../test/support/cache/temp-cache'
import type { Conversation, Message, MessagePage } from '../../../shared/api'
import type { ApiClient } from '../api-client'
import type { SqliteCache } from '../cache/sqlite-cache'
import type { Cache } from '../cache/types'
import type { Sync } from './sync'

/** One conversation on the fake server. */
interface Room {
  id: string
  messages: Message[]
  lastRev: number
  lastActivityAt: number
}

class FakeServer {
  readonly rooms = new Map<string, Room>()
  /** Every request, in order: `list`, `get c1`, `after c1 0`, `changed c1 5`. */
  readonly log: string[] = []
  /** Each answer comes this long after its request (0: on the next turn of the event loop). */
  delayMs = 0

  room(id: string): Room {
    let room = this.rooms.get(id)
    if (!room) this.rooms.set(id, (room = { id, messages: [], lastRev: 0, lastActivityAt: 1_000 }))
    return room
  }

  send(id: string, count = 1): void {
    const room = this.room(id)
    for (let i = 0; i < count; i++) {
      room.lastRev++
      room.lastActivityAt++
      room.messages.push(serverMessage(id, room.messages.length + 1, { rev: room.lastRev, createdAt: room.lastActivityAt }))
    }
  }

  /** An edit of the message with `seq`: a new rev, as the store does. */
  edit(id: string, seq: number, body: string): void {
    const room = this.room(id)
    const at = seq - 1
    room.lastRev++
    room.messages[at] = { ...(room.messages[at] as Message), body, rev: room.lastRev, editedAt: 99_999 }
  }

  conversationOf(room: Room): Conversation {
    return conversationDto(room.id, { lastSeq: room.messages.length, lastRev: room.lastRev, lastActivityAt: room.lastActivityAt })
  }

  api(): Pick<ApiClient, 'conversationPage' | 'conversation' | 'messages'> {
    const answer = <T>(value: T) =>
      new Promise<T>((resolve) => {
        const copy = structuredClone(value)
        if (this.delayMs > 0) setTimeout(() => resolve(copy), this.delayMs)
        else setImmediate(() => resolve(copy))
      })
    return {
      conversationPage: () => {
        this.log.push('list')
        const conversations = [...this.rooms.values()].sort((a, b) => b.lastActivityAt - a.lastActivityAt).map((room) => this.conversationOf(room))
        return answer({ conversations, nextCursor: null })
      },
      conversation: (id) => {
        this.log.push(`get ${id}`)
        return answer(this.conversationOf(this.room(id)))
      },
      messages: (id, page) => {
        const room = this.room(id)
        const limit = page.limit ?? 50
        let selected: Message[]
        if (page.changedAfter !== undefined) {
          this.log.push(`changed ${id} ${page.changedAfter}`)
          selected = room.messages.filter((m) => m.rev > (page.changedAfter as number)).sort((a, b) => a.rev - b.rev)
        } else {
          this.log.push(`after ${id} ${page.after}`)
          selected = room.messages.filter((m) => m.seq > (page.after ?? 0))
        }
        const result: MessagePage = { messages: selected.slice(0, limit), hasMore: selected.length > limit }
        return answer(result)
      },
    }
  }
}

function newSync(cache: Cache, server: FakeServer, onConversationsChanged: (ids: string[]) => void = () => undefined): Sync {
  return quietSync(cache, server.api() as ApiClient, 'me', { onConversationsChanged })
}

/** The cache holds exactly the server's messages, as they are now, and is up to date after their lastRev. */
function expectEqual(cache: Cache, server: FakeServer): void {
  for (const room of server.rooms.values()) {
    const cached = cache.messagesInRange(room.id, 1, Number.MAX_SAFE_INTEGER)
    expect(cached.map((m) => [m.seq, m.body, m.rev])).toEqual(room.messages.map((m) => [m.seq, m.body, m.rev]))
    expect(cache.conversation(room.id)?.lastRev).toBe(room.lastRev)
  }
}

/** A server with `rooms` conversations of 3 messages each, and a cache that caught up with it. */
async function cachedBefore(rooms: number, options: CacheTestOptions = {}) {
  const server = new FakeServer()
  for (let i = 1; i <= rooms; i++) server.send(`c${i}`, 3)
  const temp = tempCache(options)
  const sync = newSync(temp.cache, server)
  await sync.syncAll()
  await sync.whenIdle()
  await sync.stop()
  expectEqual(temp.cache, server)
  server.log.length = 0
  return { server, cache: temp.cache }
}

test('the open conversation is caught up first and alone; the listing runs beside it', async () => {
  const { server, cache } = await cachedBefore(6)
  // The open one got its news first: the oldest activity of the weekend, listed last.
  server.send('c2', 650)
  for (const id of ['c1', 'c3', 'c4', 'c5', 'c6']) server.send(id, 30)
  const sync = newSync(cache, server)
  sync.focus('c2')
  await sync.syncAll()
  await sync.whenIdle()
  expectEqual(cache, server)
  const requests = server.log.filter((line) => line !== 'list')
  const lastOfOpen = requests.findLastIndex((line) => line.includes(' c2'))
  const firstOfOthers = requests.findIndex((line) => /^(after|changed) c[^2]/.test(line))
  expect(requests[0]).toBe('get c2')
  expect(lastOfOpen).toBeLessThan(firstOfOthers)
  await sync.stop()
})

test('focus during a sync moves that conversation to the front of what is left', async () => {
  const { server, cache } = await cachedBefore(12)
  for (let i = 1; i <= 12; i++) server.send(`c${i}`, 5)
  const sync = newSync(cache, server)
  const done = sync.syncAll()
  // The listing has been answered and the first conversations are under way.
  while (!server.log.some((line) => line.startsWith('after'))) await new Promise((resolve) => setImmediate(resolve))
  const listed = [...server.rooms.values()].sort((a, b) => b.lastActivityAt - a.lastActivityAt).map((room) => room.id)
  const last = listed.at(-1) as string
  sync.focus(last)
  await done
  await sync.whenIdle()
  expectEqual(cache, server)
  const fills = server.log.filter((line) => line.startsWith('after')).map((line) => line.split(' ')[1])
  // At most the first few (already taken by the workers) come before it.
  expect(fills.indexOf(last)).toBeLessThan(8)
  await sync.stop()
})

test('only sends since the cache’s lastRev: no changedAfter page, lastRev is the server’s', async () => {
  const { server, cache } = await cachedBefore(5)
  for (let i = 1; i <= 5; i++) server.send(`c${i}`, i * 90)
  const sync = newSync(cache, server)
  await sync.syncAll()
  await sync.whenIdle()
  expectEqual(cache, server)
  expect(server.log.filter((line) => line.startsWith('changed'))).toEqual([])
  await sync.stop()
})

test('an edit of a cached message meanwhile: the changedAfter pages are fetched and the edit is stored', async () => {
  const { server, cache } = await cachedBefore(3)
  server.send('c1', 10)
  server.edit('c1', 2, 'edited while away')
  server.send('c1', 5)
  server.send('c2', 4)
  const sync = newSync(cache, server)
  await sync.syncAll()
  await sync.whenIdle()
  expectEqual(cache, server)
  expect(cache.messagesInRange('c1', 2, 2)[0]?.body).toBe('edited while away')
  expect(server.log.filter((line) => line.startsWith('changed'))).toEqual(['changed c1 3'])
  await sync.stop()
})

test('an edit of a new message after its send uses a rev too: the changes are fetched (the fill already has the edit)', async () => {
  const { server, cache } = await cachedBefore(2)
  server.send('c2', 10)
  server.edit('c2', 8, 'sent and edited while away')
  const sync = newSync(cache, server)
  sync.focus('c2')
  await sync.syncAll()
  await sync.whenIdle()
  expectEqual(cache, server)
  expect(server.log.filter((line) => line.startsWith('changed'))).toEqual(['changed c2 3'])
  await sync.stop()
})

test('a change made after the listing, announced by a realtime event that skips a rev, is fetched', async () => {
  const { server, cache } = await cachedBefore(2)
  server.send('c1', 20)
  const sync = newSync(cache, server)
  const done = sync.syncAll()
  // Once listed, an edit happens; its event reaches the core (its rev is not the next one the cache knows).
  while (!server.log.includes('list')) await new Promise((resolve) => setImmediate(resolve))
  server.edit('c1', 1, 'edited after the listing')
  const room = server.room('c1')
  sync.receive(room.messages[0] as Message, 'realtime')
  await done
  await sync.whenIdle()
  expectEqual(cache, server)
  await sync.stop()
})

test('a start with nothing new asks for the listing and nothing else, and changes no conversation view', async () => {
  const { server, cache } = await cachedBefore(20)
  const changed: string[] = []
  const sync = newSync(cache, server, (ids) => changed.push(...ids))
  sync.focus('c7')
  await sync.syncAll()
  await sync.whenIdle()
  expectEqual(cache, server)
  // The open conversation's own GET, the listing — and no fill or changes page for any of the 20.
  expect(server.log.sort()).toEqual(['get c7', 'list'])
  expect(changed).toEqual([])
  // One conversation with news: only it is fetched, only its view changes.
  server.send('c12', 3)
  await sync.syncAll()
  await sync.whenIdle()
  expectEqual(cache, server)
  expect(server.log.filter((line) => line.startsWith('after') || line.startsWith('changed'))).toEqual(['after c12 3'])
  expect([...new Set(changed)]).toEqual(['c12'])
  await sync.stop()
})

/** The search indexer of a cache opened by tempCache (sqlite-cache.ts). */
const indexerOf = (cache: Cache) => (cache as SqliteCache).indexer

/** A cache whose indexer steps in as soon as writes pause for 2 ms, caught up with 8 conversations, then 900 new messages in each, answered 15 ms after each request. */
async function weekendAway() {
  const before = await cachedBefore(8, { indexerTiming: { busyWindowMs: 2 } })
  const indexer = indexerOf(before.cache)
  await indexer.whenIndexed()
  for (let i = 1; i <= 8; i++) before.server.send(`c${i}`, 900)
  before.server.delayMs = 15
  return { ...before, indexer, stepsBefore: indexer.stats.steps }
}

test('the search index waits while a sync catches up, then indexes what it stored', async () => {
  const { server, cache, indexer, stepsBefore } = await weekendAway()
  const sync = quietSync(cache, server.api() as ApiClient, 'me')
  await sync.syncAll()
  // The hold is released in syncAll's finally; the next step could only start on a later turn of the event loop.
  expect(indexer.stats.steps).toBe(stepsBefore)
  expect(indexer.backlog()).toBe(8 * 900)
  // Search does not wait for the index: the unindexed rows are read directly.
  expect((await cache.search('message 903', 20)).length).toBe(8)
  await indexer.whenIndexed()
  expect(indexer.stats.steps).toBeGreaterThan(stepsBefore)
  expect(indexer.backlog()).toBe(0)
  expectEqual(cache, server)
  await sync.stop()
})

test('a sync holds the index back for at most its indexHoldMs', async () => {
  const { server, cache, indexer, stepsBefore } = await weekendAway()
  const sync = quietSync(cache, server.api() as ApiClient, 'me', { indexHoldMs: 30 })
  const started = performance.now()
  await sync.syncAll()
  // Long enough for the hold to expire with pages still on the wire (8 conversations, 4 at a time, 5 pages each).
  expect(performance.now() - started).toBeGreaterThan(60)
  expect(indexer.stats.steps).toBeGreaterThan(stepsBefore)
  expectEqual(cache, server)
  await sync.stop()
})
