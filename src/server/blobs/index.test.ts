/**
 * createBlobStore from the environment the server reads: the filesystem store
 * without S3_BUCKET; with it, the S3 store once the bucket answered — and a
 * start-up error naming S3_BUCKET and S3_ENDPOINT when it does not.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, test } from 'vitest'
import { freePort } from '../../../test/kit/ports'
import { startS3Server, type S3Server } from '../../../test/helpers/s3-server'
import { loadConfig } from '../config'
import { createLogger } from '../logger'
import { createBlobStore } from './index'

const log = createLogger('silent')

describe('createBlobStore', () => {
  let s3: S3Server
  let dataDir: string

  beforeAll(async () => {
    s3 = await startS3Server()
    dataDir = mkdtempSync(join(tmpdir(), 'parley-blob-config-'))
  })
  afterAll(async () => {
    await s3?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('without S3_BUCKET: files under DATA_DIR/blobs', async () => {
    const store = await createBlobStore(loadConfig({ DATA_DIR: dataDir }), log)
    expect(store.kind).toBe('filesystem')
    expect(existsSync(join(dataDir, 'blobs'))).toBe(true)
    await store.close()
  })

  test('with S3_BUCKET: the bucket, once it answered', async () => {
    const store = await createBlobStore(loadConfig({ DATA_DIR: dataDir, ...s3.env }), log)
    expect(store.kind).toBe('s3')
    await store.close()
  })

  test('a bucket that does not exist stops the start, naming S3_BUCKET and S3_ENDPOINT', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, ...s3.env, S3_BUCKET: 'no-such-bucket' })
    await expect(createBlobStore(config, log)).rejects.toThrow(/"no-such-bucket" \(S3_BUCKET\) at http:\/\/127\.0\.0\.1:\d+ \(S3_ENDPOINT\): no such bucket/)
  })

  // s3rver checks the access key id but not SigV4 signatures, so a wrong secret would pass here; real stores refuse both alike.
  test('an unknown access key stops the start with "access denied"', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, ...s3.env, S3_ACCESS_KEY_ID: 'NOT-A-KEY' })
    await expect(createBlobStore(config, log)).rejects.toThrow(/S3_BUCKET.*S3_ENDPOINT.*access denied/)
  })

  test('an endpoint where nothing listens stops the start', async () => {
    const config = loadConfig({ DATA_DIR: dataDir, ...s3.env, S3_ENDPOINT: `http://127.0.0.1:${await freePort()}` })
    await expect(createBlobStore(config, log)).rejects.toThrow(/S3 storage not reachable: .*S3_ENDPOINT.*ECONNREFUSED/)
  })
})
