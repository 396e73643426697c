/**
 * Raw-TCP fuzzing of the WebSocket upgrade path (issue 14: one unauthenticated
 * request killed the whole server). A real `npm run server` child process gets
 * request lines, targets, HTTP versions and header sets that neither `ws` nor
 * fetch would ever send, as bytes over node:net: garbage methods; targets built
 * from `/app/`, `//`, `\`, `[`, `]`, `@`, `:`, percent-escapes with hex and
 * non-hex digits, `?protocol=` with any value, the absolute form, Unicode, raw
 * control bytes and bytes ≥ 0x80, targets over the header size limit; odd HTTP
 * versions and line endings; Connection/Upgrade variants, valid and invalid
 * Sec-WebSocket-Key/-Version, duplicated headers, header names and values with
 * odd bytes, no Host, X-Forwarded-For garbage; bytes pipelined after the
 * headers; requests written in pieces; a client that resets at once. A request
 * that is answered 101 then sends random WebSocket frames (bad opcodes,
 * reserved bits, unmasked, lying lengths, odd close codes) or garbage.
 *
 * Properties, after every request: the process has not exited, GET /healthz
 * answers 200, and its log has no CRASH_LOG_MESSAGE (the last-resort handler
 * of src/server/index.ts, which no request may reach); an answer, when there
 * is one, is an HTTP/1.1 status line and never a 5xx; a valid handshake (the
 * control group) is answered 101. The property runs twice: as configured by
 * default, and with TRUST_PROXY=true, where the client address is read from
 * X-Forwarded-For. The issue's own cases come first, each with the exact
 * status it must be answered.
 *
 * A request that takes the server down fails the run, and a fresh server takes
 * its place so fast-check shrinks against a live one (FUZZ_SHRINK=0 skips
 * that). Seeds, FUZZ_SEED, FUZZ_RUNS: support.ts; FUZZ_STATS=1 prints how the
 * requests were answered.
 */
import { connect, type Socket } from 'node:net'
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { CRASH_LOG_MESSAGE } from '../../src/server/logger'
import { CHILD_CREDENTIALS, checkProperty, startChildServer, type ChildServer } from './support'

const KEY = CHILD_CREDENTIALS.key
/** The handshake headers of a well-formed WebSocket upgrade (RFC 6455's sample key). */
const HANDSHAKE = [
  'Host: 127.0.0.1',
  'Connection: Upgrade',
  'Upgrade: websocket',
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Version: 13',
]
/** How long a connection may stay silent before the client gives up on an answer. */
const ANSWER_MS = 1_000
/** After the frames sent on an accepted socket, how long the client listens for the server's reaction. */
const LISTEN_MS = 100

// ---------------------------------------------------------------------------
// A raw TCP connection, and reading HTTP answers off it

class RawConnection {
  received = Buffer.alloc(0)
  closed = false
  private readonly changed = new Set<() => void>()

  private constructor(readonly socket: Socket) {
    socket.setNoDelay(true)
    // A server that refuses mid-write resets the connection: that is an answer, not a test failure.
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => {
      this.received = Buffer.concat([this.received, chunk])
      this.changed.forEach((notify) => notify())
    })
    socket.on('close', () => {
      this.closed = true
      this.changed.forEach((notify) => notify())
    })
  }

  static open(port: number): Promise<RawConnection> {
    return new Promise((resolve, reject) => {
      const socket = connect(port, '127.0.0.1')
      socket.once('error', reject)
      socket.once('connect', () => {
        socket.off('error', reject)
        resolve(new RawConnection(socket))
      })
    })
  }

  /** Write `bytes`, in pieces cut at `cuts` (each piece in its own write and turn of the event loop). */
  async write(bytes: Uint8Array, cuts: number[] = []): Promise<void> {
    const at = [...new Set(cuts.map((cut) => cut % (bytes.length + 1)))].sort((a, b) => a - b)
    let from = 0
    for (const to of [...at, bytes.length]) {
      if (this.closed || this.socket.destroyed) return
      if (to > from) this.socket.write(bytes.subarray(from, to))
      from = to
      await new Promise((resolve) => setImmediate(resolve))
    }
  }

  /** Resolves once `enough(received)` holds, the server closed, or `quietMs` passed without news; never rejects. */
  settle(enough: (received: Buffer) => boolean, quietMs: number): Promise<void> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout
      const check = (): void => {
        clearTimeout(timer)
        if (this.closed || enough(this.received)) {
          this.changed.delete(check)
          return resolve()
        }
        timer = setTimeout(() => {
          this.changed.delete(check)
          resolve()
        }, quietMs)
      }
      this.changed.add(check)
      check()
    })
  }

  /** The first line of what the server sent ('' when it sent nothing). */
  statusLine(): string {
    const end = this.received.indexOf('\r\n')
    return this.received.subarray(0, end === -1 ? this.received.length : end).toString('latin1')
  }
}

