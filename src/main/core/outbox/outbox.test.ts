import { describe, expect, test } from 'vitest'
import { conversationDto, serverMessage, serverMessages, tempCache } from '../../../../test/support/cache/temp-cache'
import type { Message } from '../../../shared/api'
import { HttpError, type ApiClient } from '../api-client'
import type { OutboxUploads } from '../attachments/uploads'
import type { Cache } from '../cache/types'
import { Outbox, type OutboxDeps } from './outbox'

type SendBody = { clientId: string; body: string; replyToId?: string; attachmentIds?: string[] }

/**
 * An outbox over a real cache. The server numbers sends from `nextSeq`; its
 * answers are stored as the sync would: only when they extend the cached run
 * (one beyond a hole waits for a fill, which the test plays by storing).
 */
function setup(options: { nextSeq: number; refuse?: string; uploads?: OutboxUploads }) {
  const { cache } = tempCache()
  cache.upsertConversations([conversationDto('c1')])
  cache.storeMessages(serverMessages('c1', 1, 2))
  const posts: SendBody[] = []
  const answers: Message[] = []
  let nextSeq = options.nextSeq
  const api = {
    send: (conversationId: string, body: SendBody): Promise<Message> => {
      posts.push(body)
      if (body.clientId === options.refuse) return Promise.reject(new HttpError(422, 'invalid', 'refused'))
      const seq = nextSeq++
      const replyTo = body.replyToId === undefined ? null : { id: body.replyToId, seq: 1, senderId: 'me', body: '', deleted: false }
      const answer = serverMessage(conversationId, seq, { id: `s-${body.clientId}`, senderId: 'me', clientId: body.clientId, body: body.body, replyTo })
      answers.push(answer)
      return Promise.resolve(answer)
    },
  } as unknown as ApiClient
  const storeLikeSync = (message: Message) => {
    if (message.seq <= cache.highestSeq(message.conversationId) + 1) cache.storeMessages([message])
  }
  const outbox = outboxOver(cache, api, {
    onSent: storeLikeSync,
    onChanged: storeLikeSync,
    isLeft: (conversationId) => cache.conversation(conversationId)?.leftAt != null,
    ...(options.uploads ? { uploads: options.uploads } : {}),
  })
  return { cache, outbox, posts, answers }
}

/** An outbox over `cache` and `api`, retries a minute away, delivered markers at most every 200 ms. */
function outboxOver(cache: Cache, api: ApiClient, deps: Partial<OutboxDeps> = {}): Outbox {
  return new Outbox({
    cache,
    api,
    me: 'me',
    onSent: () => {},
    onFailed: () => {},
    onChanged: () => {},
    onChangeRefused: () => {},
    isLeft: () => false,
    baseDelayMs: 60_000,
    capDelayMs: 60_000,
    deliveredDelayMs: 200,
    now: () => Date.now(),
    random: () => 0.5,
    log: { warn: () => {}, debug: () => {} },
    ...deps,
  })
}

function writeOriginalAndReply(cache: Cache): void {
  cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'u', body: 'original', createdAt: 90_000 })
  cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'r', body: 'reply', createdAt: 90_001, replyTo: { clientId: 'u' } })
}

const settled = () => new Promise((resolve) => setTimeout(resolve, 20))

test('a reply to my unsent message waits until the answer for it is stored, even when that lies beyond a hole, then goes with its id', async () => {
  // Seq 3 (someone else's) is not cached yet: the original's answer, seq 4, cannot be stored.
  const { cache, outbox, posts, answers } = setup({ nextSeq: 4 })
  writeOriginalAndReply(cache)
  outbox.kick()
  await settled()
  expect(posts.map((p) => p.clientId)).toEqual(['u'])
  expect(cache.ownMessage('c1', 'u')?.state).toBe('pending')
  expect(cache.outbox().map((item) => item.kind === 'message' && item.clientId)).toEqual(['u', 'r'])

  // Unrelated news of the conversation changes nothing; the fill storing the hole and the original lets the reply go.
  outbox.stored('c1')
  await settled()
  expect(posts).toHaveLength(1)
  cache.storeMessages([serverMessage('c1', 3), answers[0] as Message])
  outbox.stored('c1')
  await outbox.whenEmpty()
  expect(posts).toEqual([
    { clientId: 'u', body: 'original' },
    { clientId: 'r', body: 'reply', replyToId: 's-u' },
  ])
  expect(cache.ownMessage('c1', 'r')).toMatchObject({ state: 'sent', seq: 5 })
  await outbox.stop()
})

