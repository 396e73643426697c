/**
 * Attachments over real HTTP on a real server with its SQLite store and the
 * filesystem BlobStore (issue 18, docs/design.md §4.5): round trips with
 * Unicode names, Range, sniffing (never the client's claim), path names
 * stripped, images (orientation applied, EXIF/GPS stripped, thumbnails,
 * bombs refused), sending with attachments, who may read, deletion, config
 * and metrics. Limits (413, rate) are in attachment-limits.test.ts, the
 * sweeper in attachment-sweeper.test.ts, malformed multipart in
 * test/hostile/multipart.test.ts.
 */
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Attachment, ConfigResponse, Conversation, Message } from '../../../src/shared/api'
import { download, leftOnDisk, upload } from '../../helpers/attachments'
import { animatedGif, jpegWithGps, png, pngAnnouncing } from '../../helpers/images'
import { errorOf, Rest, uniqueClientId, type Account } from '../../helpers/rest'
import { startTestServer, type TestServer } from '../../helpers/server'

let server: TestServer
let rest: Rest

beforeAll(async () => {
  server = await startTestServer({ AUTH_RATE_LIMIT: '100000', SEND_RATE_LIMIT: '100000', CHANGE_RATE_LIMIT: '100000', UPLOAD_RATE_LIMIT: '100000' })
  rest = new Rest(server.url)
})
afterAll(async () => {
  await server.stop()
})

async function trio(): Promise<{ a: Account; b: Account; outsider: Account; conv: Conversation }> {
  const [a, b, outsider] = (await rest.newUsers(3, 'at')) as [Account, Account, Account]
  const conv = await rest.conversation(a, [b], 'Files')
  return { a, b, outsider, conv }
}

async function uploaded(account: Account, bytes: Uint8Array, name: string, type?: string): Promise<Attachment> {
  const reply = await upload(server.url, account.token, { bytes, name, ...(type === undefined ? {} : { type }) })
  expect(reply.status, reply.text).toBe(201)
  return reply.json
}

const send = (account: Account, conversationId: string, body: { body: string; attachmentIds?: string[]; clientId?: string }) =>
  rest.post<Message>(`/api/conversations/${conversationId}/messages`, account.token, { clientId: uniqueClientId(), ...body })

const get = (account: Account, id: string, headers: Record<string, string> = {}) =>
  download(server.url, account.token, `/api/attachments/${id}`, headers)