/**
 * Whether `received` holds one whole HTTP answer: its head, then as much body
 * as Content-Length says or a last chunk. A keep-alive answer never closes the
 * connection, so without this every well-formed request would wait out ANSWER_MS.
 */
function answered(received: Buffer): boolean {
  const headEnd = received.indexOf('\r\n\r\n')
  if (headEnd === -1) return false
  const head = received.subarray(0, headEnd).toString('latin1')
  if (/^HTTP\/1\.1 1\d\d /.test(head)) return true
  const body = received.length - headEnd - 4
  const length = /\r\ncontent-length: *(\d+)/i.exec(head)?.[1]
  if (length !== undefined) return body >= Number(length)
  if (/\r\ntransfer-encoding: *chunked/i.test(head)) return received.subarray(headEnd).includes('\r\n0\r\n\r\n')
  return false
}

/** GET /healthz on a connection of its own: the status line, or why there was none. */
async function healthz(port: number): Promise<string> {
  let connection: RawConnection
  try {
    connection = await RawConnection.open(port)
  } catch (err) {
    return `no connection (${(err as NodeJS.ErrnoException).code ?? String(err)})`
  }
  await connection.write(Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'))
  await connection.settle(answered, 2_000)
  connection.socket.destroy()
  return connection.statusLine() || (connection.closed ? 'closed without an answer' : 'no answer within 2 s')
}

// ---------------------------------------------------------------------------
// The server fired at

/**
 * A child server that is replaced when a request took it down: the failure is
 * reported with the old one's output, and the next request (fast-check's
 * shrinking replays the failing one, smaller) meets a live server.
 */
class ServerUnderFire {
  private current: ChildServer | null = null
  constructor(private readonly env: Record<string, string> = {}) {}

  get port(): number {
    if (this.current === null) throw new Error('the server is not started')
    return this.current.port
  }

  async start(): Promise<void> {
    this.current = await startChildServer(this.env)
  }

  async stop(): Promise<void> {
    await this.current?.stop()
    this.current = null
  }

  /** The process is up, answers /healthz, and never reached the last-resort handler; `after` names what was sent. */
  async expectAlive(after: string): Promise<void> {
    const server = this.current
    if (server === null) throw new Error('the server is not started')
    const health = await healthz(server.port)
    const state = { health, exitCode: server.child.exitCode, crashLogged: server.output().includes(CRASH_LOG_MESSAGE) }
    const alive = { health: 'HTTP/1.1 200 OK', exitCode: null, crashLogged: false }
    if (JSON.stringify(state) === JSON.stringify(alive)) return
    const output = server.output()
    await this.stop()
    await this.start()
    expect(state, `the server went down after ${after}\n--- its output (last 4,000 characters) ---\n${output.slice(-4_000)}`).toEqual(alive)
  }
}

/** Bytes as a readable string for failure messages: printable ASCII kept, the rest escaped. */
function shown(bytes: Uint8Array, max = 600): string {
  const text = Buffer.from(bytes.subarray(0, max)).toString('latin1')
  const escaped = JSON.stringify(text).replace(/[\u0080-\u00ff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)
  return bytes.length > max ? `${escaped}…(${bytes.length} bytes)` : escaped
}

// ---------------------------------------------------------------------------
// The cases

describe('the requests of issue 14', () => {
  const fire = new ServerUnderFire()
  beforeAll(() => fire.start())
  afterAll(() => fire.stop())

  const upgrade = (target: string, headers: string[]): Buffer =>
    Buffer.from(`GET ${target} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`, 'latin1')
  const anyUpgrade = ['Host: 127.0.0.1', 'Connection: Upgrade', 'Upgrade: anything']

  test.each([
    ['GET // with any Upgrade header', upgrade('//', anyUpgrade), 'HTTP/1.1 404 Not Found'],
    ['GET /\\', upgrade('/\\', anyUpgrade), 'HTTP/1.1 404 Not Found'],
    ['GET //[', upgrade('//[', anyUpgrade), 'HTTP/1.1 404 Not Found'],
    ['GET //a:b@', upgrade('//a:b@', anyUpgrade), 'HTTP/1.1 404 Not Found'],
    ['GET // as a WebSocket handshake', upgrade('//', HANDSHAKE), 'HTTP/1.1 404 Not Found'],
    ['GET http://[::1', upgrade('http://[::1', anyUpgrade), 'HTTP/1.1 400 Bad Request'],
    ['a WebSocket handshake to /app/%ZZ', upgrade('/app/%ZZ?protocol=7', HANDSHAKE), 'HTTP/1.1 400 Bad Request'],
    ['a WebSocket handshake to /app/%ED%A0%80 (a lone surrogate)', upgrade('/app/%ED%A0%80?protocol=7', HANDSHAKE), 'HTTP/1.1 400 Bad Request'],
    ['a WebSocket handshake to http://127.0.0.1/app/%ZZ', upgrade('http://127.0.0.1/app/%ZZ?protocol=7', HANDSHAKE), 'HTTP/1.1 400 Bad Request'],
  ])('%s: answered exactly, and the server lives on', async (what, request, status) => {
    const connection = await RawConnection.open(fire.port)
    await connection.write(request)
    await connection.settle(answered, ANSWER_MS)
    connection.socket.destroy()
    await fire.expectAlive(`${what}: ${shown(request)}`)
    expect(connection.statusLine(), shown(request)).toBe(status)
  })

  // The socket of a refused upgrade once had no error handler while its answer
  // was written: a client that resets the connection at once made the write
  // fail with ECONNRESET, an 'error' event nobody listened to.
  test.each([
    ['to a path that is not /app/{key}', upgrade('/nope', anyUpgrade)],
    ['to //', upgrade('//', anyUpgrade)],
    ['to /app/%ZZ', upgrade('/app/%ZZ?protocol=7', HANDSHAKE)],
  ])('an upgrade %s reset by the client as soon as it is sent: the server lives on', async (what, request) => {
    for (let i = 0; i < 5; i++) {
      const connection = await RawConnection.open(fire.port)
      await connection.write(request)
      connection.socket.resetAndDestroy()
      await fire.expectAlive(`an upgrade ${what}, reset at once: ${shown(request)}`)
    }
  })

  test('a valid handshake after all of them is still answered 101', async () => {
    const connection = await RawConnection.open(fire.port)
    await connection.write(upgrade(`/app/${KEY}?protocol=7`, HANDSHAKE))
    await connection.settle((received) => received.includes('connection_established'), ANSWER_MS)
    connection.socket.destroy()
    expect(connection.statusLine()).toBe('HTTP/1.1 101 Switching Protocols')
    expect(connection.received.toString('latin1')).toContain('pusher:connection_established')
  })
})

// ---------------------------------------------------------------------------
// Generated requests

/** Text (sent as UTF-8, lone surrogates as U+FFFD) or raw bytes. */
type Piece = string | Uint8Array
/** `times` copies of `unit`, expanded when sent (keeps a counterexample short). */
interface Repeat {
  unit: string
  times: number
}
type TargetPiece = Piece | Repeat

const hostileText: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: 'binary-ascii', maxLength: 20 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 10 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 10 }) },
  { weight: 2, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 10 }) },
  { weight: 1, arbitrary: fc.constantFrom('\r\n', 'a\r\n b', '\u0000', '\u007f', ' ', '\t', 'é', '\ud800', 'x'.repeat(5_000)) },
)

