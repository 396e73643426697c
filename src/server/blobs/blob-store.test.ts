/**
 * The BlobStore contract, run against both stores: the filesystem one in a
 * temporary DATA_DIR, the S3 one against a real s3rver process on loopback
 * (test/helpers/s3-server.ts). Same calls, same answers.
 */
import { randomBytes } from 'node:crypto'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { mkdir } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Readable } from 'node:stream'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server'
import { BlobNotFound, type BlobStore } from './blob-store'
import { FilesystemBlobStore } from './filesystem-blob-store'
import { S3BlobStore } from './s3-blob-store'

interface Subject {
  store: BlobStore
  /** Where the api would spool uploads (DATA_DIR/tmp for the filesystem store: the same filesystem). */
  spool: string
  stop(): Promise<void>
}

const subjects: Record<'filesystem' | 's3', () => Promise<Subject>> = {
  async filesystem() {
    const dataDir = mkdtempSync(join(tmpdir(), 'parley-blobs-'))
    const spool = join(dataDir, 'tmp')
    await mkdir(spool)
    return { store: await FilesystemBlobStore.open(dataDir), spool, stop: async () => rmSync(dataDir, { recursive: true, force: true }) }
  },
  async s3() {
    const server: S3Server = await startS3Server()
    const spool = mkdtempSync(join(tmpdir(), 'parley-spool-'))
    const store = new S3BlobStore({
      bucket: server.bucket,
      endpoint: server.endpoint,
      region: 'us-east-1',
      accessKeyId: server.accessKeyId,
      secretAccessKey: server.secretAccessKey,
      forcePathStyle: true,
      prefix: 'contract/',
    })
    return {
      store,
      spool,
      async stop() {
        await store.close()
        await server.stop()
        rmSync(spool, { recursive: true, force: true })
      },
    }
  },
}

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = []
  for await (const chunk of stream) chunks.push(chunk as Buffer)
  return Buffer.concat(chunks)
}

describe.each(['filesystem', 's3'] as const)('%s blob store', (kind) => {
  let subject: Subject
  let files = 0

  /** A spool file holding `content`, as the api hands one over. */
  function spooled(content: Buffer): string {
    files += 1
    const path = join(subject.spool, `upload-${files}`)
    writeFileSync(path, content)
    return path
  }

  beforeAll(async () => {
    subject = await subjects[kind]()
  })
  afterAll(async () => {
    await subject?.stop()
  })

  test('put, then get the whole blob; the spool file is consumed', async () => {
    const content = randomBytes(100_000)
    const path = spooled(content)
    await subject.store.putFile('whole', path, content.length)
    expect(existsSync(path)).toBe(false)
    expect((await bytesOf(await subject.store.get('whole'))).equals(content)).toBe(true)
    expect(subject.store.kind).toBe(kind)
  })

  test('inclusive ranges: the first byte, the middle, the last byte, everything', async () => {
    const content = randomBytes(10_000)
    await subject.store.putFile('ranged', spooled(content), content.length)
    const range = async (start: number, end: number) => bytesOf(await subject.store.get('ranged', { start, end }))
    expect(await range(0, 0)).toEqual(content.subarray(0, 1))
    expect(await range(1234, 5678)).toEqual(content.subarray(1234, 5679))
    expect(await range(9_999, 9_999)).toEqual(content.subarray(9_999))
    expect(await range(0, 9_999)).toEqual(content)
  })

  test('a 20 MiB file (multipart on S3) comes back whole and by ranges across part boundaries', async () => {
    const content = randomBytes(20 * 1024 * 1024)
    await subject.store.putFile('big', spooled(content), content.length)
    expect((await bytesOf(await subject.store.get('big'))).equals(content)).toBe(true)
    const part = 8 * 1024 * 1024
    const across = await bytesOf(await subject.store.get('big', { start: part - 100, end: 2 * part + 100 }))
    expect(across.equals(content.subarray(part - 100, 2 * part + 101))).toBe(true)
  })

  test('a missing blob is BlobNotFound, whole or ranged', async () => {
    await expect(subject.store.get('never-stored')).rejects.toBeInstanceOf(BlobNotFound)
    await expect(subject.store.get('never-stored', { start: 0, end: 10 })).rejects.toBeInstanceOf(BlobNotFound)
  })

  test('delete is idempotent', async () => {
    const content = randomBytes(1_000)
    await subject.store.putFile('doomed', spooled(content), content.length)
    await subject.store.delete('doomed')
    await expect(subject.store.get('doomed')).rejects.toBeInstanceOf(BlobNotFound)
    await subject.store.delete('doomed')
    await subject.store.delete('never-stored')
  })

  test('putting a key again replaces its bytes', async () => {
    await subject.store.putFile('again', spooled(Buffer.from('first')), 5)
    await subject.store.putFile('again', spooled(Buffer.from('second')), 6)
    expect((await bytesOf(await subject.store.get('again'))).toString()).toBe('second')
  })

  test('keys outside [A-Za-z0-9_.-]{1,128} (and . or ..) are refused by every call, and the spool file stays', async () => {
    const bad = ['', 'a/b', '../x', '..', '.', 'a b', 'naïve', 'x'.repeat(129), 'a\0b', 'a\\b']
    const path = spooled(Buffer.from('x'))
    for (const key of bad) {
      await expect(subject.store.putFile(key, path, 1), JSON.stringify(key)).rejects.toBeInstanceOf(RangeError)
      await expect(subject.store.get(key), JSON.stringify(key)).rejects.toBeInstanceOf(RangeError)
      await expect(subject.store.delete(key), JSON.stringify(key)).rejects.toBeInstanceOf(RangeError)
    }
    expect(existsSync(path)).toBe(true)
    await expect(subject.store.get('ranged', { start: 5, end: 4 })).rejects.toBeInstanceOf(RangeError)
    await expect(subject.store.get('ranged', { start: -1, end: 4 })).rejects.toBeInstanceOf(RangeError)
  })

  test('a failing put (missing spool file, or not the size measured) leaves nothing under the key', async () => {
    await expect(subject.store.putFile('failed', join(subject.spool, 'no-such-file'), 10)).rejects.toThrow(/ENOENT/)
    await expect(subject.store.get('failed')).rejects.toBeInstanceOf(BlobNotFound)
    const path = spooled(Buffer.from('cut short'))
    await expect(subject.store.putFile('failed', path, 1_000)).rejects.toThrow(/not the 1000/)
    await expect(subject.store.get('failed')).rejects.toBeInstanceOf(BlobNotFound)
  })

  test('concurrent puts of different keys each keep their own bytes', async () => {
    const contents = Array.from({ length: 12 }, (_, i) => randomBytes(50_000 + i * 10_000))
    await Promise.all(contents.map((content, i) => subject.store.putFile(`together-${i}`, spooled(content), content.length)))
    const back = await Promise.all(contents.map(async (_, i) => bytesOf(await subject.store.get(`together-${i}`))))
    back.forEach((bytes, i) => expect(bytes.equals(contents[i] as Buffer), `together-${i}`).toBe(true))
  })

  test('keys differing only in case are two blobs', async () => {
    await subject.store.putFile('CaseKey', spooled(Buffer.from('upper')), 5)
    await subject.store.putFile('casekey', spooled(Buffer.from('lower')), 5)
    expect((await bytesOf(await subject.store.get('CaseKey'))).toString()).toBe('upper')
    expect((await bytesOf(await subject.store.get('casekey'))).toString()).toBe('lower')
  })
})