describe('upload and download', () => {
  test('a round trip keeps the bytes and the Chinese name; the headers are those of a download, never of a page', async () => {
    const { a } = await trio()
    const bytes = Buffer.from('你好，世界\nhello\n', 'utf8')
    const attachment = await uploaded(a, bytes, '季度报告 2026.txt', 'text/plain')
    expect(attachment).toEqual({
      id: expect.stringMatching(/^a_/),
      name: '季度报告 2026.txt',
      size: bytes.length,
      mime: 'text/plain',
      width: null,
      height: null,
      hasThumbnail: false,
    })
    const got = await get(a, attachment.id)
    expect(got.status).toBe(200)
    expect(got.body.equals(bytes)).toBe(true)
    expect(got.headers.get('content-type')).toBe('text/plain; charset=utf-8')
    expect(got.headers.get('content-disposition')).toBe(
      `attachment; filename="____ 2026.txt"; filename*=UTF-8''%E5%AD%A3%E5%BA%A6%E6%8A%A5%E5%91%8A%202026.txt`,
    )
    expect(got.headers.get('x-content-type-options')).toBe('nosniff')
    expect(got.headers.get('content-security-policy')).toBe('sandbox')
    expect(got.headers.get('content-length')).toBe(String(bytes.length))
    expect(got.headers.get('accept-ranges')).toBe('bytes')
    expect(got.headers.get('etag')).toMatch(/^"[0-9a-f]{64}"$/)
    expect(got.headers.get('cache-control')).toContain('private')
    const thumbnail = await download(server.url, a.token, `/api/attachments/${attachment.id}/thumbnail`)
    expect(thumbnail.status).toBe(404)
    // The same ETag again: 304 without a body.
    const again = await get(a, attachment.id, { 'if-none-match': got.headers.get('etag') as string })
    expect(again.status).toBe(304)
  })

  test('Range: first bytes, the middle, a suffix → 206; past the end → 416; several ranges → 200 whole', async () => {
    const { a } = await trio()
    const bytes = Buffer.from(Array.from({ length: 100 }, (_, i) => (i * 7) % 256))
    const { id } = await uploaded(a, bytes, 'data.bin')
    const first = await get(a, id, { range: 'bytes=0-9' })
    expect(first.status).toBe(206)
    expect(first.headers.get('content-range')).toBe('bytes 0-9/100')
    expect(first.headers.get('content-length')).toBe('10')
    expect(first.body.equals(bytes.subarray(0, 10))).toBe(true)
    const middle = await get(a, id, { range: 'bytes=40-59' })
    expect(middle.status).toBe(206)
    expect(middle.body.equals(bytes.subarray(40, 60))).toBe(true)
    const open = await get(a, id, { range: 'bytes=90-' })
    expect(open.headers.get('content-range')).toBe('bytes 90-99/100')
    expect(open.body.equals(bytes.subarray(90))).toBe(true)
    const suffix = await get(a, id, { range: 'bytes=-5' })
    expect(suffix.status).toBe(206)
    expect(suffix.headers.get('content-range')).toBe('bytes 95-99/100')
    expect(suffix.body.equals(bytes.subarray(95))).toBe(true)
    const beyond = await get(a, id, { range: 'bytes=100-' })
    expect(beyond.status).toBe(416)
    expect(beyond.headers.get('content-range')).toBe('bytes */100')
    const several = await get(a, id, { range: 'bytes=0-1,5-6' })
    expect(several.status).toBe(200)
    expect(several.body.equals(bytes)).toBe(true)
    const stale = await get(a, id, { range: 'bytes=0-1', 'if-range': '"not-this-one"' })
    expect(stale.status).toBe(200)
  })

  test('the type is sniffed: HTML and SVG claimed as PNG are served as bytes with nosniff and a sandbox; a PNG claimed as text is an image', async () => {
    const { a } = await trio()
    const html = await uploaded(a, Buffer.from('<!DOCTYPE html><html><script>alert(1)</script></html>'), 'cat.png', 'image/png')
    expect(html).toMatchObject({ mime: 'text/html', hasThumbnail: false, width: null })
    const svg = await uploaded(a, Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), 'logo.png', 'image/png')
    expect(svg).toMatchObject({ mime: 'image/svg+xml', hasThumbnail: false })
    const xmlSvg = await uploaded(a, Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>'), 'x.svg', 'image/svg+xml')
    expect(xmlSvg.mime).toBe('image/svg+xml')
    for (const attachment of [html, svg, xmlSvg]) {
      const got = await get(a, attachment.id)
      expect(got.status).toBe(200)
      expect(got.headers.get('content-type')).toBe('application/octet-stream')
      expect(got.headers.get('x-content-type-options')).toBe('nosniff')
      expect(got.headers.get('content-security-policy')).toBe('sandbox')
      expect(got.headers.get('content-disposition')).toMatch(/^attachment;/)
    }
    const picture = await uploaded(a, await png(64, 32), 'notes.txt', 'text/plain')
    expect(picture).toMatchObject({ mime: 'image/png', width: 64, height: 32, hasThumbnail: true, name: 'notes.txt' })
    expect((await get(a, picture.id)).headers.get('content-type')).toBe('image/png')
    const binary = await uploaded(a, Buffer.from([0xff, 0x00, 0xfe, 0x01, 0x80]), 'blob.txt', 'text/plain')
    expect(binary.mime).toBe('application/octet-stream')
    const latin1 = await uploaded(a, Buffer.from('caf\xe9', 'latin1'), 'menu.txt', 'text/plain')
    expect(latin1.mime).toBe('application/octet-stream')
    const empty = await uploaded(a, new Uint8Array(0), 'empty.txt', 'text/plain')
    expect(empty).toMatchObject({ size: 0, mime: 'application/octet-stream' })
    const emptyGot = await get(a, empty.id)
    expect(emptyGot.status).toBe(200)
    expect(emptyGot.body.length).toBe(0)
  })

  test('path components and invisible characters are stripped from names', async () => {
    const { a } = await trio()
    const names: [string, string][] = [
      ['../../etc/passwd', 'passwd'],
      ['C:\\x\\y.png', 'y.png'],
      ['invoice\u202Egpj.exe', 'invoicegpj.exe'],
      ['..', 'file'],
    ]
    for (const [raw, expected] of names) {
      const attachment = await uploaded(a, Buffer.from('x'), raw)
      expect(attachment.name, raw).toBe(expected)
    }
  })
})

