/**
 * The s3rver child that test/helpers/s3-server.ts starts (S3RVER_DIRECTORY,
 * S3RVER_BUCKET in its environment): an S3-API server on 127.0.0.1 with a port of the system's choosing,
 * path-style only, keys S3RVER/S3RVER. Prints `s3rver listening on <url>` once
 * it accepts requests.
 *
 * s3rver 3.7.1 (its last release) has one defect a real S3 feature runs into:
 * a range whose last byte is 0 — `Range: bytes=0-0`, the first byte — is
 * answered with the whole object under a 206 (its store reads `end || Infinity`).
 * Patched below, narrowly: only that range takes the other path. Everything
 * else the stores use — multipart uploads, ranged GETs, path-style addressing,
 * the SDK's default checksums and signatures — works unpatched with the
 * current @aws-sdk/client-s3 on Node 24.
 */
import { createReadStream } from 'node:fs'
import { createRequire } from 'node:module'
import type { Readable } from 'node:stream'

interface StoredObject {
  content: Readable | null
  range?: { start: number; end: number }
}
interface FilesystemStore {
  getObject(bucket: string, key: string, options?: { start?: number; end?: number }): Promise<StoredObject | null>
  getResourcePath(bucket: string, key: string, type: 'object'): string
}
interface S3rverOptions {
  address: string
  port: number
  directory: string
  silent: boolean
  vhostBuckets: boolean
  configureBuckets: { name: string; configs: Buffer[] }[]
}

const require = createRequire(import.meta.url)
const S3rver = require('s3rver') as new (options: S3rverOptions) => { run(): Promise<{ address: string; port: number }> }
const store = (require('s3rver/lib/stores/filesystem') as { prototype: FilesystemStore }).prototype

const getObject = store.getObject
store.getObject = async function (this: FilesystemStore, bucket, key, options) {
  if (options?.start !== 0 || options.end !== 0) return getObject.call(this, bucket, key, options)
  // bytes=0-0: ask for the object from byte 0, then serve its first byte only.
  const object = await getObject.call(this, bucket, key, { start: 0 })
  if (object?.content == null) return object
  object.content.destroy()
  object.content = createReadStream(this.getResourcePath(bucket, key, 'object'), { start: 0, end: 0 })
  object.range = { start: 0, end: 0 }
  return object
}

const { S3RVER_DIRECTORY: directory, S3RVER_BUCKET: bucket } = process.env
if (directory === undefined || bucket === undefined) throw new Error('s3rver-process.ts needs S3RVER_DIRECTORY and S3RVER_BUCKET')
const { address, port } = await new S3rver({
  address: '127.0.0.1',
  port: 0,
  directory,
  silent: true,
  vhostBuckets: false,
  configureBuckets: [{ name: bucket, configs: [] }],
}).run()
console.log(`s3rver listening on http://${address}:${port}`)
