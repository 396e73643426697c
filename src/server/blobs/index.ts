/**
 * The blob store the configuration asks for: S3-compatible storage when
 * S3_BUCKET is set (checked at start, so a wrong bucket, endpoint or key stops
 * the server with a message instead of failing the first upload), else files
 * under DATA_DIR/blobs.
 */
import type { Logger } from 'pino'
import type { ServerConfig } from '../config'
import type { BlobStore } from './blob-store'
import { FilesystemBlobStore } from './filesystem-blob-store'
import { S3BlobStore } from './s3-blob-store'

export { BLOB_KEY, BlobNotFound, type BlobStore } from './blob-store'

export async function createBlobStore(config: ServerConfig, log: Logger): Promise<BlobStore> {
  const s3 = config.attachments.s3
  if (s3 === undefined) {
    const store = await FilesystemBlobStore.open(config.dataDir)
    log.info({ blobs: store.root }, 'attachments stored on the filesystem')
    return store
  }
  const store = new S3BlobStore(s3)
  try {
    await store.checkReachable()
  } catch (err) {
    await store.close()
    throw err
  }
  log.info({ bucket: s3.bucket, endpoint: s3.endpoint ?? null, prefix: s3.prefix }, 'attachments stored in S3-compatible storage')
  return store
}