describe('images', () => {
  test('EXIF orientation is applied and EXIF (with GPS) stripped from what is served; width and height as displayed', async () => {
    const { a } = await trio()
    const original = await jpegWithGps()
    expect((await sharp(original).metadata()).exif).toBeDefined()
    const photo = await uploaded(a, original, 'IMG_0001.JPG', 'image/jpeg')
    expect(photo).toMatchObject({ mime: 'image/jpeg', width: 40, height: 60, hasThumbnail: true })
    const got = await get(a, photo.id)
    expect(got.headers.get('content-type')).toBe('image/jpeg')
    expect(got.body.length).toBe(photo.size)
    const served = await sharp(got.body).metadata()
    expect(served.exif).toBeUndefined()
    expect(served.xmp).toBeUndefined()
    expect(served.orientation).toBeUndefined()
    expect([served.width, served.height]).toEqual([40, 60])
    expect(got.body.includes(Buffer.from('GPS'))).toBe(false)
    const thumbnail = await download(server.url, a.token, `/api/attachments/${photo.id}/thumbnail`)
    expect(thumbnail.status).toBe(200)
    expect(thumbnail.headers.get('content-type')).toBe('image/webp')
    expect(thumbnail.headers.get('x-content-type-options')).toBe('nosniff')
    expect(thumbnail.headers.get('content-security-policy')).toBe('sandbox')
    const thumb = await sharp(thumbnail.body).metadata()
    expect([thumb.format, thumb.width, thumb.height, thumb.exif]).toEqual(['webp', 40, 60, undefined])
  })

  test('thumbnails fit 480 px on the long side and are never upscaled', async () => {
    const { a } = await trio()
    const wide = await uploaded(a, await png(1200, 300), 'wide.png')
    expect([wide.width, wide.height]).toEqual([1200, 300])
    const thumb = await sharp((await download(server.url, a.token, `/api/attachments/${wide.id}/thumbnail`)).body).metadata()
    expect([thumb.width, thumb.height]).toEqual([480, 120])
  })

  test('an animated GIF is served as uploaded, with a still WebP thumbnail of its first frame', async () => {
    const { a } = await trio()
    const gif = await animatedGif()
    const attachment = await uploaded(a, gif, 'dance.gif')
    expect(attachment).toMatchObject({ mime: 'image/gif', width: 30, height: 20, hasThumbnail: true, size: gif.length })
    expect((await get(a, attachment.id)).body.equals(gif)).toBe(true)
    const thumbnail = (await download(server.url, a.token, `/api/attachments/${attachment.id}/thumbnail`)).body
    const meta = await sharp(thumbnail).metadata()
    expect([meta.format, meta.pages ?? 1, meta.width, meta.height]).toEqual(['webp', 1, 30, 20])
    const { data } = await sharp(thumbnail).raw().toBuffer({ resolveWithObject: true })
    // Red, give or take WebP's rounding.
    expect(data[0]).toBeGreaterThan(240)
    expect(Math.max(data[1] as number, data[2] as number)).toBeLessThan(16)
  })

  test('AVIF is served as JPEG (name and type follow); an animated WebP stays animated, without metadata', async () => {
    const { a } = await trio()
    const avif = await sharp({ create: { width: 40, height: 30, channels: 3, background: '#09c' } }).avif().toBuffer()
    const photo = await uploaded(a, avif, 'holiday.avif', 'image/avif')
    expect(photo).toMatchObject({ name: 'holiday.jpg', mime: 'image/jpeg', width: 40, height: 30, hasThumbnail: true })
    expect((await sharp((await get(a, photo.id)).body).metadata()).format).toBe('jpeg')

    const frames = await Promise.all(['#f00', '#0f0', '#00f'].map((colour) => png(24, 16, colour)))
    const webp = await sharp(frames, { join: { animated: true } }).webp().withExif({ IFD0: { Copyright: 'someone' } }).toBuffer()
    const moving = await uploaded(a, webp, 'moving.webp')
    expect(moving).toMatchObject({ mime: 'image/webp', width: 24, height: 16, hasThumbnail: true })
    const served = await sharp((await get(a, moving.id)).body).metadata()
    expect([served.format, served.pages, served.exif]).toEqual(['webp', 3, undefined])
  })

  test('more than 50 megapixels is refused (400 unsupported_image) before decoding, and nothing is kept', async () => {
    const { a } = await trio()
    const before = leftOnDisk(server.dataDir).blobs.length
    const bomb = await upload(server.url, a.token, { bytes: pngAnnouncing(100_000, 100_000), name: 'bomb.png' })
    expect(bomb.status, bomb.text).toBe(400)
    expect(errorOf(bomb).code).toBe('unsupported_image')
    const big = await sharp({ create: { width: 8000, height: 7000, channels: 3, background: '#fff' } }).png().toBuffer()
    const refused = await upload(server.url, a.token, { bytes: big, name: 'big.png' })
    expect(refused.status, refused.text).toBe(400)
    expect(errorOf(refused).code).toBe('unsupported_image')
    const broken = await upload(server.url, a.token, { bytes: Buffer.concat([(await png(10, 10)).subarray(0, 40)]), name: 'cut.png' })
    expect(broken.status, broken.text).toBe(400)
    expect(errorOf(broken).code).toBe('unsupported_image')
    expect(leftOnDisk(server.dataDir)).toEqual({ tmp: [], blobs: expect.any(Array) })
    expect(leftOnDisk(server.dataDir).blobs.length).toBe(before)
  })
})

