/**
 * Malformed multipart to POST /api/attachments over raw TCP (issue 18,
 * "Hostile input"): no boundary, a body cut short, the wrong field, two
 * files, an extra field, a huge part header, a huge request header, bodies
 * that are not multipart, a connection dropped mid-upload, and path-traversal
 * file names. Each gets a clear 4xx (or, for the names, a 201 with the path
 * stripped); the server stays up, and nothing is left in DATA_DIR/tmp or the
 * blobs (nor anywhere a crafted name points).
 */
import { connect } from 'node:net'
import { afterAll, beforeAll, expect, test } from 'vitest'
import { filesUnder, leftOnDisk } from '../helpers/attachments'
import { Rest, type Account } from '../helpers/rest'
import { startTestServer, type TestServer } from '../helpers/server'

let server: TestServer
let account: Account

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', UPLOAD_RATE_LIMIT: '100000' })
  account = await new Rest(server.url).newUser('mp')
})
afterAll(async () => {
  await server.stop()
})

interface RawAnswer {
  status: number
  headers: string
  body: string
}

/** Send `bytes` on a fresh connection (optionally half-closing) and read the answer until it is complete or the socket closes. */
function raw(bytes: Buffer, options: { end?: boolean; destroyAfterWrite?: boolean } = {}): Promise<RawAnswer | null> {
  return new Promise((resolve) => {
    const socket = connect(server.port, '127.0.0.1')
    let received = Buffer.alloc(0)
    const timer = setTimeout(() => finish(), 5_000)
    const finish = () => {
      clearTimeout(timer)
      socket.destroy()
      const text = received.toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      if (split === -1) return resolve(null)
      resolve({ status: Number(/^HTTP\/1\.1 (\d{3})/.exec(text)?.[1] ?? 0), headers: text.slice(0, split), body: text.slice(split + 4) })
    }
    socket.on('error', () => undefined)
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk])
      const text = received.toString('utf8')
      const split = text.indexOf('\r\n\r\n')
      const length = /\r\ncontent-length: (\d+)/i.exec(text)
      if (split !== -1 && length !== null && Buffer.byteLength(text.slice(split + 4)) >= Number(length[1])) finish()
    })
    socket.on('close', finish)
    socket.on('connect', () => {
      socket.write(bytes)
      if (options.destroyAfterWrite) setTimeout(() => socket.destroy(), 50)
      else if (options.end) socket.end()
    })
  })
}

const BOUNDARY = 'hostileBoundary123'

function post(body: Buffer | string, headers: Record<string, string> = {}, contentType = `multipart/form-data; boundary=${BOUNDARY}`): Buffer {
  const payload = Buffer.isBuffer(body) ? body : Buffer.from(body, 'utf8')
  const lines = [
    'POST /api/attachments HTTP/1.1',
    'Host: 127.0.0.1',
    `Authorization: Bearer ${account.token}`,
    ...(contentType === '' ? [] : [`Content-Type: ${contentType}`]),
    `Content-Length: ${payload.length}`,
    'Connection: close',
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
  ]
  return Buffer.concat([Buffer.from(`${lines.join('\r\n')}\r\n\r\n`, 'utf8'), payload])
}

const part = (disposition: string, content: string, type = 'application/octet-stream') =>
  `--${BOUNDARY}\r\nContent-Disposition: ${disposition}\r\nContent-Type: ${type}\r\n\r\n${content}\r\n`
const file = (name: string, content = 'data', field = 'file') => part(`form-data; name="${field}"; filename="${name}"`, content)
const end = `--${BOUNDARY}--\r\n`

