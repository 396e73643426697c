/**
 * For the cache's tests: real SQLite files in a temporary directory, removed
 * after each test, and builders for the server's DTOs.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import { openCache, type OpenCacheOptions } from '../../../src/main/core/cache'
import type { Cache } from '../../../src/main/core/cache/types'
import type { Conversation, Message } from '../../../src/shared/api'

export interface TempCache {
  cache: Cache
  dir: string
  path: string
  /** Close and open the same file again: an app restart. */
  reopen(options?: CacheTestOptions): Cache
}

/** `backgroundIndexing: false` keeps the search index where a test puts it (catchUpSearchIndex); `me` is 'me' unless given. */
export type CacheTestOptions = Partial<Pick<OpenCacheOptions, 'backgroundIndexing' | 'me' | 'indexerTiming'>>

const opened: { dir: string; caches: Cache[] }[] = []

afterEach(() => {
  for (const { dir, caches } of opened.splice(0)) {
    for (const cache of caches) cache.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

/** A fresh cache in its own temporary directory (cleaned up after the test). */
export function tempCache(options: CacheTestOptions = {}): TempCache {
  const dir = mkdtempSync(join(tmpdir(), 'parley-cache-'))
  const path = join(dir, 'account', 'cache.sqlite')
  const entry = { dir, caches: [openCache({ path, me: 'me', ...options })] }
  opened.push(entry)
  const temp: TempCache = {
    get cache() {
      return entry.caches[entry.caches.length - 1] as Cache
    },
    dir,
    path,
    reopen(reopenOptions = options) {
      temp.cache.close()
      const cache = openCache({ path, me: 'me', ...reopenOptions })
      entry.caches.push(cache)
      return cache
    },
  }
  return temp
}

export function conversationDto(id: string, overrides: Partial<Conversation> = {}): Conversation {
  return {
    id,
    kind: 'direct',
    title: null,
    memberIds: ['me', 'bob'],
    members: [],
    mutedUntil: null,
    lastMessage: null,
    lastSeq: 0,
    lastRev: 0,
    readSeq: 0,
    deliveredSeq: 0,
    unreadCount: 0,
    mentionCount: 0,
    markers: {},
    createdAt: 1_000,
    lastActivityAt: 1_000,
    ...overrides,
  }
}

/** A server message; createdAt defaults to 10_000 + seq so that time follows seq, and rev to seq (never changed). */
export function serverMessage(conversationId: string, seq: number, overrides: Partial<Message> = {}): Message {
  return {
    id: `${conversationId}-m${seq}`,
    conversationId,
    seq,
    rev: seq,
    senderId: 'bob',
    clientId: `${conversationId}-c${seq}`,
    body: `message ${seq}`,
    createdAt: 10_000 + seq,
    editedAt: null,
    deletedAt: null,
    replyTo: null,
    reactions: [],
    mentions: [],
    attachments: [],
    kind: 'text',
    system: null,
    ...overrides,
  }
}

/** Seqs from..to as server messages. */
export function serverMessages(conversationId: string, from: number, to: number, overrides: Partial<Message> = {}): Message[] {
  return Array.from({ length: to - from + 1 }, (_, i) => serverMessage(conversationId, from + i, overrides))
}