describe('sending, reading, deleting', () => {
  test('a message carries its attachments in order, with an empty body, in every view', async () => {
    const { a, b, conv } = await trio()
    const one = await uploaded(a, await png(20, 10), 'one.png')
    const two = await uploaded(a, Buffer.from('second'), 'two.txt')
    const sent = await send(a, conv.id, { body: '', attachmentIds: [two.id, one.id] })
    expect(sent.status, sent.text).toBe(201)
    expect(sent.json.body).toBe('')
    expect(sent.json.attachments).toEqual([two, one])
    const page = await rest.allMessages(b, conv.id)
    expect(page.at(-1)?.attachments).toEqual([two, one])
    const changed = await rest.changedAfter(b, conv.id)
    expect(changed.messages.at(-1)?.attachments).toEqual([two, one])
    const listed = await rest.conversationById(b, conv.id)
    expect(listed.lastMessage?.attachments).toEqual([two, one])
    // Without attachments a body is still required.
    const blank = await send(a, conv.id, { body: '  ' })
    expect(blank.status).toBe(400)
  })

  test('who may read: the uploader before sending; members after; everyone else 404 like a missing id', async () => {
    const { a, b, outsider, conv } = await trio()
    const file = await uploaded(a, Buffer.from('secret plans'), 'plans.txt')
    expect((await get(a, file.id)).status).toBe(200)
    const missing = await get(b, 'a_doesnotexist')
    for (const reader of [b, outsider]) {
      const refused = await get(reader, file.id)
      expect(refused.status).toBe(404)
      expect(refused.body.toString()).toBe(missing.body.toString().replace('a_doesnotexist', file.id))
    }
    expect((await send(a, conv.id, { body: 'here', attachmentIds: [file.id] })).status).toBe(201)
    expect((await get(b, file.id)).status).toBe(200)
    expect((await get(a, file.id)).status).toBe(200)
    expect((await get(outsider, file.id)).status).toBe(404)
    for (const bad of ['..%2F..%2Fetc%2Fpasswd', 'x'.repeat(80), '%00', 'a_%E2%80%AE', "a_'%20or%201=1"]) {
      expect((await get(a, bad)).status, bad).toBe(404)
      expect((await download(server.url, a.token, `/api/attachments/${bad}/thumbnail`)).status, bad).toBe(404)
    }
    // Past the router's parameter length, the same 400 as every other route (never a 5xx).
    expect((await get(a, 'x'.repeat(200))).status).toBe(400)
    const anonymous = await fetch(`${server.url}/api/attachments/${file.id}`)
    expect(anonymous.status).toBe(401)
  })

  test("an upload attaches once, by its uploader only; a refused send stores nothing; a repeated clientId returns the original", async () => {
    const { a, b, conv } = await trio()
    const mine = await uploaded(a, Buffer.from('mine'), 'mine.txt')
    const theirs = await uploaded(b, Buffer.from('theirs'), 'theirs.txt')
    const lastSeq = (await rest.conversationById(a, conv.id)).lastSeq
    const stolen = await send(a, conv.id, { body: 'look', attachmentIds: [mine.id, theirs.id] })
    expect(stolen.status).toBe(400)
    expect(errorOf(stolen).message).toContain(theirs.id)
    expect((await rest.conversationById(a, conv.id)).lastSeq).toBe(lastSeq)
    // Not attached by the refused send: still readable by its uploader only, still attachable.
    expect((await get(b, mine.id)).status).toBe(404)
    const unknown = await send(a, conv.id, { body: 'x', attachmentIds: ['a_unknown'] })
    expect(unknown.status).toBe(400)
    const eleven = await send(a, conv.id, { body: 'x', attachmentIds: Array.from({ length: 11 }, (_, i) => `a_${i}`) })
    expect(eleven.status).toBe(400)
    const twice = await send(a, conv.id, { body: 'x', attachmentIds: [mine.id, mine.id] })
    expect(twice.status).toBe(400)

    const clientId = uniqueClientId()
    const first = await send(a, conv.id, { body: 'first', attachmentIds: [mine.id], clientId })
    expect(first.status).toBe(201)
    const repeat = await send(a, conv.id, { body: 'first', attachmentIds: [mine.id], clientId })
    expect(repeat.status).toBe(200)
    expect(repeat.json).toEqual(first.json)
    const second = await send(a, conv.id, { body: 'again', attachmentIds: [mine.id] })
    expect(second.status).toBe(400)
    // b's own upload, in a conversation b is in, works.
    expect((await send(b, conv.id, { body: 'mine', attachmentIds: [theirs.id] })).status).toBe(201)
  })

  test('deleting the message deletes its attachments: tombstone without them, 404, blobs gone', async () => {
    const { a, b, conv } = await trio()
    const before = leftOnDisk(server.dataDir).blobs.length
    const picture = await uploaded(a, await png(50, 50), 'p.png')
    const file = await uploaded(a, Buffer.from('doc'), 'd.txt')
    expect(leftOnDisk(server.dataDir).blobs.length).toBe(before + 3)
    const sent = (await send(a, conv.id, { body: 'files', attachmentIds: [picture.id, file.id] })).json
    const deleted = await rest.call<Message>('DELETE', `/api/conversations/${conv.id}/messages/${sent.id}`, { token: a.token })
    expect(deleted.status).toBe(200)
    expect(deleted.json).toMatchObject({ body: '', attachments: [] })
    expect(deleted.json.deletedAt).not.toBeNull()
    for (const reader of [a, b]) {
      expect((await get(reader, picture.id)).status).toBe(404)
      expect((await download(server.url, reader.token, `/api/attachments/${picture.id}/thumbnail`)).status).toBe(404)
    }
    expect(leftOnDisk(server.dataDir).blobs.length).toBe(before)
    const database = new (await import('better-sqlite3')).default(join(server.dataDir, 'parley.sqlite'), { readonly: true })
    try {
      expect(database.prepare('select count(*) as n from attachments where id in (?, ?)').get(picture.id, file.id)).toEqual({ n: 0 })
      expect(database.prepare('select count(*) as n from blob_deletions').get()).toEqual({ n: 0 })
    } finally {
      database.close()
    }
  })
})

