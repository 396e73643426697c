/**
 * Attachments (issue 18), two desktop cores against a real server process:
 * alice reaches it only through a TCP proxy (so her uploads can be cut and
 * she can go offline), bob directly. Files go up through the outbox with
 * progress and arrive once, whatever is cut; bob receives them, gets the
 * thumbnail through readMedia and downloads the file byte for byte; cached
 * thumbnails are served offline; a cancelled send leaves nothing behind; a
 * file over the server's limit is refused with words a person can act on.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import sharp from 'sharp'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { ChatMessage, Transfer } from '../../../src/shared/ipc'
import {
  eventually,
  expectCacheEqualsServer,
  serverHistory,
  startProxiedPair, stopProxiedPair,
  waitConnected,
  waitForEvent,
  type TestCore,
} from '../../helpers/core'
import type { TcpProxy } from '../../helpers/tcp-proxy'
import { freePort } from '../../kit/ports'
import type { ServerProcess } from '../../kit/server-process'

const MAX_UPLOAD = 4 * 1024 * 1024
const dataDir = mkdtempSync(join(tmpdir(), 'parley-attachments-'))
const filesDir = mkdtempSync(join(tmpdir(), 'parley-attachment-files-'))
let server: ServerProcess
let proxy: TcpProxy
let alice: TestCore
let bob: TestCore
let conversationId = ''

beforeAll(async () => {
  const port = await freePort()
  const env = {
    DATA_DIR: dataDir,
    ACTIVITY_TIMEOUT: '2',
    PONG_GRACE: '1',
    AUTH_RATE_LIMIT: '1000',
    SEND_RATE_LIMIT: '100000',
    MAX_UPLOAD_BYTES: String(MAX_UPLOAD),
    UPLOAD_RATE_LIMIT: '100000',
  }
  ;({ server, proxy, alice, bob, conversationId } = await startProxiedPair(env, port, 'at'))
}, 60_000)

afterAll(() => stopProxiedPair({ server, proxy, alice, bob }, dataDir, filesDir))

const token = (side: TestCore) => side.core.currentAccount?.api.token ?? ''
const account = (side: TestCore) => {
  const current = side.core.currentAccount
  if (current === null) throw new Error('not signed in')
  return current
}

/** A file to pick, named `name` (in a folder of its own). */
function file(name: string, bytes: Uint8Array | string): string {
  const dir = join(filesDir, randomBytes(4).toString('hex'))
  mkdirSync(dir)
  const path = join(dir, name)
  writeFileSync(path, bytes)
  return path
}

const picture = (width: number, height: number, background = '#2a6') =>
  sharp({ create: { width, height, channels: 3, background } })
    .jpeg()
    .toBuffer()

/** Stage files by the picker and send them; the pending message. */
async function sendFiles(side: TestCore, paths: string[], body = ''): Promise<ChatMessage> {
  side.services.filesToPick.push(paths)
  const staged = await side.core.pickAttachments({ conversationId })
  expect(staged.map((s) => s.name)).toEqual(paths.map((p) => p.slice(p.lastIndexOf('/') + 1)))
  return side.core.sendMessage({ conversationId, body, attachments: staged.map((s) => s.stagedId) })
}

/** Every transfer event of a core from now on. */
function recordTransfers(side: TestCore): { list: Transfer[]; stop: () => void } {
  const list: Transfer[] = []
  const stop = side.core.on('transfers', (transfers) => list.push(...transfers))
  return { list, stop }
}

/** The sender's view of its message once sent, its files moved into the download cache. */
const sentCopy = (side: TestCore, clientId: string) => {
  const done = (m: ChatMessage) => m.clientId === clientId && m.state === 'sent' && m.attachments.every((a) => a.downloaded)
  return waitForEvent(side.core, 'messages', (e) => e.messages.some(done), 20_000).then((e) => e.messages.find(done) as ChatMessage)
}

async function onServer(clientId: string) {
  return (await serverHistory(server.url, token(bob), conversationId)).filter((m) => m.clientId === clientId)
}