const hexDigit = fc.constantFrom(...'0123456789abcdefABCDEF')
const notHexDigit = fc.constantFrom('g', 'Z', 'z', '%', '/', '?', '')
const percentEscape = fc
  .tuple(fc.oneof({ weight: 2, arbitrary: hexDigit }, notHexDigit), fc.oneof({ weight: 2, arbitrary: hexDigit }, notHexDigit))
  .map(([a, b]) => `%${a}${b}`)

const protocolValue = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('7', '6', '8', '', '07', '7.0', '%37', '%ZZ', '%', '+7', '7#x', '7&protocol=8', 'a'.repeat(300)) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
)

const targetPiece: fc.Arbitrary<TargetPiece> = fc.oneof(
  {
    weight: 40,
    arbitrary: fc.constantFrom(
      '/app/', `/app/${KEY}`, KEY, '/', '//', '\\', '[', ']', '@', ':', '.', '..', '#', '&', '?', '=', '*', '+', '~',
      'a', 'app', '::1', '127.0.0.1', 'http://', 'https://', 'HTTP://', 'ws://', 'a:b@', '[::1]', ':99999',
    ),
  },
  { weight: 10, arbitrary: percentEscape },
  { weight: 8, arbitrary: fc.tuple(fc.constantFrom('?', '&', '?client=js&'), protocolValue).map(([mark, value]) => `${mark}protocol=${value}`) },
  {
    weight: 1,
    arbitrary: fc.record({ unit: fc.constantFrom('a', '/', '%', '%41', '[', 'é', '?protocol=7&'), times: fc.integer({ min: 100, max: 20_000 }) }),
  },
  // What a request target may not hold (RFC 9112 §3.2): the parser refuses it before the upgrade path sees it.
  {
    weight: 2,
    arbitrary: fc.oneof(
      fc.constantFrom(' ', '\t', '\u0000', '\u007f', '%\u0000', '%é'),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 4 }),
      fc.string({ unit: 'binary', minLength: 1, maxLength: 4 }),
      fc.uint8Array({ minLength: 1, maxLength: 4 }),
    ),
  },
)