test('without a hole the reply follows at once with its id; an original refused for good lets it go without the link', async () => {
  const stored = setup({ nextSeq: 3 })
  writeOriginalAndReply(stored.cache)
  stored.outbox.kick()
  await stored.outbox.whenEmpty()
  expect(stored.posts.map((p) => p.replyToId)).toEqual([undefined, 's-u'])
  await stored.outbox.stop()

  const refused = setup({ nextSeq: 3, refuse: 'u' })
  writeOriginalAndReply(refused.cache)
  refused.outbox.kick()
  await refused.outbox.whenEmpty()
  expect(refused.posts).toEqual([
    { clientId: 'u', body: 'original' },
    { clientId: 'r', body: 'reply' },
  ])
  expect(refused.cache.ownMessage('c1', 'u')?.state).toBe('failed')
  await refused.outbox.stop()
})

describe('messages with files', () => {
  const file = { stagedId: 'staged-photo-1', path: '/outbox/staged-photo-1', name: 'cat.png', size: 10, mime: 'image/png', width: 2, height: 1 }

  /** Uploads the test finishes by hand: `finish()` records the file's id, `refuse(error)` fails them. */
  function manualUploads(getCache: () => Cache) {
    let settle: { resolve: () => void; reject: (err: unknown) => void } | null = null
    const posted: string[][] = []
    const uploads: OutboxUploads = {
      run: () => new Promise<void>((resolve, reject) => (settle = { resolve, reject })),
      abort: async () => undefined,
      abortAll: async () => undefined,
      posted: async (files) => void posted.push(files.map((f) => f.attachmentId ?? '')),
    }
    return {
      uploads,
      posted,
      started: () => settle !== null,
      finish: () => {
        getCache().markUploaded(file.stagedId, 'a1')
        settle?.resolve()
      },
      refuse: (err: unknown) => settle?.reject(err),
    }
  }

  test('wait for their uploads, go with the ids, and a text written after a photo is posted after it', async () => {
    let cacheRef: Cache | null = null
    const manual = manualUploads(() => cacheRef as Cache)
    const { cache, outbox, posts } = setup({ nextSeq: 3, uploads: manual.uploads })
    cacheRef = cache
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p', body: '', createdAt: 90_000, attachments: [file] })
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 't', body: 'after the photo', createdAt: 90_001 })
    outbox.kick()
    await settled()
    expect(manual.started()).toBe(true)
    expect(posts).toEqual([])
    manual.finish()
    await outbox.whenEmpty()
    expect(posts).toEqual([
      { clientId: 'p', body: '', attachmentIds: ['a1'] },
      { clientId: 't', body: 'after the photo' },
    ])
    expect(manual.posted).toEqual([['a1']])
    expect(cache.ownMessage('c1', 'p')?.state).toBe('sent')
  })

  test('a refused upload fails the message with the refusal in words; what follows goes on', async () => {
    let cacheRef: Cache | null = null
    const manual = manualUploads(() => cacheRef as Cache)
    const { cache, outbox, posts } = setup({ nextSeq: 3, uploads: manual.uploads })
    cacheRef = cache
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p', body: '', createdAt: 90_000, attachments: [file] })
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 't', body: 'after the photo', createdAt: 90_001 })
    outbox.kick()
    await settled()
    manual.refuse(new HttpError(413, 'payload_too_large', '"cat.png" is too large: the server takes files up to 1 KiB'))
    await outbox.whenEmpty()
    expect(cache.ownMessage('c1', 'p')).toMatchObject({ state: 'failed', error: '"cat.png" is too large: the server takes files up to 1 KiB' })
    expect(posts).toEqual([{ clientId: 't', body: 'after the photo' }])
  })

  test('a message being cancelled (withheld) has its uploads aborted and is neither uploaded again nor posted', async () => {
    let runs = 0
    let abortRun: ((err: unknown) => void) | null = null
    const uploads: OutboxUploads = {
      run: () => {
        runs++
        return new Promise<void>((_, reject) => (abortRun = reject))
      },
      abort: async () => {
        const aborted = new Error('aborted')
        aborted.name = 'AbortError'
        abortRun?.(aborted)
        await settled()
      },
      abortAll: async () => undefined,
      posted: async () => undefined,
    }
    const { cache, outbox, posts } = setup({ nextSeq: 3, uploads })
    cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'p', body: '', createdAt: 90_000, attachments: [file] })
    outbox.kick()
    await settled()
    expect(runs).toBe(1)
    expect(await outbox.withhold('c1', 'p')).toBe(true)
    await settled()
    expect(runs).toBe(1)
    expect(posts).toEqual([])
    expect(cache.deleteUnsent('c1', 'p')).toBe(true)
    outbox.release('c1', 'p')
    await outbox.whenEmpty()
    expect(posts).toEqual([])
  })
})

