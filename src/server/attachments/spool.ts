/**
 * An upload's bytes, streamed into a temp file under DATA_DIR/tmp (docs/design.md
 * §4.5): counted, hashed (SHA-256) and checked for plain text on the way, never
 * held whole in memory. Past `maxBytes` the stream fails with UploadTooLarge
 * and the temp file is removed; so does it on any other failure.
 */
import { createHash, randomBytes } from 'node:crypto'
import { isUtf8 } from 'node:buffer'
import { createReadStream, createWriteStream } from 'node:fs'
import { mkdir, unlink } from 'node:fs/promises'
import { join } from 'node:path'
import { Transform, type Readable, type TransformCallback } from 'node:stream'
import { pipeline } from 'node:stream/promises'

/** The first bytes are kept for sniffing (file-type reads the file itself; the text rules read these). */
const HEAD_BYTES = 4096

export interface Spooled {
  path: string
  size: number
  /** Hex SHA-256 of the bytes received. */
  sha256: string
  /** The first HEAD_BYTES bytes. */
  head: Buffer
  /** Valid UTF-8 with no NUL from first byte to last (empty files included). */
  text: boolean
}

export class UploadTooLarge extends Error {
  constructor(readonly maxBytes: number) {
    super(`The file is larger than this server accepts (${maxBytes} bytes)`)
  }
}

/** A fresh temp path in `tmpDir` (created if missing); names are random, never the client's. */
export async function tempPath(tmpDir: string, suffix = ''): Promise<string> {
  await mkdir(tmpDir, { recursive: true })
  return join(tmpDir, `${randomBytes(12).toString('hex')}${suffix}`)
}

/** Remove files if they exist (temp files a failure left behind). */
export async function removeFiles(paths: readonly (string | null | undefined)[]): Promise<void> {
  await Promise.all(paths.map((path) => (path ? unlink(path).catch(() => undefined) : undefined)))
}

/** Counts, hashes and text-checks what passes through; fails past `maxBytes`. */
class Measure extends Transform {
  size = 0
  readonly hash = createHash('sha256')
  text = true
  private readonly heads: Buffer[] = []
  private headLength = 0
  /** The bytes of a UTF-8 sequence cut by the chunk boundary (at most 3). */
  private carry: Buffer = Buffer.alloc(0)

  constructor(private readonly maxBytes: number) {
    super()
  }

  get head(): Buffer {
    return Buffer.concat(this.heads)
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.size += chunk.length
    if (this.size > this.maxBytes) {
      done(new UploadTooLarge(this.maxBytes))
      return
    }
    this.hash.update(chunk)
    if (this.headLength < HEAD_BYTES) {
      const part = chunk.subarray(0, HEAD_BYTES - this.headLength)
      this.heads.push(Buffer.from(part))
      this.headLength += part.length
    }
    if (this.text) this.checkText(chunk)
    done(null, chunk)
  }

  override _flush(done: TransformCallback): void {
    if (this.carry.length > 0) this.text = false
    done()
  }

  private checkText(chunk: Buffer): void {
    if (chunk.includes(0)) {
      this.text = false
      return
    }
    const bytes = this.carry.length > 0 ? Buffer.concat([this.carry, chunk]) : chunk
    const cut = incompleteTail(bytes)
    this.carry = Buffer.from(bytes.subarray(bytes.length - cut))
    if (!isUtf8(bytes.subarray(0, bytes.length - cut))) this.text = false
  }
}

/** How many bytes at the end of `bytes` begin a UTF-8 sequence the next chunk may complete (0–3). */
function incompleteTail(bytes: Buffer): number {
  for (let back = 1; back <= Math.min(3, bytes.length); back++) {
    const byte = bytes[bytes.length - back] as number
    if ((byte & 0xc0) === 0x80) continue // a continuation byte: look further back
    const needed = byte >= 0xf0 ? 4 : byte >= 0xe0 ? 3 : byte >= 0xc0 ? 2 : 1
    return needed > back ? back : 0
  }
  return 0
}

/** Stream `source` into a new temp file in `tmpDir`. */
export async function spool(source: Readable, tmpDir: string, maxBytes: number): Promise<Spooled> {
  const path = await tempPath(tmpDir)
  const measure = new Measure(maxBytes)
  try {
    await pipeline(source, measure, createWriteStream(path, { flags: 'wx', highWaterMark: 1024 * 1024 }))
  } catch (err) {
    await removeFiles([path])
    throw err
  }
  return { path, size: measure.size, sha256: measure.hash.digest('hex'), head: measure.head, text: measure.text }
}

/** Size and hex SHA-256 of a file (a cleaned image), streamed. */
export async function measureFile(path: string): Promise<{ size: number; sha256: string }> {
  const hash = createHash('sha256')
  let size = 0
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    hash.update(chunk)
    size += chunk.length
  }
  return { size, sha256: hash.digest('hex') }
}