/** Targets of a real app path (some with another app's key, or another protocol): a valid handshake to them is answered 101. */
const APP_TARGETS = [`/app/${KEY}`, `/app/${KEY}/`, `http://127.0.0.1/app/${KEY}`, `HTTPS://[::1]:8443/app/${KEY}`, '/app/other-key', `/app/${encodeURIComponent('clé')}`].flatMap(
  (path) => ['?protocol=7', '?protocol=7&client=js&version=8.6.0&flash=false', '', '?protocol=6'].map((query) => path + query),
)
const appTarget = fc.constantFrom(...APP_TARGETS).map((text): TargetPiece[] => [text])

const target: fc.Arbitrary<TargetPiece[]> = fc.oneof(
  { weight: 4, arbitrary: appTarget },
  {
    weight: 5,
    arbitrary: fc
      .tuple(
        fc.oneof(
          { weight: 5, arbitrary: fc.constantFrom('/app/', '/', '//', '/\\') },
          { weight: 2, arbitrary: fc.constantFrom('http://', 'https://127.0.0.1', 'http://[', '*', '') },
        ),
        fc.array(targetPiece, { maxLength: 8 }),
      )
      .map(([start, rest]) => [start, ...rest]),
  },
)

const method: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 16, arbitrary: fc.constant('GET') },
  {
    weight: 3,
    arbitrary: fc.constantFrom('HEAD', 'POST', 'PUT', 'DELETE', 'OPTIONS', 'PATCH', 'CONNECT', 'TRACE', 'PRI', 'SOURCE', 'get', 'GeT', 'GET ', ''),
  },
  { weight: 1, arbitrary: hostileText },
)

const version: fc.Arbitrary<Piece> = fc.oneof(
  { weight: 20, arbitrary: fc.constant('HTTP/1.1') },
  {
    weight: 2,
    arbitrary: fc.constantFrom('HTTP/1.0', 'HTTP/2.0', 'HTTP/0.9', 'HTTP/1.2', 'HTTP/9.9', 'http/1.1', 'HTTP/1.1 ', 'HTTP/11', 'HTTP/1', 'HTTP /1.1', ''),
  },
  { weight: 1, arbitrary: hostileText },
)

/** A handshake header: the value a client sends, or a variant, or garbage; absent sometimes. */
const handshakeHeader = (valid: fc.Arbitrary<string>, variants: string[]): fc.Arbitrary<Piece | null> =>
  fc.oneof(
    { weight: 32, arbitrary: valid },
    { weight: 4, arbitrary: fc.constantFrom(...variants) },
    { weight: 1, arbitrary: hostileText },
    { weight: 1, arbitrary: fc.constant(null) },
  )

const validKey = fc.uint8Array({ minLength: 16, maxLength: 16 }).map((bytes) => Buffer.from(bytes).toString('base64'))

