/**
 * The TCP proxy's fault modes that the fault suite relies on, against a plain
 * echo server: latency keeps the order, a blackhole holds bytes until restore
 * (or resets a link one end gave up on), failHttp spares WebSocket links.
 */
import { createServer, connect, type Server, type Socket } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { eventually } from '../helpers/core'
import { TcpProxy } from '../helpers/tcp-proxy'

let echo: Server
let echoPort = 0

beforeAll(async () => {
  echo = createServer((socket) => {
    socket.on('error', () => undefined)
    socket.pipe(socket)
  })
  await new Promise<void>((resolve) => echo.listen(0, '127.0.0.1', resolve))
  const address = echo.address()
  echoPort = typeof address === 'object' && address ? address.port : 0
})

afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())))

async function client(proxy: TcpProxy): Promise<{ socket: Socket; received: () => string; closed: () => boolean }> {
  const socket = connect(proxy.port, '127.0.0.1')
  let text = ''
  let closed = false
  socket.on('data', (chunk) => (text += chunk.toString()))
  socket.on('error', () => undefined)
  socket.on('close', () => (closed = true))
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  return { socket, received: () => text, closed: () => closed }
}

test('latency delays every chunk and keeps their order; restore ends it', async () => {
  const proxy = new TcpProxy(echoPort)
  await proxy.start()
  const c = await client(proxy)
  proxy.latency(150)
  const sentAt = Date.now()
  for (const part of ['a', 'b', 'c', 'd']) {
    c.socket.write(part)
    await new Promise((resolve) => setTimeout(resolve, 10))
  }
  await eventually(() => c.received() === 'abcd', 5_000, 'echo through a slow link')
  expect(Date.now() - sentAt).toBeGreaterThanOrEqual(2 * 150 - 20) // there and back, each delayed
  proxy.restore()
  c.socket.write('e')
  await eventually(() => c.received() === 'abcde', 5_000, 'fast again')
  c.socket.destroy()
  await proxy.stop()
})

test('a blackhole holds the bytes; restore delivers them in order on the same link', async () => {
  const proxy = new TcpProxy(echoPort)
  await proxy.start()
  const c = await client(proxy)
  proxy.blackhole()
  c.socket.write('1')
  c.socket.write('2')
  await new Promise((resolve) => setTimeout(resolve, 200))
  expect(c.received()).toBe('')
  proxy.restore()
  await eventually(() => c.received() === '12', 5_000, 'held bytes delivered')
  expect(c.closed()).toBe(false)
  c.socket.destroy()
  await proxy.stop()
})

test('failHttp resets plain HTTP links and keeps WebSocket ones', async () => {
  const proxy = new TcpProxy(echoPort)
  await proxy.start()
  const ws = await client(proxy)
  ws.socket.write('GET /app/key HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n\r\n')
  const http = await client(proxy)
  http.socket.write('GET /api/config HTTP/1.1\r\nHost: x\r\n\r\n')
  await eventually(() => ws.received().length > 0 && http.received().length > 0, 5_000, 'both echoed')
  proxy.failHttp()
  await eventually(() => http.closed(), 5_000, 'the HTTP link is reset')
  const next = await client(proxy)
  next.socket.write('POST /api/conversations/c/messages HTTP/1.1\r\nHost: x\r\n\r\n')
  await eventually(() => next.closed(), 5_000, 'a new HTTP request fails')
  ws.socket.write('still here')
  await eventually(() => ws.received().endsWith('still here'), 5_000, 'the WebSocket link works')
  proxy.restore()
  const after = await client(proxy)
  after.socket.write('GET /api/config HTTP/1.1\r\n\r\n')
  await eventually(() => after.received().length > 0, 5_000, 'HTTP works again')
  for (const c of [ws, after]) c.socket.destroy()
  await proxy.stop()
})
