/**
 * The core's channel authorisations in batches (channel-auth-batcher.ts,
 * design §5) against a real server: what one turn asks for goes in requests of
 * at most 100 channels, and every channel gets the answer the single route
 * gives it — the same signature, the same refusal. A connect of a user in many
 * conversations makes a handful of auth requests, not one per conversation.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { ApiClient, HttpError, NetworkError, type ChannelAuth } from '../../../src/main/core/api-client'
import { BATCH, ChannelAuthBatcher } from '../../../src/main/core/realtime/channel-auth-batcher'
import { Rest, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'

let server: TestServer
let rest: Rest
let me: Account
let blocker: Account
let conversations: string[]
let blockedDirect: string

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', CONVERSATION_RATE_LIMIT: '1000' })
  rest = new Rest(server.url)
  ;[me, blocker] = (await Promise.all([rest.newUser('batchme'), rest.newUser('batchblocker')])) as [Account, Account]
  const friends = await Promise.all(Array.from({ length: 5 }, (_, i) => rest.newUser(`batchfriend${i}`)))
  // 120 groups: more than one batch.
  conversations = []
  for (let i = 0; i < 120; i++) conversations.push((await rest.conversation(me, [friends[i % 5] as Account, friends[(i + 1) % 5] as Account], `g${i}`)).id)
  blockedDirect = (await rest.conversation(me, [blocker])).id
  expect((await rest.call('PUT', `/api/users/${me.user.id}/block`, { token: blocker.token })).status).toBe(204)
}, 60_000)
afterAll(async () => {
  await server.stop()
})

/** The real client, counting the requests it makes. */
function countingClient(baseUrl = server.url) {
  const api = new ApiClient({ baseUrl, token: me.token })
  const calls = { single: 0, batch: [] as number[] }
  return {
    calls,
    client: {
      channelAuth: (socketId: string, name: string) => {
        calls.single++
        return api.channelAuth(socketId, name)
      },
      channelAuthBatch: (socketId: string, names: readonly string[]) => {
        calls.batch.push(names.length)
        return api.channelAuthBatch(socketId, names)
      },
    },
    api,
  }
}

const settle = <T>(promise: Promise<T>) => promise.then((value) => ({ value }), (error: unknown) => ({ error }))

describe('ChannelAuthBatcher', () => {
  test('one turn of 123 channels: five requests of at most 25, one after another, each answer as the single route gives it', async () => {
    const { calls, client, api } = countingClient()
    const batcher = new ChannelAuthBatcher(client)
    const socketId = '1234.5678'
    const names = [`private-user-${me.user.id}`, ...conversations.map((id) => `presence-conversation-${id}`), `presence-conversation-${blockedDirect}`, 'private-anything']
    const answers = await Promise.all(names.map((name) => settle(batcher.authorize(socketId, name))))
    expect(calls.batch).toEqual([BATCH, BATCH, BATCH, BATCH, names.length - 4 * BATCH])
    expect(calls.single).toBe(0)
    for (const [i, name] of names.entries()) {
      const single = await settle(api.channelAuth(socketId, name))
      const answer = answers[i]
      if ('value' in single) expect(answer).toEqual({ value: single.value })
      else {
        expect(answer).toHaveProperty('error')
        const [a, b] = [(answer as { error: HttpError }).error, single.error as HttpError]
        expect(a).toBeInstanceOf(HttpError)
        expect([a.status, a.code]).toEqual([b.status, b.code])
      }
    }
    const refused = answers.filter((answer) => 'error' in answer).map((answer) => ((answer as { error: HttpError }).error.code))
    expect(refused).toEqual(['blocked', 'forbidden'])
    expect((answers[1] as { value: ChannelAuth }).value.channel_data).toContain(me.user.id)
  })

  test('a channel asked for alone goes by the single route; two sockets in one turn are two batches', async () => {
    const { calls, client } = countingClient()
    const batcher = new ChannelAuthBatcher(client)
    await batcher.authorize('1.1', `presence-conversation-${conversations[0]}`)
    expect(calls).toEqual({ single: 1, batch: [] })
    await Promise.all([
      batcher.authorize('1.1', `presence-conversation-${conversations[0]}`),
      batcher.authorize('1.1', `presence-conversation-${conversations[1]}`),
      batcher.authorize('2.2', `presence-conversation-${conversations[2]}`),
      batcher.authorize('2.2', `presence-conversation-${conversations[3]}`),
    ])
    expect(calls).toEqual({ single: 1, batch: [2, 2] })
  })

  test('a server without the batch route (404): single requests, then and from then on', async () => {
    // An older server: the real one behind a front that has no /api/pusher/auth-batch.
    const { createServer } = await import('node:http')
    const front = createServer((request, response) => {
      if (request.url === '/api/pusher/auth-batch') {
        response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'not_found', message: 'Route not found' } }))
        return
      }
      const chunks: Buffer[] = []
      request.on('data', (chunk: Buffer) => chunks.push(chunk))
      request.on('end', () => {
        void fetch(`${server.url}${request.url ?? '/'}`, {
          method: request.method,
          headers: { authorization: request.headers.authorization ?? '', 'content-type': request.headers['content-type'] ?? 'application/json' },
          body: chunks.length === 0 ? undefined : Buffer.concat(chunks),
        }).then(async (answer) => response.writeHead(answer.status, { 'content-type': 'application/json' }).end(await answer.text()))
      })
    })
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
    try {
      const address = front.address() as { port: number }
      const { calls, client } = countingClient(`http://127.0.0.1:${address.port}`)
      const batcher = new ChannelAuthBatcher(client)
      const names = conversations.slice(0, 3).map((id) => `presence-conversation-${id}`)
      const first = await Promise.all(names.map((name) => batcher.authorize('3.3', name)))
      expect(first.every((auth) => auth.auth.length > 0)).toBe(true)
      expect(calls).toEqual({ single: 3, batch: [3] })
      await Promise.all(names.map((name) => batcher.authorize('3.3', name)))
      expect(calls).toEqual({ single: 6, batch: [3] })
    } finally {
      await new Promise((resolve) => front.close(resolve))
    }
  })

  test('no answer from the server: every channel of the batch fails as retryable (the link subscribes them again later)', async () => {
    const { client } = countingClient('http://127.0.0.1:1')
    const batcher = new ChannelAuthBatcher(client)
    const answers = await Promise.all(conversations.slice(0, 3).map((id) => settle(batcher.authorize('4.4', `presence-conversation-${id}`))))
    for (const answer of answers) expect((answer as { error: unknown }).error).toBeInstanceOf(NetworkError)
  })
})