const handshake = fc.record({
  Host: handshakeHeader(fc.constant('127.0.0.1'), ['', '[::1', 'a:b@c', '..', ' ', '127.0.0.1:99999', 'x'.repeat(300)]),
  Connection: handshakeHeader(fc.constant('Upgrade'), [
    'upgrade', 'UPGRADE', 'keep-alive, Upgrade', 'Upgrade, keep-alive', 'Upgrade, HTTP2-Settings', 'close', 'close, Upgrade', 'keep-alive', ' Upgrade ', 'Upgrade,,', ',', '',
  ]),
  Upgrade: handshakeHeader(fc.constant('websocket'), ['WebSocket', 'WEBSOCKET', 'h2c', 'websocket, h2c', 'h2c, websocket', 'foo', 'TLS/1.0', 'websocket/13', '']),
  'Sec-WebSocket-Key': handshakeHeader(validKey, [
    '', 'abc', 'dGhlIHNhbXBsZSBub25jZQ', '!!!!!!!!!!!!!!!!!!!!!!==', Buffer.alloc(15).toString('base64'), Buffer.alloc(17).toString('base64'), 'x'.repeat(1_000),
  ]),
  'Sec-WebSocket-Version': handshakeHeader(fc.constant('13'), ['8', '7', '0', '', '13, 8', '+13', '013', '13.0', '99999999999999999999']),
})

const forwardedFor = fc.oneof(
  {
    weight: 4,
    arbitrary: fc
      .tuple(fc.ipV4(), fc.constantFrom('%s', '%s, 127.0.0.1', '127.0.0.1, %s', '%s,%s', ' %s '))
      .map(([address, shape]) => shape.replaceAll('%s', address)),
  },
  { weight: 2, arbitrary: fc.ipV6() },
  {
    weight: 4,
    arbitrary: fc.constantFrom(
      '1.2.3.4', '1.2.3.4, 5.6.7.8', '::1', '::ffff:127.0.0.1', '', ',', ', , ,', '[::1]', '1.2.3.4:80', 'unknown', '999.999.999.999',
      'fe80::1%eth0', '1.2.3.4, garbage, ::1', '0x7f.1', '1.2.3.4\t5.6.7.8', `${'10.0.0.1, '.repeat(1_000)}10.0.0.2`,
    ),
  },
  { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary-ascii', maxLength: 30 }), hostileText) },
)

const extraHeader: fc.Arbitrary<[Piece, Piece]> = fc.oneof(
  { weight: 12, arbitrary: fc.tuple(fc.constantFrom('X-Forwarded-For', 'x-forwarded-for'), forwardedFor) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('Forwarded', 'X-Real-IP', 'X-Forwarded-Proto', 'X-Forwarded-Host', 'X-Request-Id'),
      fc.oneof({ weight: 3, arbitrary: fc.constantFrom('for=1.2.3.4', 'for="[::1]:80";proto=https', 'https', 'evil.example', '') }, { weight: 1, arbitrary: hostileText }),
    ),
  },
  { weight: 1, arbitrary: fc.tuple(fc.constant('Origin'), fc.constantFrom('null', 'http://evil.example', 'file://', '')) },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('Sec-WebSocket-Protocol', 'Sec-WebSocket-Extensions'),
      fc.oneof(
        fc.constantFrom('pusher', 'a,,b', 'a, a', 'permessage-deflate', 'permessage-deflate; client_max_window_bits', 'permessage-deflate; server_max_window_bits=99', ';;;', 'x; y="'),
        hostileText,
      ),
    ),
  },
  {
    weight: 1,
    arbitrary: fc.tuple(
      fc.constantFrom('Content-Length', 'Transfer-Encoding'),
      fc.constantFrom('0', '5', '-1', 'abc', '99999999999999999999', '1, 2', 'chunked', 'gzip, chunked', 'chunked, chunked', ''),
    ),
  },
  // A handshake header again: Node joins most duplicates with ", ".
  {
    weight: 3,
    arbitrary: fc.tuple(
      fc.constantFrom('Host', 'Connection', 'Upgrade', 'Sec-WebSocket-Key', 'Sec-WebSocket-Version'),
      fc.oneof(validKey, fc.constantFrom('127.0.0.1', 'Upgrade', 'websocket', '13', '')),
    ),
  },
  // Names a header may not have (RFC 9110 §5.1: a token, no space before the colon).
  { weight: 1, arbitrary: fc.tuple(fc.oneof(fc.constantFrom('X-Forwarded-For ', ' Host', 'Sec-WebSocket-Key\t', '', 'a b', 'é'), hostileText), hostileText) },
)

