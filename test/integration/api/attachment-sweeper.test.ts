/**
 * The attachment sweeper (docs/design.md §4.5) on a real server whose clock
 * the test moves: uploads nobody attached are deleted after 24 h (row and
 * blobs), attached ones never; a blob delete that fails after a message is
 * deleted is counted in /metrics, stays queued, and the sweeper deletes the
 * blob on a later run; stale temp files go too.
 */
import { mkdirSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'
import type { Message } from '../../../src/shared/api'
import type { FilesystemBlobStore } from '../../../src/server/blobs/filesystem-blob-store'
import { download, filesUnder, upload } from '../../helpers/attachments'
import { startClockedServer, uniqueClientId, type Account, type ClockedServer } from '../../helpers/rest'

const HOUR = 60 * 60 * 1000
let clocked: ClockedServer
let alice: Account
let bob: Account

beforeAll(async () => {
  clocked = await startClockedServer({ AUTH_RATE_LIMIT: '100000' })
  ;[alice, bob] = (await clocked.rest.newUsers(2, 'sw')) as [Account, Account]
})
afterAll(async () => {
  await clocked.stop()
})

const blobFiles = () => filesUnder((clocked.server.blobs as FilesystemBlobStore).root)
const sweeper = () => {
  const found = clocked.server.sweeper
  if (found === null) throw new Error('no sweeper')
  return found
}
const status = async (account: Account, id: string) => (await download(clocked.server.url, account.token, `/api/attachments/${id}`)).status
const uploadedBy = async (account: Account, text: string) => {
  const reply = await upload(clocked.server.url, account.token, { bytes: Buffer.from(text), name: `${text}.txt` })
  expect(reply.status).toBe(201)
  return reply.json
}

test('uploads not attached within 24 h are deleted with their blobs; attached ones stay', async () => {
  const conv = await clocked.rest.conversation(alice, [bob])
  const before = blobFiles().length
  const stray = await uploadedBy(alice, 'stray')
  const sent = await uploadedBy(alice, 'sent')
  expect((await clocked.rest.post(`/api/conversations/${conv.id}/messages`, alice.token, { clientId: uniqueClientId(), body: '', attachmentIds: [sent.id] })).status).toBe(201)
  expect(blobFiles()).toHaveLength(before + 2)

  clocked.advance(23 * HOUR)
  expect(await sweeper().sweep()).toEqual({ expired: 0, retried: 0 })
  expect(await status(alice, stray.id)).toBe(200)

  clocked.advance(2 * HOUR)
  expect(await sweeper().sweep()).toEqual({ expired: 1, retried: 0 })
  expect(await status(alice, stray.id)).toBe(404)
  expect(await status(bob, sent.id)).toBe(200)
  expect(blobFiles()).toHaveLength(before + 1)
  // Too late to send it now.
  const late = await clocked.rest.post(`/api/conversations/${conv.id}/messages`, alice.token, { clientId: uniqueClientId(), body: 'x', attachmentIds: [stray.id] })
  expect(late.status).toBe(400)
})

test('a failed blob delete is counted, stays queued, and the sweeper deletes the blob later', async () => {
  const conv = await clocked.rest.conversation(alice, [bob])
  const file = await uploadedBy(alice, 'doomed')
  const sent = await clocked.rest.post<Message>(`/api/conversations/${conv.id}/messages`, alice.token, { clientId: uniqueClientId(), body: 'x', attachmentIds: [file.id] })
  const blobs = clocked.server.blobs as FilesystemBlobStore
  const before = blobFiles().length
  const realDelete = blobs.delete.bind(blobs)
  blobs.delete = async () => {
    throw new Error('the store is down')
  }
  try {
    const deleted = await clocked.rest.call('DELETE', `/api/conversations/${conv.id}/messages/${sent.json.id}`, { token: alice.token })
    expect(deleted.status).toBe(200)
  } finally {
    blobs.delete = realDelete
  }
  expect(await status(alice, file.id)).toBe(404)
  expect(blobFiles()).toHaveLength(before)
  const metrics = await (await fetch(`${clocked.server.url}/metrics`)).text()
  expect(metrics).toMatch(/^parley_blob_store_errors_total\{operation="delete"\} 1$/m)

  // Retried later, not in a tight loop.
  expect((await sweeper().sweep()).retried).toBe(0)
  clocked.advance(HOUR)
  expect((await sweeper().sweep()).retried).toBe(1)
  expect(blobFiles()).toHaveLength(before - 1)
  expect(await clocked.server.store?.dueBlobDeletions(clocked.now() + 365 * 24 * HOUR, 10)).toEqual([])
})

test('temp files a crash left in DATA_DIR/tmp are removed once stale; fresh ones (uploads in progress) stay', async () => {
  const tmp = join(dirname((clocked.server.blobs as FilesystemBlobStore).root), 'tmp')
  mkdirSync(tmp, { recursive: true })
  writeFileSync(join(tmp, 'left-by-a-crash'), 'x')
  const longAgo = new Date(Date.now() - 7 * HOUR)
  utimesSync(join(tmp, 'left-by-a-crash'), longAgo, longAgo)
  writeFileSync(join(tmp, 'in-progress'), 'y')
  await sweeper().sweep()
  expect(readdirSync(tmp)).toEqual(['in-progress'])
  rmSync(join(tmp, 'in-progress'))
})