test('a photo and a file go up with progress and arrive once; bob gets the thumbnail and downloads the file byte for byte', async () => {
  const photoBytes = await picture(1200, 800)
  const documentBytes = randomBytes(3 * 1024 * 1024)
  const photoPath = file('holiday.jpg', photoBytes)
  const documentPath = file('数据 report.bin', documentBytes)
  const uploads = recordTransfers(alice)
  const pending = await sendFiles(alice, [photoPath, documentPath], 'from the trip')
  // Written after the photo, posted after it (the conversation's order), while the files upload.
  const after = await alice.core.sendMessage({ conversationId, body: 'and a text after it' })
  expect(pending.attachments.map((a) => [a.name, a.mime, a.width, a.height, a.id, a.downloaded])).toEqual([
    ['holiday.jpg', 'image/jpeg', 1200, 800, null, true],
    ['数据 report.bin', 'application/octet-stream', null, null, null, true],
  ])
  expect(pending.attachments[0]?.previewUrl).toBe(`/media/staged/${pending.attachments[0]?.key}`)
  // The local copy serves the preview before anything is uploaded.
  const preview = await alice.core.readMedia('staged', pending.attachments[0]?.key ?? '')
  expect(preview && readFileSync(preview.path).equals(photoBytes)).toBe(true)

  const arrived = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.clientId === pending.clientId), 20_000)
  const sent = await sentCopy(alice, pending.clientId)
  uploads.stop()
  const [onTheServer, ...more] = await onServer(pending.clientId)
  expect(more).toEqual([])
  await eventually(async () => (await onServer(after.clientId)).length === 1, 10_000, 'the text posted')
  expect((await onServer(after.clientId))[0]?.seq).toBe((onTheServer?.seq ?? 0) + 1)
  // The server serves images without their metadata: the photo's size is the cleaned file's.
  expect(onTheServer?.attachments.map((a) => [a.name, a.size, a.mime, a.width, a.height, a.hasThumbnail])).toEqual([
    ['holiday.jpg', expect.any(Number), 'image/jpeg', 1200, 800, true],
    ['数据 report.bin', documentBytes.length, 'application/octet-stream', null, null, false],
  ])
  // Alice's own files moved into her download cache: they open offline.
  expect(sent.attachments.map((a) => [a.id, a.downloaded])).toEqual(onTheServer?.attachments.map((a) => [a.id, true]))
  expect(sent.attachments[0]?.fileUrl).toBe(`/media/file/${onTheServer?.attachments[0]?.id}`)
  // Progress: each file from 0 to done, never past its size.
  for (const key of pending.attachments.map((a) => a.key)) {
    const own = uploads.list.filter((t) => t.id === key)
    expect(own[0]).toMatchObject({ direction: 'upload', state: 'active', loaded: 0, messageKey: pending.key, conversationId })
    expect(own.at(-1)?.state).toBe('done')
    expect(own.every((t) => t.loaded <= t.total)).toBe(true)
  }

  const received = (await arrived).messages.find((m) => m.clientId === pending.clientId) as ChatMessage
  expect(received.body).toBe('from the trip')
  const [photo, document] = received.attachments
  expect(photo).toMatchObject({ previewUrl: `/media/thumbnail/${photo?.id}`, downloaded: false, fileUrl: null })
  const thumbnail = await bob.core.readMedia('thumbnail', photo?.id ?? '')
  expect(thumbnail).toMatchObject({ mime: 'image/webp' })
  const meta = await sharp(readFileSync(thumbnail?.path ?? '')).metadata()
  expect(Math.max(meta.width ?? 0, meta.height ?? 0)).toBeLessThanOrEqual(480)
  // Not downloaded yet: no file to serve; a document never has a thumbnail.
  expect(await bob.core.readMedia('file', document?.id ?? '')).toBeNull()
  expect(await bob.core.readMedia('thumbnail', document?.id ?? '')).toBeNull()

  const downloads = recordTransfers(bob)
  const marked = waitForEvent(bob.core, 'messages', (e) => e.messages.some((m) => m.clientId === pending.clientId && m.attachments[1]?.downloaded === true))
  await bob.core.downloadAttachment({ attachmentId: document?.id ?? '' })
  downloads.stop()
  const served = await bob.core.readMedia('file', document?.id ?? '')
  expect(served).toMatchObject({ mime: 'application/octet-stream', size: documentBytes.length })
  expect(readFileSync(served?.path ?? '').equals(documentBytes)).toBe(true)
  expect(downloads.list[0]).toMatchObject({ direction: 'download', id: document?.id, state: 'active', loaded: 0, total: documentBytes.length })
  expect(downloads.list.at(-1)).toMatchObject({ state: 'done', loaded: documentBytes.length })
  // The message's view follows: the document is on this device now (a document gets no fileUrl: not an inline image).
  const downloadedView = (await marked).messages.find((m) => m.clientId === pending.clientId)
  expect(downloadedView?.attachments[1]).toMatchObject({ downloaded: true, fileUrl: null })
  const photoMarked = waitForEvent(bob.core, 'messages', (e) =>
    e.messages.some((m) => m.clientId === pending.clientId && m.attachments[0]?.fileUrl === `/media/file/${photo?.id}`),
  )

  // Open (the shell asks nothing for a non-executable), save a copy, show in the folder.
  await bob.core.openAttachment({ attachmentId: photo?.id ?? '' })
  expect(bob.services.openedFiles.at(-1)).toEqual({ path: expect.any(String), executable: false })
  const opened = readFileSync(bob.services.openedFiles.at(-1)?.path ?? '')
  expect(opened.length).toBe(photo?.size)
  expect((await sharp(opened).metadata()).width).toBe(1200)
  // Opening downloaded the photo: the lightbox may show the whole image now.
  await photoMarked
  const target = join(filesDir, 'saved-copy.bin')
  bob.services.savePaths.push(target, null)
  expect(await bob.core.saveAttachmentAs({ attachmentId: document?.id ?? '' })).toBe(true)
  expect(readFileSync(target).equals(documentBytes)).toBe(true)
  expect(await bob.core.saveAttachmentAs({ attachmentId: document?.id ?? '' })).toBe(false)
  await bob.core.showAttachmentInFolder({ attachmentId: document?.id ?? '' })
  expect(bob.services.shownInFolder.at(-1)).toBe(served?.path)
  // Bob's file is an image type now downloaded: the lightbox gets its URL.
  expect(bob.core.currentAccount?.cache.ownMessage(conversationId, pending.clientId)).toBeNull()
  const view = account(bob).cache.messageByKey(conversationId, pending.key)
  expect(view?.attachments[0]).toMatchObject({ downloaded: true, fileUrl: `/media/file/${photo?.id}` })
  expect((await bob.core.search({ query: 'report', limit: 10 })).map((hit) => hit.messageKey)).toEqual([pending.key])
}, 60_000)

