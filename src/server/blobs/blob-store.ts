/**
 * Where attachment bytes live (docs/design.md §4.5): the filesystem under
 * DATA_DIR/blobs (the embedded default), or S3-compatible object storage
 * (S3_BUCKET set) that several server nodes share. The api spools an upload
 * to a local temp file first (hashing, sniffing and the size limit happen
 * there), cleans images with sharp, and only then hands a finished file to
 * the store — so a store never holds a cut or oversized upload.
 *
 * Keys are made by the api (one per attachment, and one per thumbnail):
 * `[A-Za-z0-9_.-]{1,128}`. A store must refuse anything else.
 */
import type { Readable } from 'node:stream'
import type { ServerConfig } from '../config'

export interface BlobStore {
  readonly kind: 'filesystem' | 's3'
  /**
   * Moves the finished file at `path` into the store under `key` (the file is
   * consumed: renamed on the same filesystem, else copied/uploaded and
   * deleted). Atomic for readers: `get` sees the whole blob or none.
   */
  putFile(key: string, path: string, size: number): Promise<void>
  /** The blob's bytes, whole or the inclusive byte range; rejects with BlobNotFound. */
  get(key: string, range?: { start: number; end: number }): Promise<Readable>
  /** Idempotent: deleting a missing blob is not an error. */
  delete(key: string): Promise<void>
  close(): Promise<void>
}

export class BlobNotFound extends Error {
  constructor(key: string) {
    super(`no blob ${key}`)
    this.name = 'BlobNotFound'
  }
}

export const BLOB_KEY = /^[A-Za-z0-9_.-]{1,128}$/

export type BlobStoreConfig = NonNullable<ServerConfig['attachments']['s3']>
