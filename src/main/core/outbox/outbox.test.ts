import { expect, test } from 'vitest'
import { conversationDto, serverMessage, serverMessages, tempCache } from '../../../../test/support/cache/temp-cache'
import type { Message } from '../../../shared/api'
import { HttpError, type ApiClient } from '../api-client'
import type { Cache } from '../cache/types'
import { Outbox } from './outbox'

type SendBody = { clientId: string; body: string; replyToId?: string }

/**
 * An outbox over a real cache. The server numbers sends from `nextSeq`; its
 * answers are stored as the sync would: only when they extend the cached run
 * (one beyond a hole waits for a fill, which the test plays by storing).
 */
function setup(options: { nextSeq: number; refuse?: string }) {
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
  const outbox = new Outbox({
    cache,
    api,
    me: 'me',
    onSent: storeLikeSync,
    onFailed: () => {},
    onChanged: storeLikeSync,
    onChangeRefused: () => {},
    baseDelayMs: 60_000,
    capDelayMs: 60_000,
    deliveredDelayMs: 200,
    now: () => Date.now(),
    random: () => 0.5,
    log: { warn: () => {}, debug: () => {} },
  })
  return { cache, outbox, posts, answers }
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