/** A WebSocket frame, as any client could write it (RFC 6455 §5.2) — lies included. */
interface Frame {
  fin: boolean
  /** The three reserved bits (no extension is negotiated: any set is a protocol error). */
  rsv: number
  opcode: number
  masked: boolean
  payload: Uint8Array
  /** What the length field says: the truth, one byte more or less, or 2^63 - 1. */
  length: 'true' | 'more' | 'less' | 'max'
}

const PUSHER_FRAMES = [
  '{"event":"pusher:ping","data":{}}',
  '{"event":"pusher:subscribe","data":{"channel":"fuzz"}}',
  '{"event":"pusher:subscribe","data":{"channel":"private-fuzz","auth":"x:y"}}',
  '{"event":"client-x","channel":"fuzz","data":{}}',
  '{"event":"pusher:signin","data":{"auth":"","user_data":"{}"}}',
]

const frame: fc.Arbitrary<Frame> = fc.record({
  fin: fc.oneof({ weight: 4, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  rsv: fc.oneof({ weight: 6, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max: 7 }) }),
  opcode: fc.oneof(
    { weight: 4, arbitrary: fc.constant(1) },
    { weight: 6, arbitrary: fc.constantFrom(0, 2, 8, 9, 10) },
    { weight: 1, arbitrary: fc.integer({ min: 0, max: 15 }) },
  ),
  masked: fc.oneof({ weight: 6, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  payload: fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...PUSHER_FRAMES).map((text) => new Uint8Array(Buffer.from(text))) },
    { weight: 3, arbitrary: fc.uint8Array({ maxLength: 64 }) },
    {
      weight: 2,
      arbitrary: fc
        .tuple(fc.constantFrom(0, 999, 1000, 1004, 1005, 1006, 1015, 2999, 3000, 4200, 4999, 5000, 65535), fc.uint8Array({ maxLength: 10 }))
        .map(([code, reason]) => new Uint8Array(Buffer.concat([Buffer.from([code >> 8, code & 0xff]), reason]))),
    },
    { weight: 1, arbitrary: fc.integer({ min: 126, max: 70_000 }).map((size) => new Uint8Array(size).fill(0x61)) },
  ),
  length: fc.oneof({ weight: 8, arbitrary: fc.constant('true' as const) }, { weight: 1, arbitrary: fc.constantFrom('more' as const, 'less' as const, 'max' as const) }),
})

function frameBytes(frame: Frame): Buffer {
  const declared =
    frame.length === 'max' ? 2n ** 63n - 1n : BigInt(Math.max(0, frame.payload.length + (frame.length === 'more' ? 1 : frame.length === 'less' ? -1 : 0)))
  const head = [(frame.fin ? 0x80 : 0) | (frame.rsv << 4) | frame.opcode]
  const maskBit = frame.masked ? 0x80 : 0
  let extended = Buffer.alloc(0)
  if (declared < 126n) {
    head.push(maskBit | Number(declared))
  } else if (declared < 65_536n) {
    head.push(maskBit | 126)
    extended = Buffer.alloc(2)
    extended.writeUInt16BE(Number(declared))
  } else {
    head.push(maskBit | 127)
    extended = Buffer.alloc(8)
    extended.writeBigUInt64BE(declared)
  }
  const mask = frame.masked ? Buffer.from([0x5a, 0x17, 0xc3, 0x01]) : Buffer.alloc(0)
  const payload = Buffer.from(frame.payload.map((byte, i) => (frame.masked ? byte ^ (mask[i % 4] as number) : byte)))
  return Buffer.concat([Buffer.from(head), extended, mask, payload])
}

type AfterHandshake = { frame: Frame } | { garbage: Uint8Array }

interface UpgradeRequest {
  method: Piece
  target: TargetPiece[]
  version: Piece
  /** Between method, target and version. */
  space: ' ' | '  ' | '\t'
  eol: '\r\n' | '\n' | '\r'
  handshake: Record<string, Piece | null>
  extra: [Piece, Piece][]
  /** How a header's name and value are joined. */
  colon: ': ' | ':' | ' : ' | ':\t'
  /** Bytes right after the headers, in the same write (Node hands them to the upgrade as its `head`). */
  head: Uint8Array
  /** Where the request is cut into separate writes. */
  cuts: number[]
  /** After sending: read the answer, half-close and read, or reset at once. */
  leave: 'read' | 'end' | 'reset'
  /** Sent once the server answered 101. */
  afterwards: AfterHandshake[]
  /** How an accepted socket is left: a close frame, a FIN, or a reset. */
  hangUp: 'close frame' | 'end' | 'reset'
}

