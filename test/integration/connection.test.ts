/** Connection handshake and hostile frames, against a real server over real sockets. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { connected, nextEvent, pusherClient, sdkFor, subscribed } from '../helpers/clients'
import { RawSocket } from '../helpers/clients'
import PusherClient from 'pusher-js'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
beforeAll(async () => {
  server = await startTestServer()
})
afterAll(async () => {
  await server.stop()
})

describe('handshake', () => {
  test('connection_established carries a socket id and the activity timeout as a JSON string', async () => {
    const socket = new RawSocket(RawSocket.url(server))
    const raw = await new Promise<string>((resolve) => socket.ws.once('message', (data) => resolve(data.toString())))
    const frame = JSON.parse(raw) as { event: string; data: unknown }
    expect(frame.event).toBe('pusher:connection_established')
    expect(typeof frame.data).toBe('string')
    const data = JSON.parse(frame.data as string) as { socket_id: string; activity_timeout: number }
    expect(data.socket_id).toMatch(/^\d+\.\d+$/)
    expect(data.activity_timeout).toBe(30)
    socket.close()
  })

  test('socket ids are unique per connection', async () => {
    const opened = await Promise.all([1, 2, 3, 4, 5].map(() => RawSocket.open(server)))
    expect(new Set(opened.map((o) => o.socketId)).size).toBe(5)
    opened.forEach((o) => o.socket.close())
  })

  test.each([
    ['unknown app key', 'nope', 'protocol=7&client=js', 4001],
    ['missing protocol', undefined, 'client=js', 4008],
    ['unsupported protocol', undefined, 'protocol=3', 4007],
  ])('%s → pusher:error and close with that code', async (_name, key, query, code) => {
    const socket = new RawSocket(RawSocket.url(server, key ?? server.realtime.app.key, query))
    const error = await socket.waitFor((f) => f.event === 'pusher:error')
    expect((error.data as { code: number }).code).toBe(code)
    expect(await socket.closed()).toBe(code)
  })

  test('pusher-js treats an unknown key as refused and does not reconnect', async () => {
    let attempts = 0
    const countAttempts = (req: { url?: string }): void => {
      if (req.url?.startsWith('/app/not-the-key')) attempts++
    }
    server.fastify.server.on('upgrade', countAttempts)
    const bad = new PusherClient('not-the-key', {
      cluster: 'local',
      wsHost: '127.0.0.1',
      wsPort: server.port,
      forceTLS: false,
      enabledTransports: ['ws'],
    })
    const states: string[] = []
    bad.connection.bind('state_change', ({ current }: { current: string }) => states.push(current))
    await new Promise((resolve) => setTimeout(resolve, 2_500))
    server.fastify.server.off('upgrade', countAttempts)
    expect(states).not.toContain('connected')
    expect(bad.connection.state).toBe('disconnected')
    expect(attempts).toBe(1)
    bad.disconnect()
  })

  test('paths other than /app/{key} are not upgraded', async () => {
    const socket = new RawSocket(`ws://127.0.0.1:${server.port}/elsewhere`)
    const code = await socket.closed()
    expect(code).toBe(1006)
    expect(socket.frames).toHaveLength(0)
  })

  test('GET /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`)
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ ok: true })
  })
})

describe('frames', () => {
  test('pusher:ping is answered with pusher:pong', async () => {
    const { socket } = await RawSocket.open(server)
    socket.send({ event: 'pusher:ping', data: {} })
    await socket.waitFor((f) => f.event === 'pusher:pong')
    socket.close()
  })

  test.each([
    ['not JSON', '{"event":'],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"pusher:ping"'],
    ['null', 'null'],
    ['an object without event', '{"data":{}}'],
    ['a numeric event', '{"event":42}'],
    ['an unknown event', '{"event":"pusher:nonsense","data":{}}'],
    ['a non-client custom event', '{"event":"hello","channel":"x","data":{}}'],
    ['subscribe without data', '{"event":"pusher:subscribe"}'],
    ['subscribe with a numeric channel', '{"event":"pusher:subscribe","data":{"channel":7}}'],
    ['subscribe with string data that is not JSON', '{"event":"pusher:subscribe","data":"{{"}'],
    ['unsubscribe without channel', '{"event":"pusher:unsubscribe","data":{}}'],
    ['deeply nested JSON', `{"event":"pusher:subscribe","data":${'['.repeat(5000)}${']'.repeat(5000)}}`],
  ])('%s gets a pusher:error 4300 and the socket stays usable', async (_name, text) => {
    const { socket } = await RawSocket.open(server)
    socket.send(text)
    const error = await socket.waitForNext((f) => f.event === 'pusher:error')
    expect((error.data as { code: number }).code).toBe(4300)
    socket.send({ event: 'pusher:ping', data: {} })
    await socket.waitForNext((f) => f.event === 'pusher:pong')
    expect(socket.closeCode).toBeNull()
    socket.close()
  })

  test('binary frames get a pusher:error and the socket stays', async () => {
    const { socket } = await RawSocket.open(server)
    socket.ws.send(Buffer.from([0, 1, 2, 255]), { binary: true })
    const error = await socket.waitForNext((f) => f.event === 'pusher:error')
    expect((error.data as { code: number }).code).toBe(4300)
    expect(socket.closeCode).toBeNull()
    socket.close()
  })

  test('a 1 MB frame closes only that socket (1009); other clients keep receiving', async () => {
    const bystander = pusherClient(server, { userId: 'bystander' })
    await connected(bystander)
    const channel = await subscribed(bystander, 'bystanders')

    const { socket } = await RawSocket.open(server)
    socket.send(JSON.stringify({ event: 'client-big', channel: 'private-x', data: 'x'.repeat(1024 * 1024) }))
    expect(await socket.closed()).toBe(1009)

    const received = nextEvent(channel, 'still-here')
    await sdkFor(server).trigger('bystanders', 'still-here', { ok: true })
    expect(await received).toEqual({ ok: true })
    bystander.disconnect()
  })

  test('a burst of garbage from one socket does not disturb another', async () => {
    const client = pusherClient(server, { userId: 'calm' })
    await connected(client)
    const channel = await subscribed(client, 'calm')
    const { socket } = await RawSocket.open(server)
    for (let i = 0; i < 500; i++) socket.send(i % 2 === 0 ? '\u0000\uffff' : `{"event":${i}}`)
    const received = nextEvent(channel, 'ok')
    await sdkFor(server).trigger('calm', 'ok', { n: 1 })
    expect(await received).toEqual({ n: 1 })
    expect(server.realtime.stats().connections).toBeGreaterThanOrEqual(2)
    socket.close()
    client.disconnect()
  })
})
