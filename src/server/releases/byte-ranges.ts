/**
 * Several byte ranges of one file in one `multipart/byteranges` answer
 * (RFC 9110 §14.6). electron-updater's generic provider asks for every
 * changed block of a differential update this way, up to a thousand ranges a
 * request, and reads the parts in the order it asked; a server that answers
 * such a request with the whole file makes it give up and download
 * everything. @fastify/send serves single ranges only: this fills the gap.
 */
import { randomBytes } from 'node:crypto'
import { open } from 'node:fs/promises'
import { Readable } from 'node:stream'

export interface ByteRange {
  start: number
  /** Inclusive. */
  end: number
}

/** electron-updater sends at most 1000 a request. */
export const MAX_RANGES = 1000
const CHUNK_BYTES = 64 * 1024

/**
 * The ranges of a `Range: bytes=…` header naming two or more, when they can be
 * served as parts: each within the file, ascending, not overlapping — so the
 * answer never exceeds the file (plus part headers) however the ranges are
 * chosen. Null for anything else, which the single-range path answers (one
 * range, the whole file, or 416).
 */
export function multipleRanges(header: string | undefined, size: number): ByteRange[] | null {
  if (header === undefined || size === 0) return null
  const match = /^bytes=(.+)$/.exec(header.trim())
  if (match === null) return null
  const specs = (match[1] ?? '').split(',')
  if (specs.length < 2 || specs.length > MAX_RANGES) return null
  const ranges: ByteRange[] = []
  for (const spec of specs) {
    const parts = /^\s*(\d+)-(\d*)\s*$/.exec(spec)
    if (parts === null) return null
    const start = Number(parts[1])
    const end = parts[2] === '' ? size - 1 : Number(parts[2])
    if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start || start >= size) return null
    const previous = ranges.at(-1)
    if (previous !== undefined && start <= previous.end) return null
    ranges.push({ start, end: Math.min(end, size - 1) })
  }
  return ranges
}

export interface MultipartBody {
  contentType: string
  contentLength: number
  body: Readable
}

/** The parts of `path` (of `size` bytes), each labelled `partType` and its Content-Range. */
export function multipartByteRanges(path: string, size: number, ranges: ByteRange[], partType: string): MultipartBody {
  const boundary = `parley-${randomBytes(12).toString('hex')}`
  const head = (range: ByteRange, first: boolean) =>
    Buffer.from(`${first ? '' : '\r\n'}--${boundary}\r\nContent-Type: ${partType}\r\nContent-Range: bytes ${range.start}-${range.end}/${size}\r\n\r\n`)
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`)
  const heads = ranges.map((range, index) => head(range, index === 0))
  const contentLength = heads.reduce((sum, bytes, index) => {
    const range = ranges[index] as ByteRange
    return sum + bytes.length + range.end - range.start + 1
  }, tail.length)
  async function* parts(): AsyncGenerator<Buffer> {
    const file = await open(path, 'r')
    try {
      for (const [index, range] of ranges.entries()) {
        yield heads[index] as Buffer
        for (let position = range.start; position <= range.end; ) {
          const buffer = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, range.end - position + 1))
          const { bytesRead } = await file.read(buffer, 0, buffer.length, position)
          if (bytesRead === 0) throw new Error(`${path} is shorter than it was`)
          yield buffer.subarray(0, bytesRead)
          position += bytesRead
        }
      }
      yield tail
    } finally {
      await file.close()
    }
  }
  return { contentType: `multipart/byteranges; boundary=${boundary}`, contentLength, body: Readable.from(parts(), { objectMode: false }) }
}