const upgradeRequest: fc.Arbitrary<UpgradeRequest> = fc.record({
  method,
  target,
  version,
  space: fc.oneof({ weight: 20, arbitrary: fc.constant(' ' as const) }, { weight: 1, arbitrary: fc.constantFrom('  ' as const, '\t' as const) }),
  eol: fc.oneof({ weight: 20, arbitrary: fc.constant('\r\n' as const) }, { weight: 1, arbitrary: fc.constantFrom('\n' as const, '\r' as const) }),
  handshake,
  extra: fc.oneof({ weight: 1, arbitrary: fc.constant<[Piece, Piece][]>([]) }, { weight: 1, arbitrary: fc.array(extraHeader, { minLength: 1, maxLength: 4 }) }),
  colon: fc.oneof({ weight: 20, arbitrary: fc.constant(': ' as const) }, { weight: 1, arbitrary: fc.constantFrom(':' as const, ' : ' as const, ':\t' as const) }),
  head: fc.oneof(
    { weight: 8, arbitrary: fc.constant(new Uint8Array(0)) },
    { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }) },
    { weight: 1, arbitrary: frame.map((f) => new Uint8Array(frameBytes(f))) },
    { weight: 1, arbitrary: fc.constant(new Uint8Array(Buffer.from('GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n'))) },
  ),
  cuts: fc.oneof({ weight: 6, arbitrary: fc.constant<number[]>([]) }, { weight: 1, arbitrary: fc.array(fc.nat(), { minLength: 1, maxLength: 4 }) }),
  leave: fc.oneof({ weight: 10, arbitrary: fc.constant('read' as const) }, { weight: 1, arbitrary: fc.constantFrom('end' as const, 'reset' as const) }),
  afterwards: fc.array(
    fc.oneof({ weight: 4, arbitrary: frame.map((f) => ({ frame: f })) }, { weight: 1, arbitrary: fc.uint8Array({ minLength: 1, maxLength: 64 }).map((garbage) => ({ garbage })) }),
    { maxLength: 5 },
  ),
  hangUp: fc.constantFrom('close frame' as const, 'end' as const, 'reset' as const),
})

const bytesOf = (piece: TargetPiece): Buffer =>
  typeof piece === 'string' ? Buffer.from(piece) : piece instanceof Uint8Array ? Buffer.from(piece) : Buffer.from(piece.unit.repeat(piece.times))

function requestBytes(request: UpgradeRequest): Buffer {
  const line = [bytesOf(request.method), Buffer.from(request.space), ...request.target.map(bytesOf)]
  if (request.version !== '') line.push(Buffer.from(request.space), bytesOf(request.version))
  const headers: [Piece, Piece][] = [
    ...Object.entries(request.handshake).filter((header): header is [string, Piece] => header[1] !== null),
    ...request.extra,
  ]
  const eol = Buffer.from(request.eol)
  return Buffer.concat([
    ...line,
    eol,
    ...headers.flatMap(([name, value]) => [bytesOf(name), Buffer.from(request.colon), bytesOf(value), eol]),
    eol,
    request.head,
  ])
}

/** A handshake as `ws` sends it, to a real app path: must be answered 101 (keeps the fuzzer honest). */
function isControl(request: UpgradeRequest): boolean {
  const { handshake: h } = request
  const target = request.target.length === 1 ? request.target[0] : undefined
  return (
    request.method === 'GET' &&
    request.version === 'HTTP/1.1' &&
    request.space === ' ' &&
    request.eol === '\r\n' &&
    request.colon === ': ' &&
    request.extra.length === 0 &&
    request.head.length === 0 &&
    request.leave === 'read' &&
    typeof target === 'string' &&
    APP_TARGETS.includes(target) &&
    h.Host === '127.0.0.1' &&
    h.Connection === 'Upgrade' &&
    h.Upgrade === 'websocket' &&
    typeof h['Sec-WebSocket-Key'] === 'string' &&
    /^[+/0-9A-Za-z]{22}==$/.test(h['Sec-WebSocket-Key']) &&
    h['Sec-WebSocket-Version'] === '13'
  )
}

type Outcomes = Map<string, number>