const cases: [string, () => Buffer, number[]][] = [
  ['no boundary', () => post(file('a.txt') + end, {}, 'multipart/form-data'), [400]],
  ['a body cut before the closing boundary', () => post(`--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nhalf a fi`), [400]],
  ['parts under another boundary', () => post(`--other\r\nContent-Disposition: form-data; name="file"; filename="a.txt"\r\n\r\nx\r\n--other--\r\n`), [400]],
  ['the wrong field', () => post(file('a.txt', 'data', 'upload') + end), [400]],
  ['two files', () => post(file('a.txt') + file('b.txt') + end), [400]],
  ['a field besides the file', () => post(part('form-data; name="caption"', 'hello', 'text/plain') + file('a.txt') + end), [400]],
  ['a file, then a field', () => post(file('a.txt') + part('form-data; name="caption"', 'hello', 'text/plain') + end), [400]],
  ['a part without Content-Disposition', () => post(`--${BOUNDARY}\r\nContent-Type: text/plain\r\n\r\nx\r\n${end}`), [400]],
  ['no parts at all', () => post(end), [400]],
  ['an empty body', () => post(''), [400]],
  ['a huge part header', () => post(file(`${'n'.repeat(200_000)}.txt`) + end), [400]],
  ['a huge request header', () => post(file('a.txt') + end, { 'X-Junk': 'j'.repeat(64 * 1024) }), [431]],
  ['text/plain', () => post('just text', {}, 'text/plain'), [415]],
  ['form-encoded', () => post('file=abc', {}, 'application/x-www-form-urlencoded'), [415]],
  ['JSON', () => post('{"file":"abc"}', {}, 'application/json'), [415]],
  ['no content type', () => post('abc', {}, ''), [415]],
  ['an unknown content type', () => post('abc', {}, 'application/x-evil'), [415]],
  ['a __proto__ field name', () => post(file('a.txt', 'x', '__proto__') + end), [400]],
]

test.each(cases)('%s → a clear 4xx, the server alive, nothing kept', async (_label, request, statuses) => {
  const answer = await raw(request())
  expect(answer, 'an HTTP answer').not.toBeNull()
  expect(statuses, answer?.headers).toContain(answer?.status)
  if (answer?.status !== 431) {
    expect(JSON.parse(answer?.body ?? '')).toEqual({ error: { code: expect.any(String), message: expect.any(String) } })
  }
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
  await expect.poll(() => leftOnDisk(server.dataDir), { timeout: 2_000 }).toEqual({ tmp: [], blobs: [] })
})

test('a connection dropped mid-upload leaves nothing behind', async () => {
  const head = Buffer.from(
    `POST /api/attachments HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer ${account.token}\r\nContent-Type: multipart/form-data; boundary=${BOUNDARY}\r\nContent-Length: 10000000\r\n\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="file"; filename="cut.bin"\r\n\r\n`,
  )
  expect(await raw(Buffer.concat([head, Buffer.alloc(200_000, 7)]), { destroyAfterWrite: true })).toBeNull()
  await expect.poll(() => leftOnDisk(server.dataDir), { timeout: 3_000 }).toEqual({ tmp: [], blobs: [] })
  expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
})

test('path-traversal names are stored as their last component, and nothing is written where they point', async () => {
  const names: [string, string][] = [
    ['../../etc/passwd', 'passwd'],
    ['C:\\x\\y.png', 'y.png'],
    ['..\\..\\..\\boot.ini', 'boot.ini'],
    ['/absolute/path/z.txt', 'z.txt'],
  ]
  for (const [name, expected] of names) {
    const answer = await raw(post(file(name, 'payload') + end))
    expect(answer?.status, answer?.body).toBe(201)
    expect(JSON.parse(answer?.body ?? '{}')).toMatchObject({ name: expected })
  }
  const everything = filesUnder(server.dataDir)
  expect(everything.filter((path) => /passwd|boot\.ini|y\.png|z\.txt|etc/.test(path))).toEqual([])
  expect(leftOnDisk(server.dataDir)).toEqual({ tmp: [], blobs: expect.any(Array) })
  expect(leftOnDisk(server.dataDir).blobs).toHaveLength(names.length)
})