describe('delivered markers of several conversations', () => {
  /** An outbox over a real cache whose api answers delivered markers as `answer` says (a narrow stand-in for the server). */
  function markers(answer: {
    batch: (markers: readonly { conversationId: string; seq: number }[]) => Promise<Map<string, { deliveredSeq: number } | HttpError>>
  }) {
    const { cache } = tempCache()
    const ids = ['c1', 'c2', 'c3']
    cache.upsertConversations(ids.map((id) => conversationDto(id, { lastSeq: 5 })))
    const singles: string[] = []
    const batches: string[][] = []
    const api = {
      markDelivered: (conversationId: string, seq: number) => {
        singles.push(`${conversationId}@${seq}`)
        return Promise.resolve({ deliveredSeq: seq })
      },
      markDeliveredBatch: (list: readonly { conversationId: string; seq: number }[]) => {
        batches.push(list.map((one) => `${one.conversationId}@${one.seq}`))
        return answer.batch(list)
      },
    } as unknown as ApiClient
    const outbox = outboxOver(cache, api)
    const queued = () => cache.outbox().map((item) => (item.kind === 'delivered' ? `${item.conversationId}@${item.seq}` : item.kind))
    return { cache, outbox, ids, singles, batches, queued }
  }
  const ok = (list: readonly { conversationId: string; seq: number }[]) =>
    new Map<string, { deliveredSeq: number } | HttpError>(list.map((one) => [one.conversationId, { deliveredSeq: one.seq }]))

  test('the first goes alone at once; those raised within the delay go together in one request after it', async () => {
    const { outbox, singles, batches, queued } = markers({ batch: (list) => Promise.resolve(ok(list)) })
    outbox.enqueueMarker('c1', 'delivered', 2)
    await outbox.whenEmpty()
    expect(singles).toEqual(['c1@2'])
    const raised = Date.now()
    outbox.enqueueMarker('c1', 'delivered', 5)
    outbox.enqueueMarker('c2', 'delivered', 4)
    outbox.enqueueMarker('c3', 'delivered', 3)
    await outbox.whenEmpty()
    expect(Date.now() - raised).toBeGreaterThanOrEqual(150)
    expect(singles).toEqual(['c1@2'])
    expect(batches).toEqual([['c1@5', 'c2@4', 'c3@3']])
    expect(queued()).toEqual([])
  })

  test("one the server refuses (not a member) is dropped, the network's failure keeps them all for a retry", async () => {
    let failNext = false
    const { outbox, batches, queued } = markers({
      batch: (list) => {
        if (failNext) return Promise.reject(new HttpError(503, 'unavailable', 'try later'))
        const answers = ok(list)
        answers.set('c2', new HttpError(404, 'not_found', 'No conversation c2'))
        return Promise.resolve(answers)
      },
    })
    // The first goes alone; the next two within the delay, together.
    outbox.enqueueMarker('c3', 'delivered', 1)
    outbox.enqueueMarker('c1', 'delivered', 1)
    outbox.enqueueMarker('c2', 'delivered', 1)
    await outbox.whenEmpty()
    expect(batches).toEqual([['c1@1', 'c2@1']])
    expect(queued()).toEqual([])

    // Within the delay after that request: the next two wait for it, go together, and meet a server that is down.
    failNext = true
    outbox.enqueueMarker('c1', 'delivered', 2)
    outbox.enqueueMarker('c3', 'delivered', 2)
    await new Promise((resolve) => setTimeout(resolve, 400))
    expect(batches).toEqual([['c1@1', 'c2@1'], ['c1@2', 'c3@2']])
    expect(queued()).toEqual(['c1@2', 'c3@2'])
    await outbox.stop()
  })

  test('a server without the batch route (404 for the request): one request each, now and from then on', async () => {
    const { outbox, singles, batches, queued } = markers({ batch: () => Promise.reject(new HttpError(404, 'not_found', 'Route not found')) })
    outbox.enqueueMarker('c3', 'delivered', 1)
    outbox.enqueueMarker('c1', 'delivered', 1)
    outbox.enqueueMarker('c2', 'delivered', 1)
    await outbox.whenEmpty()
    expect(batches).toEqual([['c1@1', 'c2@1']])
    expect(singles.sort()).toEqual(['c1@1', 'c2@1', 'c3@1'])
    outbox.enqueueMarker('c2', 'delivered', 3)
    outbox.enqueueMarker('c3', 'delivered', 3)
    await outbox.whenEmpty()
    expect(batches).toHaveLength(1)
    expect(singles.sort()).toEqual(['c1@1', 'c2@1', 'c2@3', 'c3@1', 'c3@3'])
    expect(queued()).toEqual([])
  })
})
