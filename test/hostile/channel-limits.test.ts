/**
 * What a stranger can make the realtime server hold (issue 14, "Unauthenticated
 * memory through public channels" and "Per-address socket limits behind a
 * proxy"). Public channels need no authorisation — the app key is public — so
 * they are bounded per client address across all its sockets and server-wide,
 * and can be turned off; the client address behind a trusted proxy is the one
 * the proxy reports, by the same rules as the REST api.
 */
import { afterAll, describe, expect, test } from 'vitest'
import { defaultLimits } from '../../src/server/realtime/server'
import { ErrorCode } from '../../src/server/realtime/protocol'
import { RawSocket, sdkFor } from '../helpers/clients'
import { startTestServer, type TestServer } from '../helpers/server'

const servers: TestServer[] = []
const sockets: RawSocket[] = []

afterAll(async () => {
  sockets.forEach((socket) => socket.close())
  await Promise.all(servers.map((server) => server.stop()))
})

async function start(env: Record<string, string>): Promise<TestServer> {
  const server = await startTestServer(env)
  servers.push(server)
  return server
}

async function open(server: TestServer, forwardedFor?: string): Promise<RawSocket> {
  const { socket } = await RawSocket.open(server, forwardedFor ? { headers: { 'X-Forwarded-For': forwardedFor } } : {})
  sockets.push(socket)
  return socket
}

type Answer = 'succeeded' | { refused: string; error?: { code: number | null; message: string } }

/** Subscribe and wait for the answer; a refusal carries the subscription error and any pusher:error sent with it. */
async function subscribe(socket: RawSocket, channel: string, data: Record<string, unknown> = {}): Promise<Answer> {
  const from = socket.frames.length
  socket.send({ event: 'pusher:subscribe', data: { channel, ...data } })
  const answer = await socket.waitFor(
    (frame) =>
      socket.frames.indexOf(frame) >= from &&
      frame.channel === channel.slice(0, 300) &&
      (frame.event === 'pusher_internal:subscription_succeeded' || frame.event === 'pusher:subscription_error'),
  )
  if (answer.event === 'pusher_internal:subscription_succeeded') return 'succeeded'
  const error = socket.frames.slice(from).find((frame) => frame.event === 'pusher:error')
  return {
    refused: (answer.data as { type: string; error: string }).error,
    ...(error ? { error: error.data as { code: number | null; message: string } } : {}),
  }
}

describe('public channels', () => {
  test('are capped per client address across all its sockets; leaving one frees a place', async () => {
    const server = await start({ MAX_PUBLIC_CHANNELS_PER_IP: '5' })
    const [first, second] = [await open(server), await open(server)]
    for (let i = 0; i < 3; i++) expect(await subscribe(first, `pub-${i}`)).toBe('succeeded')
    expect(await subscribe(second, 'pub-3')).toBe('succeeded')
    expect(await subscribe(second, 'pub-4')).toBe('succeeded')
    const refused = await subscribe(second, 'pub-5')
    expect(refused).toEqual({
      refused: 'At most 5 public channels per client address',
      error: { code: ErrorCode.ChannelRefused, message: 'At most 5 public channels per client address' },
    })
    // The same channel on another socket of the address counts again: it is a subscription the address holds.
    expect(await subscribe(second, 'pub-0')).not.toBe('succeeded')

    first.send({ event: 'pusher:unsubscribe', data: { channel: 'pub-0' } })
    await expect.poll(() => subscribe(second, 'pub-5')).toBe('succeeded')
    first.close()
    await first.closed()
    for (let i = 6; i < 8; i++) await expect.poll(() => subscribe(second, `pub-${i}`)).toBe('succeeded')
  })

  test('the attack of the finding: many sockets from one address holding long-named channels stay within the cap', async () => {
    const server = await start({})
    const cap = defaultLimits.maxPublicChannelsPerAddress
    const attackers = await Promise.all(Array.from({ length: 5 }, () => open(server)))
    const long = (socket: number, i: number) => `${'x'.repeat(180)}-${socket}-${i}`
    attackers.forEach((socket, s) => {
      for (let i = 0; i < 300; i++) socket.send({ event: 'pusher:subscribe', data: { channel: long(s, i) } })
    })
    const answered = () =>
      attackers.reduce(
        (sum, socket) =>
          sum + socket.frames.filter((f) => f.event === 'pusher_internal:subscription_succeeded' || f.event === 'pusher:subscription_error').length,
        0,
      )
    await expect.poll(answered, { timeout: 15_000 }).toBe(1_500)
    const held = attackers.reduce((sum, socket) => sum + socket.frames.filter((f) => f.event === 'pusher_internal:subscription_succeeded').length, 0)
    expect(held).toBe(cap)
    expect(server.realtime.stats().channels).toBe(cap)
    // Parley's own channels are not public and are not counted against the address.
    const mine = await open(server)
    const signed = sdkFor(server).authorizeChannel(socketIdOf(mine), 'private-user-someone')
    expect(await subscribe(mine, 'private-user-someone', { auth: signed.auth })).toBe('succeeded')
  })

  test('PUBLIC_CHANNELS=false refuses them with a clear error; private channels still work', async () => {
    const server = await start({ PUBLIC_CHANNELS: 'false' })
    const socket = await open(server)
    expect(await subscribe(socket, 'news')).toEqual({
      refused: 'Public channels are turned off on this server',
      error: { code: ErrorCode.ChannelRefused, message: 'Public channels are turned off on this server' },
    })
    const signed = sdkFor(server).authorizeChannel(socketIdOf(socket), 'private-news')
    expect(await subscribe(socket, 'private-news', { auth: signed.auth })).toBe('succeeded')
    expect(server.realtime.stats().channels).toBe(1)
  })
})

