/**
 * Attachments on a server whose store is PostgreSQL (DATABASE_URL, a scratch
 * database of its own): upload, send, read by a member, refused to an
 * outsider, delete with the blobs gone, and the sweeper. The same api code
 * as on SQLite (attachments.test.ts); this checks the SQL holds there too.
 */
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Message } from '../../../src/shared/api'
import type { FilesystemBlobStore } from '../../../src/server/blobs/filesystem-blob-store'
import { download, filesUnder, upload } from '../../helpers/attachments'
import { png } from '../../helpers/images'
import { scratchDatabase, type ScratchDatabase } from '../../helpers/pg-database'
import { startClockedServer, uniqueClientId, type Account, type ClockedServer } from '../../helpers/rest'
import { requirePostgres } from '../../kit/services'

const missing = await requirePostgres('attachments on PostgreSQL')

describe.skipIf(missing !== null)('attachments on PostgreSQL', () => {
  let database: ScratchDatabase
  let clocked: ClockedServer

  beforeAll(async () => {
    database = await scratchDatabase('tattach')
    clocked = await startClockedServer({ DATABASE_URL: database.url, AUTH_RATE_LIMIT: '100000' })
  }, 30_000)
  afterAll(async () => {
    await clocked?.stop()
    await database?.drop()
  })

  test('upload, send, read, refuse, delete, sweep', async () => {
    const [a, b, outsider] = (await clocked.rest.newUsers(3, 'pga')) as [Account, Account, Account]
    const { url } = clocked.server
    const blobs = () => filesUnder((clocked.server.blobs as FilesystemBlobStore).root)
    const conv = await clocked.rest.conversation(a, [b], 'PG')
    const picture = (await upload(url, a.token, { bytes: await png(30, 20), name: '图.png' })).json
    const stray = (await upload(url, a.token, { bytes: Buffer.from('stray'), name: 's.txt' })).json
    expect(picture).toMatchObject({ name: '图.png', mime: 'image/png', width: 30, height: 20, hasThumbnail: true })
    expect(blobs()).toHaveLength(3)

    const sent = await clocked.rest.post<Message>(`/api/conversations/${conv.id}/messages`, a.token, { clientId: uniqueClientId(), body: '', attachmentIds: [picture.id] })
    expect(sent.status).toBe(201)
    expect(sent.json.attachments).toEqual([picture])
    expect((await download(url, b.token, `/api/attachments/${picture.id}`)).status).toBe(200)
    expect((await download(url, b.token, `/api/attachments/${picture.id}/thumbnail`)).status).toBe(200)
    expect((await download(url, outsider.token, `/api/attachments/${picture.id}`)).status).toBe(404)
    expect((await download(url, b.token, `/api/attachments/${stray.id}`)).status).toBe(404)
    const stolen = await clocked.rest.post(`/api/conversations/${conv.id}/messages`, b.token, { clientId: uniqueClientId(), body: 'x', attachmentIds: [stray.id] })
    expect(stolen.status).toBe(400)

    const deleted = await clocked.rest.call<Message>('DELETE', `/api/conversations/${conv.id}/messages/${sent.json.id}`, { token: a.token })
    expect(deleted.json.attachments).toEqual([])
    expect((await download(url, a.token, `/api/attachments/${picture.id}`)).status).toBe(404)
    expect(blobs()).toHaveLength(1)

    clocked.advance(25 * 60 * 60 * 1000)
    expect(await clocked.server.sweeper?.sweep()).toEqual({ expired: 1, retried: 0 })
    expect(blobs()).toEqual([])
  })
})
