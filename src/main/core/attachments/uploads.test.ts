import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test } from 'vitest'
import { tempCache } from '../../../../test/support/cache/temp-cache'
import type { ChatMessage, Transfer } from '../../../shared/ipc'
import { HttpError } from '../api-client'
import { AttachmentFolders } from './attachment-folders'
import { DownloadCache } from './download-cache'
import { TransferReporter } from './transfer-reporter'
import { Uploads } from './uploads'

const cleanups: (() => void)[] = []
afterEach(() => cleanups.splice(0).forEach((cleanup) => cleanup()))

/**
 * A server on loopback that answers POST /api/attachments with `answer` (after reading the body, unless
 * `early`), or (`cut`) drops the connection once some of the body has come, without an answer.
 */
async function fakeServer(answer: { status: number; body: unknown; early?: boolean; cut?: boolean }) {
  const received: { headers: Record<string, unknown>; body: Buffer }[] = []
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    if (answer.cut) {
      request.once('data', () => request.socket.destroy())
      return
    }
    const reply = () => {
      response.writeHead(answer.status, { 'content-type': 'application/json', ...(answer.early ? { connection: 'close' } : {}) })
      response.end(JSON.stringify(answer.body))
    }
    if (answer.early) {
      // As a server that checks Content-Length first: the answer goes before the body is read.
      reply()
      request.resume()
      return
    }
    request.on('data', (chunk: Buffer) => chunks.push(chunk))
    request.on('end', () => {
      received.push({ headers: request.headers, body: Buffer.concat(chunks) })
      reply()
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  cleanups.push(() => server.close())
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, received }
}

function setup(baseUrl: string, content?: Buffer, freshLimit: () => Promise<number> = async () => 1024) {
  const temp = tempCache()
  const dir = mkdtempSync(join(tmpdir(), 'parley-uploads-'))
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }))
  const folders = new AttachmentFolders(join(dir, 'account'))
  const reports: Transfer[] = []
  const transfers = new TransferReporter((t) => reports.push(...t), () => 0, 0)
  const server = { baseUrl, token: 'secret-token' }
  const downloads = new DownloadCache({ cache: temp.cache, folders, server, transfers, capBytes: () => 1e9, now: () => 1, onFilesChanged: () => undefined })
  const limitsAsked: number[] = []
  const freshUploadLimit = () => {
    limitsAsked.push(1)
    return freshLimit()
  }
  const uploads = new Uploads({ cache: temp.cache, server, transfers, downloads, maxUploadBytes: async () => 1024, freshUploadLimit })
  const bytes = content ?? Buffer.from('%PDF-1.4 not really a pdf, but bytes all the same')
  const path = join(folders.outbox, 'staged-file-1')
  writeFileSync(path, bytes)
  const file = { stagedId: 'staged-file-1', path, name: '季度 report.pdf', size: bytes.length, mime: 'application/pdf', width: null, height: null }
  const message = temp.cache.addPending({ conversationId: 'c1', senderId: 'me', clientId: 'k1', body: '', createdAt: 1_000, attachments: [file] })
  return { cache: temp.cache, uploads, reports, bytes, message, files: () => temp.cache.outboxFiles('c1', 'k1'), limitsAsked }
}

test('a file goes up as one multipart field with the bearer token and an exact length; its id is kept', async () => {
  const server = await fakeServer({ status: 201, body: { id: 'a1', name: '季度 report.pdf', size: 49, mime: 'application/pdf', width: null, height: null, hasThumbnail: false } })
  const { uploads, reports, bytes, message, files, cache } = setup(server.url)
  await uploads.run(message as ChatMessage, files())
  const [request] = server.received
  expect(request?.headers.authorization).toBe('Bearer secret-token')
  expect(Number(request?.headers['content-length'])).toBe(request?.body.length)
  const text = request?.body.toString('utf8') ?? ''
  expect(text).toContain('name="file"')
  expect(text).toContain(`filename*=UTF-8''${encodeURIComponent('季度 report.pdf')}`)
  expect(request?.body.includes(bytes)).toBe(true)
  expect(cache.outboxFiles('c1', 'k1')[0]?.attachmentId).toBe('a1')
  expect(reports.at(0)).toMatchObject({ direction: 'upload', id: 'staged-file-1', messageKey: 'me:k1', loaded: 0, total: bytes.length, state: 'active' })
  expect(reports.at(-1)).toMatchObject({ loaded: bytes.length, state: 'done' })
  // Already uploaded: a second run sends nothing.
  await uploads.run(message as ChatMessage, files())
  expect(server.received).toHaveLength(1)
})