describe('every channel', () => {
  test('a server-wide cap: a subscription that would open one channel too many is refused; existing channels stay open to join', async () => {
    const server = await start({ MAX_CHANNELS: '3' })
    const [one, two] = [await open(server), await open(server)]
    for (const name of ['a', 'b', 'c']) expect(await subscribe(one, name)).toBe('succeeded')
    const refused = await subscribe(two, 'd')
    expect(refused).toMatchObject({ refused: expect.stringMatching(/as many channels as it may/), error: { code: ErrorCode.ChannelRefused } })
    const signed = sdkFor(server).authorizeChannel(socketIdOf(two), 'private-e')
    expect(await subscribe(two, 'private-e', { auth: signed.auth })).not.toBe('succeeded')
    expect(await subscribe(two, 'b')).toBe('succeeded')
    expect(server.realtime.stats().channels).toBe(3)
  })

  test('one socket may hold what the app needs with headroom, not thousands', () => {
    expect(defaultLimits.maxSubscriptionsPerSocket).toBe(500)
  })
})

describe('the client address behind a proxy', () => {
  test.each<{ label: string; env: Record<string, string>; counted: string; named: boolean }>([
    { label: 'TRUST_PROXY=true', env: { TRUST_PROXY: 'true' }, counted: 'per forwarded address', named: false },
    { label: 'TRUST_PROXY naming the proxy', env: { TRUST_PROXY: '127.0.0.1' }, counted: 'per forwarded address', named: true },
    { label: 'TRUST_PROXY unset', env: {}, counted: 'per peer', named: false },
    { label: 'TRUST_PROXY naming someone else', env: { TRUST_PROXY: '10.9.9.9' }, counted: 'per peer', named: false },
  ])('$label: sockets are counted $counted', async ({ env, counted, named }) => {
    const server = await start({ ...env, MAX_CONNECTIONS_PER_IP: '2' })
    const refusedWith = async (forwardedFor: string): Promise<number | null> => {
      const socket = new RawSocket(RawSocket.url(server), { headers: { 'X-Forwarded-For': forwardedFor } })
      sockets.push(socket)
      const first = await socket.waitFor((f) => f.event === 'pusher:connection_established' || f.event === 'pusher:error')
      return first.event === 'pusher:error' ? (first.data as { code: number }).code : null
    }
    expect(await refusedWith('10.0.0.1')).toBeNull()
    expect(await refusedWith('10.0.0.1')).toBeNull()
    const third = await refusedWith('10.0.0.2')
    if (counted === 'per peer') expect(third).toBe(4100)
    else {
      expect(third).toBeNull()
      expect(await refusedWith('10.0.0.1')).toBe(4100)
      // With the proxy named, a client cannot pick its address by prepending to the header: only the
      // hop the proxy appended counts (as for the REST api's request.ip). TRUST_PROXY=true believes
      // every hop, which is why it is only for a port nothing but the proxy can reach.
      if (named) expect(await refusedWith('10.0.0.3, 10.0.0.1')).toBe(4100)
    }
  })
})

function socketIdOf(socket: RawSocket): string {
  const established = socket.frames.find((f) => f.event === 'pusher:connection_established')
  return (established?.data as { socket_id: string }).socket_id
}
