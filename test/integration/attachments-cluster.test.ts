/**
 * Attachments across nodes: two `npm run server` processes share PostgreSQL,
 * Redis and one S3 bucket (an s3rver process on loopback). Alice uploads a
 * file and a photo through node A and sends them on a message through node A;
 * Bob, connected to node B, gets the message live and downloads both, whole
 * and by ranges, and the photo's thumbnail through node B — the same bytes
 * node A serves, and for the file the bytes Alice uploaded. Neither node keeps
 * a blob on its own disk. Skips with a message when Redis or PostgreSQL is
 * missing (fails under CI=true).
 */
import { randomBytes } from 'node:crypto'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3'
import { Redis } from 'ioredis'
import type PusherClient from 'pusher-js'
import sharp from 'sharp'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import type { Message } from '../../src/shared/api'
import { userChannel, type MessageCreatedEvent } from '../../src/shared/channels'
import { download, upload } from '../helpers/attachments'
import { nextEvent, subscribed } from '../helpers/clients'
import { directConversation, newUser } from '../helpers/messenger'
import { scratchDatabase, type ScratchDatabase } from '../helpers/pg-database'
import { startS3Server, type S3Server } from '../helpers/s3-server'
import { makeWorkDir, removeWorkDir } from '../kit/processes'
import { spawnServer, type ServerProcess } from '../kit/server-process'
import { redisUrl, requirePostgres, requireRedis } from '../kit/services'

const missing = (await requireRedis('attachments-cluster.test')) ?? (await requirePostgres('attachments-cluster.test'))