describe('config and metrics', () => {
  test('GET /api/config says how large an upload may be', async () => {
    const config = await rest.get<ConfigResponse>('/api/config')
    expect(config.json.limits).toEqual({ maxUploadBytes: 100 * 1024 * 1024 })
  })

  test('/metrics counts bytes uploaded and served, refusals by reason', async () => {
    const { a } = await trio()
    const file = await uploaded(a, Buffer.alloc(1000, 1), 'm.bin')
    await get(a, file.id)
    await upload(server.url, a.token, { bytes: pngAnnouncing(10_000, 10_000), name: 'bomb.png' })
    const text = await (await fetch(`${server.url}/metrics`)).text()
    const value = (line: string) => Number(new RegExp(`^${line.replace(/[{}"]/g, '\\$&')} (\\S+)$`, 'm').exec(text)?.[1] ?? NaN)
    expect(value('parley_attachment_upload_bytes_total')).toBeGreaterThanOrEqual(1000)
    expect(value('parley_attachment_served_bytes_total{what="file"}')).toBeGreaterThanOrEqual(1000)
    expect(value('parley_attachment_upload_refusals_total{reason="image_too_large"}')).toBeGreaterThanOrEqual(1)
    expect(text).toContain('parley_blob_store_errors_total')
  })
})