test('an upload cut mid-stream is retried and ends as exactly one message with its attachment', async () => {
  const bytes = randomBytes(2 * 1024 * 1024)
  const path = file('cut.bin', bytes)
  const cut = proxy.cutHttpAfter(1024 * 1024)
  const uploads = recordTransfers(alice)
  const pending = await sendFiles(alice, [path])
  await cut
  const sent = await sentCopy(alice, pending.clientId)
  uploads.stop()
  const copies = await onServer(pending.clientId)
  expect(copies).toHaveLength(1)
  // Bob's window is not focused: a file without a caption notifies with its name.
  await eventually(() => bob.services.notifications.some((n) => n.body === '📎 cut.bin'), 10_000, 'bob notified')
  expect(copies[0]?.attachments.map((a) => [a.id, a.size])).toEqual([[sent.attachments[0]?.id, bytes.length]])
  // The bar went back to 0 for the second attempt, and ended done.
  const states = uploads.list.map((t) => t.state)
  expect(states.at(-1)).toBe('done')
  expect(states).not.toContain('failed')
  await waitConnected(alice.core, 20_000)
  await account(alice).outbox.whenEmpty()
  await account(alice).sync.whenIdle()
  await expectCacheEqualsServer(alice.core, server.url, token(alice), conversationId)
}, 60_000)

test('closed mid-upload, the core resumes after a restart: files already uploaded are not uploaded again, the message arrives once', async () => {
  const first = randomBytes(512 * 1024)
  const second = randomBytes(2 * 1024 * 1024)
  // Cut inside the second file (its link, or the one both share, has carried more than the first).
  const cut = proxy.cutHttpAfter(first.length + 1024 * 1024)
  const pending = await sendFiles(alice, [file('one.bin', first), file('two.bin', second)], 'two files')
  await cut
  const before = account(alice).cache.outboxFiles(conversationId, pending.clientId)
  expect(before.map((f) => f.attachmentId !== null)).toEqual([true, false])
  alice = await alice.restart()
  await waitConnected(alice.core, 20_000)
  await eventually(() => account(alice).cache.ownMessage(conversationId, pending.clientId)?.state === 'sent', 20_000, 'sent after the restart')
  const copies = await onServer(pending.clientId)
  expect(copies).toHaveLength(1)
  expect(copies[0]?.attachments.map((a) => a.size)).toEqual([first.length, second.length])
  // The first file was not uploaded again: the message carries the id it got before the restart.
  expect(copies[0]?.attachments[0]?.id).toBe(before[0]?.attachmentId)
  await eventually(() => account(bob).cache.messageByKey(conversationId, pending.key)?.attachments.length === 2, 20_000, 'bob has it')
  // No copy is left in the outbox folder.
  await eventually(() => readdirSync(account(alice).attachments.folders.outbox).length === 0, 10_000, 'outbox folder empty')
}, 60_000)

