/**
 * Blobs in an S3-compatible bucket (S3_BUCKET), which several server nodes
 * share. Objects are named `<S3_PREFIX><key>`. Uploads stream the spooled
 * file with lib-storage's `Upload`: one PutObject up to a part's size,
 * multipart beyond (parts of 8 MiB, 4 in flight: at most ~32 MiB of one
 * upload in memory, 80 GiB before S3's 10,000-part limit — far over
 * MAX_UPLOAD_BYTES' own ceiling). S3 makes an object visible only once its
 * upload completed, so readers see it whole or not at all.
 *
 * Retries are the SDK's (3 attempts with back-off); whatever still fails is
 * thrown to the api, which counts it.
 */
import { createReadStream } from 'node:fs'
import { stat, unlink } from 'node:fs/promises'
import { Readable } from 'node:stream'
import { DeleteObjectCommand, GetObjectCommand, HeadBucketCommand, S3Client, S3ServiceException } from '@aws-sdk/client-s3'
import { Upload } from '@aws-sdk/lib-storage'
import { BlobNotFound, type BlobStore, type BlobStoreConfig } from './blob-store'
import { checkedKey, checkRange } from './checks'

const PART_SIZE = 8 * 1024 * 1024
const PARTS_IN_FLIGHT = 4
/** How long the start-up check may wait for the bucket to answer (the SDK's retries included). */
const REACHABLE_WITHIN_MS = 15_000
/**
 * Sockets to the store per node. A download holds one for as long as the
 * client takes to read it, so the SDK's default of 50 would make the 51st
 * reader of a slow moment wait for someone else's download to finish.
 */
const MAX_SOCKETS = 512

const isMissing = (err: unknown): boolean =>
  err instanceof S3ServiceException && (err.name === 'NoSuchKey' || err.name === 'NotFound' || err.$metadata.httpStatusCode === 404)

export class S3BlobStore implements BlobStore {
  readonly kind = 's3'
  private readonly client: S3Client

  constructor(private readonly config: BlobStoreConfig) {
    this.client = new S3Client({
      region: config.region,
      forcePathStyle: config.forcePathStyle,
      ...(config.endpoint !== undefined && { endpoint: config.endpoint }),
      // Without keys in the configuration the SDK's default chain finds them (environment, profile, instance role).
      ...(config.accessKeyId !== undefined &&
        config.secretAccessKey !== undefined && {
          credentials: { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey },
        }),
      requestHandler: { connectionTimeout: 5_000, httpAgent: { keepAlive: true, maxSockets: MAX_SOCKETS }, httpsAgent: { keepAlive: true, maxSockets: MAX_SOCKETS } },
    })
  }

  /** Rejects, naming the bucket and endpoint, unless the bucket answers HeadBucket (exists, and the credentials may use it). */
  async checkReachable(): Promise<void> {
    const where = `bucket ${JSON.stringify(this.config.bucket)} (S3_BUCKET) at ${this.config.endpoint ?? `AWS ${this.config.region}`} (S3_ENDPOINT)`
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.config.bucket }), { abortSignal: AbortSignal.timeout(REACHABLE_WITHIN_MS) })
    } catch (err) {
      const status = err instanceof S3ServiceException ? err.$metadata.httpStatusCode : undefined
      const why =
        status === 404
          ? 'no such bucket'
          : status === 403 || status === 401
            ? 'access denied: check S3_ACCESS_KEY_ID and S3_SECRET_ACCESS_KEY'
            : err instanceof Error
              ? `${err.name}: ${err.message}`
              : String(err)
      throw new Error(`S3 storage not reachable: ${where}: ${why}`, { cause: err })
    }
  }

  /** Uploads the file, then deletes it. On failure the file stays where it was (the api removes its spool files itself). */
  async putFile(key: string, path: string, size: number): Promise<void> {
    const name = this.objectName(key)
    const actual = (await stat(path)).size
    if (actual !== size) throw new Error(`${path} holds ${actual} bytes, not the ${size} the upload measured`)
    const upload = new Upload({
      client: this.client,
      params: { Bucket: this.config.bucket, Key: name, Body: createReadStream(path) },
      partSize: PART_SIZE,
      queueSize: PARTS_IN_FLIGHT,
      // A failed multipart upload is aborted, so its parts do not linger (and cost) in the bucket.
      leavePartsOnError: false,
    })
    await upload.done()
    await unlink(path)
  }

  async get(key: string, range?: { start: number; end: number }): Promise<Readable> {
    const name = this.objectName(key)
    checkRange(range)
    let response
    try {
      response = await this.client.send(
        new GetObjectCommand({ Bucket: this.config.bucket, Key: name, ...(range !== undefined && { Range: `bytes=${range.start}-${range.end}` }) }),
      )
    } catch (err) {
      throw isMissing(err) ? new BlobNotFound(key) : err
    }
    const body = response.Body
    if (!(body instanceof Readable)) throw new Error(`GetObject ${name}: the SDK returned no Node stream`)
    // A store that ignored the range (or answered another one) would hand out the wrong bytes with a 206.
    if (range !== undefined && !rangeMatches(response.ContentRange, range)) {
      body.destroy()
      throw new Error(`GetObject ${name}: asked for bytes ${range.start}-${range.end}, the store answered ${response.ContentRange ?? 'the whole object'}`)
    }
    return body
  }

  async delete(key: string): Promise<void> {
    try {
      await this.client.send(new DeleteObjectCommand({ Bucket: this.config.bucket, Key: this.objectName(key) }))
    } catch (err) {
      // S3 answers 204 for a missing object; some compatible stores say 404.
      if (!isMissing(err)) throw err
    }
  }

  async close(): Promise<void> {
    this.client.destroy()
  }

  private objectName(key: string): string {
    return `${this.config.prefix}${checkedKey(key)}`
  }
}

/** `bytes <start>-<end>/<size>` with our start and an end no further than ours (a range past the end is cut short). */
function rangeMatches(contentRange: string | undefined, range: { start: number; end: number }): boolean {
  const match = /^bytes (\d+)-(\d+)\/(\d+|\*)$/.exec(contentRange ?? '')
  return match !== null && Number(match[1]) === range.start && Number(match[2]) <= range.end
}