test('413 answered before the body is read is the server’s answer, in words, and the transfer fails', async () => {
  const server = await fakeServer({ status: 413, body: { error: { code: 'payload_too_large', message: 'too large' } }, early: true })
  // Big enough that the answer comes while the body is still being written.
  const { uploads, reports, message, files, cache } = setup(server.url, Buffer.alloc(8 * 1024 * 1024, 1))
  // The server closes the connection after its answer: now and then the write fails (EPIPE) before the
  // answer is read — and then the server's limit, asked again, says the same. Either way, the first attempt.
  const error = await uploads.run(message as ChatMessage, files()).catch((err: unknown) => err)
  expect(error).toBeInstanceOf(HttpError)
  expect(error).toMatchObject({ status: 413, message: '"季度 report.pdf" is too large: the server takes files up to 1 KiB' })
  expect(reports.at(-1)).toMatchObject({ state: 'failed', error: '"季度 report.pdf" is too large: the server takes files up to 1 KiB' })
  expect(cache.outboxFiles('c1', 'k1')[0]?.attachmentId).toBeNull()
})

test('a connection cut mid-upload asks the server’s limit again: over it, the transfer fails in words; under it, it is retried later', async () => {
  const big = Buffer.alloc(4 * 1024 * 1024, 1)
  const cut = await fakeServer({ status: 0, body: null, cut: true })
  // The limit was lowered since the sign-in asked (the file was staged under the old one).
  const lowered = setup(cut.url, big, async () => 1024)
  const error = await lowered.uploads.run(lowered.message as ChatMessage, lowered.files()).catch((err: unknown) => err)
  expect(error).toMatchObject({ status: 413, message: '"季度 report.pdf" is too large: the server takes files up to 1 KiB' })
  expect(lowered.reports.at(-1)).toMatchObject({ state: 'failed' })
  expect(lowered.limitsAsked).toHaveLength(1)

  // Under the limit (or the server cannot be asked): a network failure like any other, retried later.
  for (const freshLimit of [async () => 100 * 1024 * 1024, () => Promise.reject(new Error('offline'))]) {
    const within = setup(cut.url, big, freshLimit)
    const retried = await within.uploads.run(within.message as ChatMessage, within.files()).catch((err: unknown) => err)
    expect(retried).not.toBeInstanceOf(HttpError)
    expect(within.reports.at(-1)).toMatchObject({ state: 'active', loaded: 0 })
    expect(within.cache.outboxFiles('c1', 'k1')[0]?.attachmentId).toBeNull()
  }
})

test('a type the server refuses, and a server error, are told apart: only the refusal fails the transfer', async () => {
  const refused = await fakeServer({ status: 415, body: { error: { code: 'unsupported', message: 'no' } } })
  const first = setup(refused.url)
  await expect(first.uploads.run(first.message as ChatMessage, first.files())).rejects.toMatchObject({
    status: 415,
    message: '"季度 report.pdf" is a type of file the server does not accept',
  })
  const broken = await fakeServer({ status: 503, body: { error: { code: 'internal', message: 'busy' } } })
  const second = setup(broken.url)
  await expect(second.uploads.run(second.message as ChatMessage, second.files())).rejects.toMatchObject({ status: 503 })
  // Retried later: the bar starts again, nothing failed.
  expect(second.reports.map((r) => r.state)).toEqual(['active', 'active', 'active'])
})