test('offline, cached thumbnails and downloaded files are still served; a thumbnail not cached is null', async () => {
  const arrived = waitForEvent(alice.core, 'messages', (e) => e.messages.some((m) => m.body === 'two pictures'), 20_000)
  await sendFilesAs(bob, [file('a.jpg', await picture(300, 200)), file('b.jpg', await picture(200, 300, '#a26'))], 'two pictures')
  const message = (await arrived).messages.find((m) => m.body === 'two pictures') as ChatMessage
  const [a, b] = message.attachments.map((x) => x.id ?? '')
  const folders = account(alice).attachments.folders
  // Fetched in the background when the message was stored.
  await eventually(() => existsSync(folders.thumbnail(a ?? '')) && existsSync(folders.thumbnail(b ?? '')), 15_000, 'thumbnails prefetched')
  rmSync(folders.thumbnail(b ?? ''))
  await alice.core.downloadAttachment({ attachmentId: a ?? '' })

  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice offline')
  expect(await alice.core.readMedia('thumbnail', a ?? '')).toMatchObject({ mime: 'image/webp' })
  expect(await alice.core.readMedia('thumbnail', b ?? '')).toBeNull()
  expect(await alice.core.readMedia('file', a ?? '')).toMatchObject({ mime: 'image/jpeg' })
  // Only this account's attachments: an id it does not have is never fetched.
  expect(await alice.core.readMedia('thumbnail', 'someone-elses-id')).toBeNull()
  proxy.restore()
  await alice.core.retryNow()
  await waitConnected(alice.core, 20_000)
  expect(await alice.core.readMedia('thumbnail', b ?? '')).toMatchObject({ mime: 'image/webp' })
}, 60_000)

async function sendFilesAs(side: TestCore, paths: string[], body: string): Promise<void> {
  const pending = await sendFiles(side, paths, body)
  await sentCopy(side, pending.clientId)
}

test('cancelSend removes a message whose upload waits to be retried, and its copies', async () => {
  proxy.cut()
  await eventually(async () => (await alice.core.getConnection()).state !== 'connected', 10_000, 'alice offline')
  const pending = await sendFiles(alice, [file('never.bin', randomBytes(1000))], 'never sent')
  const copy = account(alice).cache.outboxFiles(conversationId, pending.clientId)[0]?.path ?? ''
  expect(existsSync(copy)).toBe(true)
  const removed = waitForEvent(alice.core, 'messagesRemoved', (e) => e.keys.includes(pending.key))
  await alice.core.cancelSend({ conversationId, clientId: pending.clientId })
  await removed
  expect(existsSync(copy)).toBe(false)
  expect(account(alice).cache.ownMessage(conversationId, pending.clientId)).toBeNull()
  expect(account(alice).cache.outbox().filter((item) => item.kind === 'message')).toEqual([])
  await expect(alice.core.cancelSend({ conversationId, clientId: pending.clientId })).rejects.toMatchObject({ code: 'not_found' })
  proxy.restore()
  await alice.core.retryNow()
  await waitConnected(alice.core, 20_000)
  await account(alice).outbox.whenEmpty()
  expect(await onServer(pending.clientId)).toEqual([])
}, 60_000)

test('a file over the server limit is refused with a clear error before anything is copied', async () => {
  const big = file('huge.bin', Buffer.alloc(MAX_UPLOAD + 1))
  alice.services.filesToPick.push([big])
  await expect(alice.core.pickAttachments({ conversationId })).rejects.toMatchObject({
    code: 'too_large',
    message: '"huge.bin" is too large: the server takes files up to 4 MiB',
  })
  await expect(alice.core.beginAttachment({ conversationId, name: 'pasted.png', size: MAX_UPLOAD + 1 })).rejects.toMatchObject({ code: 'too_large' })
  expect(readdirSync(account(alice).attachments.folders.outbox)).toEqual([])
})

test('a download can be cancelled: nothing is kept; an executable type is opened only through the shell’s question', async () => {
  const bytes = randomBytes(3 * 1024 * 1024)
  const arrived = waitForEvent(alice.core, 'messages', (e) => e.messages.some((m) => m.body === 'an installer'), 20_000)
  await sendFilesAs(bob, [file('setup.sh', bytes)], 'an installer')
  const message = (await arrived).messages.find((m) => m.body === 'an installer') as ChatMessage
  const id = message.attachments[0]?.id ?? ''
  // Slow enough that the cancel lands while the bytes are on their way.
  proxy.latency(300)
  const transfers = recordTransfers(alice)
  const download = alice.core.downloadAttachment({ attachmentId: id })
  await eventually(() => transfers.list.some((t) => t.id === id && t.state === 'active'), 10_000, 'download started')
  await alice.core.cancelDownload({ attachmentId: id })
  await expect(download).rejects.toMatchObject({ code: 'cancelled' })
  proxy.latency(0)
  transfers.stop()
  expect(transfers.list.at(-1)).toMatchObject({ id, state: 'cancelled' })
  expect(readdirSync(account(alice).attachments.folders.tmp)).toEqual([])
  expect(await alice.core.readMedia('file', id)).toBeNull()

  // Opening downloads it first; the shell is told it is executable (it asks; here the user declines).
  await alice.core.openAttachment({ attachmentId: id })
  expect(alice.services.openedFiles.at(-1)).toEqual({ path: account(alice).attachments.folders.file(id), executable: true })
  expect(readFileSync(account(alice).attachments.folders.file(id)).equals(bytes)).toBe(true)
}, 60_000)
