/**
 * Upload limits (issue 18, docs/design.md §4.5) on a real server: over
 * MAX_UPLOAD_BYTES a 413 the client actually reads — streamed without a
 * length, or announced by Content-Length — with nothing left in DATA_DIR/tmp
 * or the blobs; exactly the limit passes; UPLOAD_RATE_LIMIT per user; and the
 * realtime message.created carries the attachments.
 */
import { request } from 'node:http'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { MessageCreatedEvent } from '../../../src/shared/channels'
import { userChannel } from '../../../src/shared/channels'
import { leftOnDisk, upload } from '../../helpers/attachments'
import { nextEvent, pusherClient, subscribed } from '../../helpers/clients'
import { errorOf, Rest, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'

const MAX = 1024 * 1024
const RATE = 4
let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ MAX_UPLOAD_BYTES: String(MAX), UPLOAD_RATE_LIMIT: String(RATE), AUTH_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

interface Answer {
  status: number
  body: string
  /** Bytes the client had written when the answer came. */
  sentBeforeAnswer: number
}

/**
 * A multipart upload of `fileBytes` streamed by node:http in 64 KiB chunks,
 * honouring back-pressure and stopping as soon as the server answers.
 * `announce`: send Content-Length (of the whole body), else chunked.
 */
function streamUpload(token: string, fileBytes: number, announce: boolean): Promise<Answer> {
  const boundary = 'parleyboundary7MA4YWxkTrZu0gW'
  const head = Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.bin"\r\nContent-Type: application/octet-stream\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const total = head.length + fileBytes + tail.length
  return new Promise((resolve, reject) => {
    const req = request(`${server.url}/api/attachments`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${token}`,
        'content-type': `multipart/form-data; boundary=${boundary}`,
        ...(announce ? { 'content-length': String(total) } : { 'transfer-encoding': 'chunked' }),
      },
    })
    let answered = false
    const timer = setTimeout(() => {
      req.destroy()
      reject(new Error('no answer within 15 s'))
    }, 15_000)
    req.on('response', (res) => {
      answered = true
      const sentBeforeAnswer = req.socket?.bytesWritten ?? 0
      let body = ''
      res.setEncoding('utf8')
      res.on('data', (text: string) => (body += text))
      res.on('end', () => {
        clearTimeout(timer)
        req.destroy()
        resolve({ status: res.statusCode ?? 0, body, sentBeforeAnswer })
      })
    })
    req.on('error', (err) => {
      if (answered) return
      clearTimeout(timer)
      reject(new Error(`${err.message} before an answer`))
    })
    void (async () => {
      const chunk = Buffer.alloc(64 * 1024, 0x61)
      const write = async (data: Buffer) => {
        if (req.write(data)) return
        // Whichever comes first; the other listener goes too (a slow reader would pile them up).
        await new Promise<void>((done) => {
          const settle = () => {
            req.off('drain', settle).off('close', settle)
            done()
          }
          req.once('drain', settle).once('close', settle)
        })
      }
      await write(head)
      // Announced: the answer must come without the body (wait up to 2 s before sending it anyway).
      if (announce) {
        await new Promise<void>((done) => {
          const timer = setTimeout(done, 2_000)
          req.once('response', () => {
            clearTimeout(timer)
            done()
          })
        })
      }
      for (let sent = 0; sent < fileBytes && !answered && !req.destroyed; sent += chunk.length) {
        await write(chunk.subarray(0, Math.min(chunk.length, fileBytes - sent)))
        await new Promise((done) => setImmediate(done))
      }
      if (!answered && !req.destroyed) req.end(tail)
    })()
  })
}

describe('MAX_UPLOAD_BYTES', () => {
  test('exactly the limit is stored; one byte more → 413 payload_too_large, nothing kept', async () => {
    const account = await rest.newUser('lim')
    const fits = await upload(server.url, account.token, { bytes: Buffer.alloc(MAX, 1), name: 'fits.bin' })
    expect(fits.status, fits.text).toBe(201)
    expect(fits.json.size).toBe(MAX)
    const kept = leftOnDisk(server.dataDir)
    expect(kept.tmp).toEqual([])
    expect(kept.blobs).toHaveLength(1)
    const over = await upload(server.url, account.token, { bytes: Buffer.alloc(MAX + 1, 1), name: 'over.bin' })
    expect(over.status, over.text).toBe(413)
    expect(errorOf(over)).toMatchObject({ code: 'payload_too_large', message: expect.stringContaining(String(MAX)) })
    expect(leftOnDisk(server.dataDir)).toEqual(kept)
  })

  test.each([
    ['streamed without a length', false],
    ['announced by Content-Length', true],
  ])('32 MiB %s → a 413 the client reads, long before it sent everything; nothing kept; the server carries on', async (_label, announce) => {
    const account = await rest.newUser('big')
    const before = leftOnDisk(server.dataDir)
    const answer = await streamUpload(account.token, 32 * MAX, announce)
    expect(answer.status, answer.body).toBe(413)
    expect(JSON.parse(answer.body)).toEqual({ error: { code: 'payload_too_large', message: expect.any(String) } })
    // Announced: refused on the headers alone. Streamed: after the limit plus what the sockets buffer
    // on the way (loopback kernel buffers hold megabytes) — never after everything.
    expect(answer.sentBeforeAnswer).toBeLessThan(announce ? 64 * 1024 : 16 * MAX)
    // The spool's temp file goes as the refusal is made; give the filesystem a moment to show it.
    await expect.poll(() => leftOnDisk(server.dataDir), { timeout: 2_000 }).toEqual(before)
    expect((await fetch(`${server.url}/healthz`)).status).toBe(200)
    const after = await upload(server.url, account.token, { bytes: Buffer.from('small'), name: 'small.txt' })
    expect(after.status).toBe(201)
  })
})

test('UPLOAD_RATE_LIMIT: uploads per user per minute, then 429 rate_limited; other users are not affected', async () => {
  const [heavy, light] = (await rest.newUsers(2, 'rate')) as [Account, Account]
  for (let i = 0; i < RATE; i++) {
    expect((await upload(server.url, heavy.token, { bytes: Buffer.from(`n${i}`), name: `${i}.txt` })).status).toBe(201)
  }
  const refused = await upload(server.url, heavy.token, { bytes: Buffer.from('one more'), name: 'more.txt' })
  expect(refused.status).toBe(429)
  expect(errorOf(refused).code).toBe('rate_limited')
  expect((await upload(server.url, light.token, { bytes: Buffer.from('mine'), name: 'mine.txt' })).status).toBe(201)
  const metrics = await (await fetch(`${server.url}/metrics`)).text()
  expect(metrics).toMatch(/^parley_attachment_upload_refusals_total\{reason="rate_limited"\} [1-9]/m)
  expect(metrics).toMatch(/^parley_attachment_upload_refusals_total\{reason="too_large"\} [1-9]/m)
})

test('message.created carries the attachments to the other member', async () => {
  const [alice, bob] = (await rest.newUsers(2, 'rt')) as [Account, Account]
  const conv = await rest.conversation(alice, [bob])
  const file = (await upload(server.url, alice.token, { bytes: Buffer.from('for bob'), name: '给鲍勃.txt' })).json
  const client = pusherClient(server, { userId: bob.user.id })
  try {
    const inbox = await subscribed(client, userChannel(bob.user.id))
    const created = nextEvent<MessageCreatedEvent>(inbox, 'message.created')
    const sent = await rest.post(`/api/conversations/${conv.id}/messages`, alice.token, { clientId: 'rt-1', body: '', attachmentIds: [file.id] })
    expect(sent.status).toBe(201)
    expect((await created).message.attachments).toEqual([file])
  } finally {
    client.disconnect()
  }
})