/**
 * How a request was answered, and by whom: the status, then `upgrade path` for
 * its own bodiless refusal (refuseUpgrade), `fastify` for a JSON body (a route,
 * or the HTTP parser's error), `node` for the empty chunked 400 Node sends an
 * HTTP/1.1 request without Host, or the text `ws` explains a refused handshake with.
 */
function outcomeOf(connection: RawConnection): string {
  const code = /^HTTP\/1\.1 (\d{3}) /.exec(connection.statusLine())?.[1]
  if (code === undefined) return connection.received.length > 0 ? 'not HTTP' : connection.closed ? 'closed, no answer' : 'no answer'
  if (code === '101') return code
  const text = connection.received.toString('latin1')
  const headEnd = text.indexOf('\r\n\r\n')
  const body = text.slice(headEnd + 4)
  if (/^[^\r]*\r\nConnection: close\r\nContent-Length: 0$/.test(text.slice(0, headEnd)) && body === '') return `${code} upgrade path`
  if (body.startsWith('{')) return `${code} fastify`
  if (/\r\nTransfer-Encoding: chunked\r\n/i.test(text.slice(0, headEnd + 2)) && body.startsWith('0\r\n\r\n')) return `${code} node`
  return `${code} ${body.slice(0, 50)}`
}

async function fireOne(fire: ServerUnderFire, request: UpgradeRequest, outcomes: Outcomes): Promise<void> {
  const bytes = requestBytes(request)
  const connection = await RawConnection.open(fire.port)
  await connection.write(bytes, request.cuts)
  if (request.leave === 'reset') {
    connection.socket.resetAndDestroy()
  } else {
    if (request.leave === 'end') connection.socket.end()
    await connection.settle(answered, ANSWER_MS)
  }
  const status = connection.statusLine()
  const accepted = status === 'HTTP/1.1 101 Switching Protocols'
  if (accepted && !connection.closed) {
    for (const step of request.afterwards) {
      connection.socket.write('frame' in step ? frameBytes(step.frame) : step.garbage)
    }
    if (request.hangUp === 'close frame') connection.socket.write(frameBytes({ fin: true, rsv: 0, opcode: 8, masked: true, payload: new Uint8Array([0x03, 0xe8]), length: 'true' }))
    if (request.hangUp === 'reset') connection.socket.resetAndDestroy()
    else connection.socket.end()
    await connection.settle(() => false, LISTEN_MS)
  }
  connection.socket.destroy()

  const outcome = request.leave === 'reset' ? 'reset by the client' : outcomeOf(connection)
  outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)

  const label = `sent ${shown(bytes)}\n  answered ${JSON.stringify(status)}`
  await fire.expectAlive(label)
  if (connection.received.length > 0) {
    expect(status, `an answer is an HTTP/1.1 status line\n${label}`).toMatch(/^HTTP\/1\.1 [1-4]\d\d /)
  }
  if (isControl(request)) expect(status, `a valid handshake is accepted\n${label}`).toBe('HTTP/1.1 101 Switching Protocols')
}

function fuzzUpgrades(name: string, env: Record<string, string>, numRuns: number): void {
  describe(name, () => {
    const fire = new ServerUnderFire(env)
    beforeAll(() => fire.start())
    afterAll(() => fire.stop())

    test('any request line, headers and frames: the server lives on, answers no 5xx, accepts valid handshakes', async () => {
      const outcomes: Outcomes = new Map()
      await checkProperty(`upgrade path: ${name}`, fc.asyncProperty(upgradeRequest, (request) => fireOne(fire, request, outcomes)), numRuns)
      if (process.env.FUZZ_STATS) console.log(`[fuzz] upgrade path (${name}): ${JSON.stringify(Object.fromEntries([...outcomes].sort()))}`)
      await fire.expectAlive('the last request')
      // The generators reach every branch of the upgrade path (or this suite proves little).
      for (const outcome of ['101', '400 upgrade path', '404 upgrade path']) expect(outcomes.get(outcome) ?? 0, `requests answered ${outcome}`).toBeGreaterThan(0)
    }, 120_000 * Math.max(1, Number(process.env.FUZZ_RUNS ?? 1)))
  })
}

fuzzUpgrades('as configured by default', {}, 4_000)
fuzzUpgrades('with TRUST_PROXY=true (the client address from X-Forwarded-For)', { TRUST_PROXY: 'true' }, 1_500)