describe.skipIf(missing !== null)('attachments on two nodes sharing one S3 bucket', () => {
  const run = `${process.pid}_${Date.now().toString(36)}`
  let work: string
  let database: ScratchDatabase
  let s3: S3Server
  let a: ServerProcess
  let b: ServerProcess
  const nodeDirs: string[] = []
  const clients: PusherClient[] = []

  async function startNode(name: string): Promise<ServerProcess> {
    const dataDir = join(work, name)
    nodeDirs.push(dataDir)
    return spawnServer(
      {
        DATA_DIR: dataDir,
        DATABASE_URL: database.url,
        REDIS_URL: redisUrl,
        REDIS_PREFIX: `test_${run}`,
        PUSHER_APP_ID: 'attachments-app',
        PUSHER_KEY: 'attachments-key',
        PUSHER_SECRET: 'attachments-secret-value',
        AUTH_RATE_LIMIT: '100000',
        ...s3.env,
      },
      { timeoutMs: 30_000 },
    )
  }

  beforeAll(async () => {
    work = makeWorkDir('parley-attachments-cluster-')
    ;[database, s3] = await Promise.all([scratchDatabase('parley_attach'), startS3Server('parley-cluster')])
    // One after the other: the first runs the migrations.
    a = await startNode('a')
    b = await startNode('b')
  }, 90_000)

  afterAll(async () => {
    clients.forEach((client) => client.disconnect())
    await Promise.all([a?.stop(), b?.stop()])
    await s3?.stop()
    await database?.drop()
    const redis = new Redis(redisUrl)
    const keys = await redis.keys(`test_${run}:*`)
    if (keys.length > 0) await redis.del(...keys)
    redis.disconnect()
    removeWorkDir(work)
  })

  test('uploaded and sent through node A, received and downloaded through node B', async () => {
    const alice = await newUser(a.url, 'alice')
    const bob = await newUser(b.url, 'bob')
    const conversation = await directConversation(alice, bob)
    const bobClient = await bob.connect()
    clients.push(bobClient)
    const bobInbox = await subscribed(bobClient, userChannel(bob.user.id))

    // A file past the S3 store's 8 MiB part size (a multipart upload), under a Chinese name, and a noisy photo.
    const file = randomBytes(12 * 1024 * 1024 + 123)
    const photo = await sharp(randomBytes(1600 * 1200 * 3), { raw: { width: 1600, height: 1200, channels: 3 } })
      .jpeg({ quality: 85 })
      .toBuffer()

    const uploadedFile = await upload(a.url, alice.token, { bytes: file, name: '季度报告 2026.bin' })
    expect(uploadedFile.status).toBe(201)
    expect(uploadedFile.json).toMatchObject({ name: '季度报告 2026.bin', size: file.length, hasThumbnail: false })
    const uploadedPhoto = await upload(a.url, alice.token, { bytes: photo, name: '照片.jpg', type: 'image/jpeg' })
    expect(uploadedPhoto.status).toBe(201)
    expect(uploadedPhoto.json).toMatchObject({ mime: 'image/jpeg', width: 1600, height: 1200, hasThumbnail: true })

    const received = nextEvent<MessageCreatedEvent>(bobInbox, 'message.created', 10_000)
    const sent = await alice.call<Message>('POST', `/api/conversations/${conversation.id}/messages`, {
      clientId: `attach-${run}`,
      body: '两个附件',
      attachmentIds: [uploadedFile.json.id, uploadedPhoto.json.id],
    })
    expect(sent.status).toBe(201)
    const { message } = await received
    expect(message.attachments.map((attachment) => attachment.id)).toEqual([uploadedFile.json.id, uploadedPhoto.json.id])

    // The file: whole and by ranges through B, the bytes Alice uploaded.
    const filePathOnServer = `/api/attachments/${uploadedFile.json.id}`
    const whole = await download(b.url, bob.token, filePathOnServer)
    expect(whole.status).toBe(200)
    expect(whole.body.equals(file)).toBe(true)
    expect(whole.headers.get('content-disposition')).toMatch(/^attachment;/)
    expect(whole.headers.get('content-disposition')).toContain(`filename*=UTF-8''${encodeURIComponent('季度报告 2026.bin')}`)
    const part = 8 * 1024 * 1024
    const across = await download(b.url, bob.token, filePathOnServer, { range: `bytes=${part - 10}-${part + 9}` })
    expect(across.status).toBe(206)
    expect(across.headers.get('content-range')).toBe(`bytes ${part - 10}-${part + 9}/${file.length}`)
    expect(across.body.equals(file.subarray(part - 10, part + 10))).toBe(true)
    const first = await download(b.url, bob.token, filePathOnServer, { range: 'bytes=0-0' })
    expect(first.status).toBe(206)
    expect(first.body.equals(file.subarray(0, 1))).toBe(true)
    const last = await download(b.url, bob.token, filePathOnServer, { range: `bytes=${file.length - 1}-${file.length - 1}` })
    expect(last.status).toBe(206)
    expect(last.body.equals(file.subarray(file.length - 1))).toBe(true)

    // The photo and its thumbnail: what B serves Bob is what A serves Alice (the server may clean an image before storing it).
    const photoPathOnServer = `/api/attachments/${uploadedPhoto.json.id}`
    const [photoOnA, photoOnB] = await Promise.all([download(a.url, alice.token, photoPathOnServer), download(b.url, bob.token, photoPathOnServer)])
    expect(photoOnB.status).toBe(200)
    expect(photoOnB.body.equals(photoOnA.body)).toBe(true)
    expect(photoOnB.body.length).toBeGreaterThan(0)
    const photoRange = await download(b.url, bob.token, photoPathOnServer, { range: 'bytes=100-4195' })
    expect(photoRange.status).toBe(206)
    expect(photoRange.body.equals(photoOnA.body.subarray(100, 4196))).toBe(true)
    const [thumbOnA, thumbOnB] = await Promise.all([
      download(a.url, alice.token, `${photoPathOnServer}/thumbnail`),
      download(b.url, bob.token, `${photoPathOnServer}/thumbnail`),
    ])
    expect(thumbOnB.status).toBe(200)
    expect(thumbOnB.headers.get('content-type')).toBe('image/webp')
    expect(thumbOnB.body.equals(thumbOnA.body)).toBe(true)
    const thumbnail = await sharp(thumbOnB.body).metadata()
    expect(thumbnail.format).toBe('webp')
    expect(Math.max(thumbnail.width, thumbnail.height)).toBeLessThanOrEqual(480)

    // The blobs are in the shared bucket, none on either node's disk.
    for (const dir of nodeDirs) expect(existsSync(join(dir, 'blobs')), dir).toBe(false)
    const client = new S3Client({
      endpoint: s3.endpoint,
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: s3.accessKeyId, secretAccessKey: s3.secretAccessKey },
    })
    const listed = await client.send(new ListObjectsV2Command({ Bucket: s3.bucket }))
    client.destroy()
    // The file, the photo and its thumbnail.
    expect(listed.KeyCount).toBe(3)
    expect((listed.Contents ?? []).map((object) => object.Size)).toContain(file.length)
  }, 60_000)
})
